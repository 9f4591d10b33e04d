import Foundation
import ObservatoryCore

/// Every public address of the site. Routes are registered from these patterns and every link is made
/// by `path`, so no URL is typed twice.
enum SiteRoute: Hashable {
    case home(page: Int)
    case publications(PublicationFilter)
    case publication(id: String)
    case countries
    case country(Country, PublicationFilter)
    /// A country page from the map: the filter as one short `m` parameter (`PublicationFilter.mapKey`), which the
    /// country page redirects to its usual address; without a filter, the country page itself.
    case mapCountry(Country, PublicationFilter)
    case feed(FeedFormat, PublicationFilter)
    case search(String, PublicationFilter)
    /// Where search forms send their words (`/search`, no query).
    case searchForm
    case map(PublicationFilter)
    case searchFeed(FeedFormat, String, PublicationFilter)
    case stylesheet
    /// The world map's country outlines, one SVG that every map page shares (cached for a year).
    case mapOutlines
    /// The secure form to report a threat, and the page where a reporter comes back with a receipt code.
    case report
    case receipt
    case receiptAdd
    /// The e-mail subscription form.
    case subscribe
    /// The links of every message to a subscriber, one address in every language (the token names the subscriber,
    /// whose languages the page follows): confirming, changing preferences, unsubscribing.
    case subscriptionConfirm(token: String)
    case subscriptionPreferences(token: String)
    case unsubscribe(token: String)
    /// The work in figures (`StatisticsController`).
    case statistics(StatisticsFilter)
    /// The published annual reports (`AnnualReportPublicController`): the archive, a year, its PDF.
    case annualReports
    case annualReport(year: Int)
    case annualReportPDF(year: Int)
    /// The directory of member organisations, an organisation's page and the directory's downloads
    /// (`DirectoryController`, `ListExportController`).
    case organisations(DirectoryFilter)
    case organisation(id: String)
    case organisationsExport(ListExport.Format, DirectoryFilter)
    /// Portraits of defenders who agreed to be named, their series and their sponsors (`PortraitsController`);
    /// the photograph has one address in every language.
    case portraits
    case portrait(id: String)
    case portraitPhoto(id: String)
    case portraitSeries(id: String)
    /// The sponsorship campaign: the pairs of sponsors and defenders, and the "sponsor a defender" form.
    case sponsorship
    case campaigns
    case campaign(id: String)
    /// A campaign's image: one address in every language.
    case campaignImage(id: String)
    case calls
    case call(id: String)
    /// The mission reports.
    case missions
    case bulletins
    /// The lists as CSV or JSON, in the reader's language (what their pages show).
    case publicationsExport(ListExport.Format, PublicationFilter)
    case searchExport(ListExport.Format, String, PublicationFilter)
    case campaignsExport(ListExport.Format)
    case callsExport(ListExport.Format)
    case statisticsExport(ListExport.Format, StatisticsFilter)
    /// A bulletin in its language, whose address holds it (no language prefix).
    case bulletin(month: BulletinMonth, language: Language)

    enum FeedFormat: String, Hashable, CaseIterable {
        case rss, atom
        var mediaType: String { self == .rss ? "application/rss+xml" : "application/atom+xml" }
    }

    /// Path patterns for registration (Vapor's `:parameter` syntax).
    enum Pattern {
        static let home: [String] = []
        static let publications = ["publications"]
        static let publication = ["publications", ":id"]
        static let countries = ["countries"]
        static let country = ["countries", ":code"]
        static let rss = ["publications", "feed.rss"]
        static let atom = ["publications", "feed.atom"]
        static let stylesheet = ["static", "site.css"]
        static let mapOutlines = ["static", "map.svg"]
        static let search = ["search"]
        static let map = ["map"]
        static let searchRSS = ["search", "feed.rss"]
        static let searchAtom = ["search", "feed.atom"]
        static let report = ["report"]
        static let receipt = ["report", "receipt"]
        static let receiptAdd = ["report", "receipt", "add"]
        static let subscribe = ["subscribe"]
        static let subscriptionConfirm = ["subscribe", "confirm", ":token"]
        static let subscriptionPreferences = ["subscription", ":token"]
        static let unsubscribe = ["unsubscribe", ":token"]
        static let statistics = ["statistics"]
        static let annualReports = ["reports", "annual"]
        static let annualReport = ["reports", "annual", ":year"]
        static let annualReportPDF = ["reports", "annual", ":year", "report.pdf"]
        static let organisations = ["organisations"]
        static let organisation = ["organisations", ":id"]
        static func organisationsExport(_ format: ListExport.Format) -> [String] {
            ["organisations.\(format.rawValue)"]
        }
        static let portraits = ["portraits"]
        static let portrait = ["portraits", ":id"]
        static let portraitPhoto = ["portraits", ":id", "photo"]
        static let portraitSeries = ["portraits", "series", ":id"]
        static let sponsorship = ["sponsorship"]
        static let campaigns = ["campaigns"]
        static let campaign = ["campaigns", ":id"]
        static let campaignImage = ["campaigns", ":id", "image"]
        static let calls = ["calls"]
        static let call = ["calls", ":id"]
        static let missions = ["missions"]
        static let bulletins = ["bulletins"]
        static let bulletin = ["bulletins", ":month", ":language"]
        static func publicationsExport(_ format: ListExport.Format) -> [String] { ["publications.\(format.rawValue)"] }
        static func searchExport(_ format: ListExport.Format) -> [String] { ["search.\(format.rawValue)"] }
        static func campaignsExport(_ format: ListExport.Format) -> [String] { ["campaigns.\(format.rawValue)"] }
        static func callsExport(_ format: ListExport.Format) -> [String] { ["calls.\(format.rawValue)"] }
        static func statisticsExport(_ format: ListExport.Format) -> [String] { ["statistics.\(format.rawValue)"] }
    }

