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
    case feed(FeedFormat, PublicationFilter)
    case stylesheet

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
    }

    var path: String {
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
        case .stylesheet:
            return "/static/site.css?v=\(Stylesheet.version)"
        }
    }

    static func query(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        return "?" + items.map { "\($0.0)=\(escapeSegment($0.1))" }.joined(separator: "&")
    }

    static func escapeSegment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
