import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// The campaigns and the open calls for input as CSV and JSON (`/campaigns.csv`, `/fr/calls.json`): what their list
/// pages show, and the public text. Only what the public site shows: published campaigns (four eyes) and calls that
/// take answers today; never a campaign's linked cases, nor a call's answers.
extension ListExport {
    static let campaignHeader = ["id", "url", "title", "text", "publications"]
    static let callHeader = ["id", "url", "title", "deadline", "text"]

    static func campaigns(_ format: Format) -> String { SiteRoute.campaignsExport(format).path }

    static func calls(_ format: Format) -> String { SiteRoute.callsExport(format).path }

    struct CampaignItem: Encodable {
        let id: String, url: String, title: String, text: String, publications: [String]
    }

    struct CallItem: Encodable {
        let id: String, url: String, title: String, deadline: String, text: String
    }

    static func campaignList(_ req: Request, _ format: Format) async throws -> Response {
        let base = req.publicBaseURL
        let campaigns = try await CampaignStore.all(on: req.db).filter(\.published)
        let rows = try campaigns.map { c -> String in
            let url = base + SiteRoute.campaign(id: c.id).path
            switch format {
            case .json:
                return try json(
                    CampaignItem(
                        id: c.id, url: url, title: c.title, text: c.text,
                        publications: c.publicationList))
            case .csv: return CSVText.row([c.id, url, c.title, c.text, c.publicationList.joined(separator: ";")])
            }
        }
        let document = ListExport.document(format, header: campaignHeader, rows: rows, prefixJSON: "{")
        return answer(document, format, filename: filename("campaigns", [], format))
    }

    static func callList(_ req: Request, _ format: Format) async throws -> Response {
        let base = req.publicBaseURL
        let today = req.site.clock.today
        let calls = try await CallStore.all(on: req.db).filter { $0.accepts(on: today) }
        let rows = try calls.map { c -> String in
            let url = base + SiteRoute.call(id: c.id).path
            switch format {
            case .json:
                return try json(CallItem(id: c.id, url: url, title: c.title, deadline: c.deadline, text: c.text))
            case .csv: return CSVText.row([c.id, url, c.title, c.deadline, c.text])
            }
        }
        let document = ListExport.document(format, header: callHeader, rows: rows, prefixJSON: "{")
        // Not kept by the page cache: which calls take answers changes with the day, as on the list page.
        let response = Response(status: .ok, body: .init(string: document))
        response.headers.replaceOrAdd(name: .contentType, value: format.contentType)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        setDownloadHeaders(response, filename: filename("calls", [], format))
        return response
    }
}