    /// The address in the current page's language (see `Translations.current`); the stylesheet has one address.
    var path: String {
        switch self {
        case .stylesheet, .mapOutlines, .subscriptionConfirm, .subscriptionPreferences, .unsubscribe, .portraitPhoto,
            .campaignImage, .bulletin:
            return unprefixedPath
        default: break
        }
        return Translations.current.language.pathPrefix + unprefixedPath
    }

    func path(in language: Language) -> String { Translations.$current.withValue(.of(language)) { path } }

    /// The English address.
    var unprefixedPath: String {
        switch self {
        case .home(let page):
            return page > 1 ? "/?page=\(page)" : "/"
        case .publications(let filter):
            return "/publications" + Self.query(filter.queryItems())
        case .publication(let id):
            return "/publications/" + Self.escapeSegment(id)
        case .countries:
            return "/countries"
        case .country(let country, let filter):
            return "/countries/\(country.slug)" + Self.query(filter.queryItems(includingCountry: false))
        case .feed(let format, let filter):
            return "/publications/feed.\(format.rawValue)" + Self.query(filter.firstPage.queryItems())
        case .searchForm:
            return "/search"
        case .search(let text, let filter):
            return "/search" + Self.query([("q", text)] + filter.queryItems())
        case .searchFeed(let format, let text, let filter):
            return "/search/feed.\(format.rawValue)" + Self.query([("q", text)] + filter.firstPage.queryItems())
        case .mapCountry(let country, let filter):
            let key = filter.mapKey
            return "/countries/\(country.slug)" + (key.isEmpty ? "" : "?m=" + key)
        case .map(let filter):
            return "/map" + Self.query(filter.firstPage.queryItems(includingCountry: false))
        case .stylesheet:
            return "/static/site.css?v=\(Stylesheet.version)"
        case .mapOutlines:
            return "/static/map.svg?v=\(WorldMapOutlines.version)"
        case .report: return "/report"
        case .receipt: return "/report/receipt"
        case .receiptAdd: return "/report/receipt/add"
        case .subscribe: return "/subscribe"
        case .subscriptionConfirm(let token): return "/subscribe/confirm/" + Self.escapeSegment(token)
        case .subscriptionPreferences(let token): return "/subscription/" + Self.escapeSegment(token)
        case .unsubscribe(let token): return "/unsubscribe/" + Self.escapeSegment(token)
        case .statistics(let filter): return "/statistics" + Self.query(filter.queryItems)
        case .annualReports: return "/reports/annual"
        case .annualReport(let year): return "/reports/annual/\(year)"
        case .annualReportPDF(let year): return "/reports/annual/\(year)/report.pdf"
        case .organisations(let filter): return "/organisations" + Self.query(filter.queryItems)
        case .organisation(let id): return "/organisations/" + Self.escapeSegment(id)
        case .organisationsExport(let format, let filter):
            return "/organisations.\(format.rawValue)" + Self.query(filter.queryItems.filter { $0.0 != "page" })
        case .portraits: return "/portraits"
        case .portrait(let id): return "/portraits/" + Self.escapeSegment(id)
        case .portraitPhoto(let id): return "/portraits/" + Self.escapeSegment(id) + "/photo"
        case .portraitSeries(let id): return "/portraits/series/" + Self.escapeSegment(id)
        case .sponsorship: return "/sponsorship"
        case .campaigns: return "/campaigns"
        case .campaign(let id): return "/campaigns/" + Self.escapeSegment(id)
        case .campaignImage(let id): return "/campaigns/" + Self.escapeSegment(id) + "/image"
        case .calls: return "/calls"
        case .call(let id): return "/calls/" + Self.escapeSegment(id)
        case .missions: return "/missions"
        case .bulletins: return "/bulletins"
        case .publicationsExport(let format, let filter):
            return "/publications.\(format.rawValue)" + Self.query(filter.queryItems(includingPage: false))
        case .searchExport(let format, let text, let filter):
            return "/search.\(format.rawValue)" + Self.query([("q", text)] + filter.queryItems(includingPage: false))
        case .campaignsExport(let format): return "/campaigns.\(format.rawValue)"
        case .callsExport(let format): return "/calls.\(format.rawValue)"
        case .statisticsExport(let format, let filter):
            return "/statistics.\(format.rawValue)" + Self.query(filter.queryItems)
        case .bulletin(let month, let language): return "/bulletins/\(month)/\(language.rawValue)"
        }
    }

    static func query(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        return "?" + items.map { "\($0.0)=\(escapeSegment($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes all but RFC 3986's unreserved characters (ASCII letters, digits, `-._~`).
    static func escapeSegment(_ text: String) -> String {
        func unreserved(_ b: UInt8) -> Bool {
            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x2D
                || b == 0x2E || b == 0x5F || b == 0x7E
        }
        if text.utf8.allSatisfy(unreserved) { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3)
        for b in text.utf8 {
            if unreserved(b) { out.append(b) } else { out += [0x25, hex[Int(b >> 4)], hex[Int(b & 0xF)]] }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
