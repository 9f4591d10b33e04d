import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// Every public list as CSV and JSON, at the list's address with `.csv` / `.json` and the same filters, in every
/// language (`/publications.csv?country=mx`, `/fr/search.json?q=…`, `/organisations.csv?type=ngo`). A country page
/// links to `/publications.csv?country=…`, the same result. Built from the public types only (`PublicationSummary`,
/// `DirectoryEntry`), so nothing a page cannot show can be exported.
///
/// - CSV: RFC 4180 with a header row, UTF-8 with a byte order mark, cells guarded against formula injection
///   (`CSVText`). JSON: `{"filters": {…}, "items": [{…}, …]}`, the search also `"q"` and `"truncated"`.
/// - The whole filtered result, not one page; `page` is ignored. Up to `bufferedRows` rows the answer is rendered once
///   and kept by the page cache like any anonymous page; larger ones are streamed from the database in batches.
enum ListExport {
    enum Format: String, CaseIterable, Sendable {
        case csv, json
        var contentType: String {
            self == .csv ? "text/csv; charset=utf-8; header=present" : "application/json; charset=utf-8"
        }
    }

    /// At most this many search results are exported (the search ranks every match; a list has no such limit).
    static let searchLimit = 1_000
    /// Results up to this size are built in memory (and cached); beyond, streamed.
    static let bufferedRows = 2_000
    static let batch = 500

    static let publicationHeader = [
        "id", "url", "type", "kind", "language", "published_on", "title", "summary",
        "countries", "country_names", "programmes", "reference", "event_date"
    ]
    static let organisationHeader = [
        "id", "url", "name", "type", "country", "country_name", "working_languages",
        "networks", "founded", "website"
    ]

    // MARK: Addresses

    static func publications(_ format: Format, _ filter: PublicationFilter) -> String {
        SiteRoute.publicationsExport(format, filter).path
    }

    static func search(_ format: Format, _ text: String, _ filter: PublicationFilter) -> String {
        SiteRoute.searchExport(format, text, filter).path
    }

    static func organisations(_ format: Format, _ filter: DirectoryFilter) -> String {
        SiteRoute.organisationsExport(format, filter).path
    }

    /// The download links a list page shows (plain links: no script needed).
    static func links(csv: String, json: String) -> HTML {
        "<span class=\"downloads\">\(t("export.download")) <a href=\"\(csv)\" type=\"text/csv\" download>CSV</a>"
            + " · <a href=\"\(json)\" type=\"application/json\">JSON</a></span>"
    }

    // MARK: Rows

    static func csvRow(_ p: PublicationSummary, baseURL: String) -> String {
        let cells = [
            p.id, baseURL + SiteRoute.publication(id: p.id).path, p.type, p.kind ?? "", p.language,
            p.publishedOn,
            p.title, p.summary, p.countryCodes.replacingOccurrences(of: ",", with: ";"),
            p.countries.map(\.localName).joined(separator: "; "),
            p.programmeSlugs.replacingOccurrences(of: ",", with: ";"), p.reference ?? "", p.eventDate ?? ""
        ]
        return CSVText.row(cells)
    }

    static func encode(_ p: PublicationSummary, _ format: Format, baseURL: String) throws -> String {
        format == .csv ? csvRow(p, baseURL: baseURL) : try json(PublicationItem(p, baseURL: baseURL))
    }

    struct PublicationItem: Encodable {
        let id: String, url: String, type: String, kind: String?, language: String, published_on: String
        let title: String, summary: String, countries: [String], programmes: [String], reference: String?
        let event_date: String?

        init(_ p: PublicationSummary, baseURL: String) {
            id = p.id; url = baseURL + SiteRoute.publication(id: p.id).path; type = p.type; kind = p.kind
            language = p.language; published_on = p.publishedOn; title = p.title; summary = p.summary
            countries = p.countryCodes.isEmpty ? [] : p.countryCodes.split(separator: ",").map(String.init)
            programmes = p.programmeSlugs.isEmpty ? [] : p.programmeSlugs.split(separator: ",").map(String.init)
            reference = p.reference; event_date = p.eventDate
        }

        func encode(to encoder: any Encoder) throws {
            enum Key: String, CodingKey {
                case id, url, type, kind, language, published_on, title, summary, countries, programmes, reference
                case event_date
            }
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(id, forKey: .id); try c.encode(url, forKey: .url); try c.encode(type, forKey: .type)
            try c.encode(kind, forKey: .kind); try c.encode(language, forKey: .language)
            try c.encode(published_on, forKey: .published_on); try c.encode(title, forKey: .title)
            try c.encode(summary, forKey: .summary); try c.encode(countries, forKey: .countries)
            try c.encode(programmes, forKey: .programmes); try c.encode(reference, forKey: .reference)
            try c.encode(event_date, forKey: .event_date)
        }
    }

    struct OrganisationItem: Encodable {
        let id: String, url: String, name: String, type: String?, country: String?, working_languages: [String]
        let networks: [String], founded: Int?, website: String?

        init(_ o: DirectoryEntry, baseURL: String) {
            id = o.id
            url = baseURL + SiteRoute.organisation(id: o.id).path
            name = o.name; type = o.type; country = o.countryCode; working_languages = o.languages
            networks = o.networkSlugs; founded = o.founded; website = o.website
        }

        func encode(to encoder: any Encoder) throws {
            enum Key: String, CodingKey {
                case id, url, name, type, country, working_languages, networks, founded, website
            }
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(id, forKey: .id); try c.encode(url, forKey: .url); try c.encode(name, forKey: .name)
            try c.encode(type, forKey: .type); try c.encode(country, forKey: .country)
            try c.encode(working_languages, forKey: .working_languages); try c.encode(networks, forKey: .networks)
            try c.encode(founded, forKey: .founded); try c.encode(website, forKey: .website)
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]  // the same bytes every time
        return ScriptSafeJSON.escape(String(decoding: try encoder.encode(value), as: UTF8.self))  // no markup, no BOM
    }

    static func filtersJSON(_ items: [(String, String)]) throws -> String {
        try json(Dictionary(items, uniquingKeysWith: { a, _ in a }))
    }

    // MARK: Answers

    /// A name a browser saves the file under: only ASCII letters, digits, `-` and `.` (nothing a header could carry).
    static func filename(_ base: String, _ items: [(String, String)], _ format: Format) -> String {
        let words = [base] + items.filter { $0.0 != "q" }.map { $0.1 }
        let safe = words.joined(separator: "-").lowercased().map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || c == "-") ? c : "-"
        }
        let squeezed = String(safe).split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
        return String(squeezed.prefix(100)) + "." + format.rawValue
    }

    static func answer(_ body: String, _ format: Format, filename: String) -> Response {
        let response = Response.publicPage(body, contentType: format.contentType)
        setDownloadHeaders(response, filename: filename)
        return response
    }

    static func setDownloadHeaders(_ response: Response, filename: String) {
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
    }

    static func document(_ format: Format, header: [String], rows: [String], prefixJSON: String) -> String {
        switch format {
        case .csv: CSVText.byteOrderMark + CSVText.row(header) + rows.joined()
        case .json: prefixJSON + "\"items\":[" + rows.joined(separator: ",") + "]}"
        }
    }
}
