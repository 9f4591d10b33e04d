import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// `/sitemap.xml` and `/robots.txt`.
///
/// The sitemap lists every public page in every language (each address with its `xhtml:link` alternates and
/// `lastmod`): the list pages, every country with publications, every published publication and every organisation
/// of the directory. Past `AppConfig.sitemapPageSize` addresses (the protocol's 50,000) `/sitemap.xml` is an index
/// of `/sitemap-1.xml`, `/sitemap-2.xml`, …. Nothing else is listed: no office or partner path, nothing unpublished.
enum Sitemap {
    struct Page: Sendable, Equatable {
        /// The English (unprefixed) path.
        let path: String
        /// `YYYY-MM-DD`.
        let lastmod: String
    }

    /// How many numbered sitemaps are routed (with the default page size, 25 million addresses).
    static let maxFiles = 500

    static let listPaths = [
        SiteRoute.home(page: 1), .publications(PublicationFilter()), .countries, .map(PublicationFilter()),
        .organisations(DirectoryFilter()), .campaigns, .calls, .missions, .bulletins, .report, .subscribe, .portraits,
        .sponsorship, .annualReports
    ].map(\.unprefixedPath)

    private struct IDDate: Decodable { let id: String; let published_on: String }
    private struct CodeDate: Decodable { let code: String; let newest: String }
    private struct ID: Decodable { let id: String }

    /// Every public page, in a fixed order (list pages, countries, publications by id, organisations by id).
    static func pages(on db: any Database, today: String) async throws -> [Page] {
        let publications = try await db.sql.raw(
            """
            SELECT p.id, p.published_on FROM publications p
            WHERE \(PublicationQueries.conditions(PublicationFilter())) ORDER BY p.id
            """
        ).all(decoding: IDDate.self)
        let newest = publications.map(\.published_on).max() ?? today
        let countries = try await db.sql.raw(
            """
            SELECT c.country_code AS code, MAX(p.published_on) AS newest FROM publication_countries c
            JOIN publications p ON p.id = c.publication_id
            WHERE c.status = 'published' AND p.status = 'published' GROUP BY c.country_code ORDER BY c.country_code
            """
        ).all(decoding: CodeDate.self)
        let organisations = try await db.sql.raw("SELECT id FROM organisations ORDER BY id").all(decoding: ID.self)
        var pages = listPaths.map { Page(path: $0, lastmod: newest) }
        pages += countries.compactMap { row in
            CountryDirectory.shared.country(code: row.code).map {
                Page(path: SiteRoute.country($0, PublicationFilter()).unprefixedPath, lastmod: row.newest)
            }
        }
        pages += publications.map {
            Page(path: SiteRoute.publication(id: $0.id).unprefixedPath, lastmod: $0.published_on)
        }
        pages += organisations.map { Page(path: SiteRoute.organisation(id: $0.id).unprefixedPath, lastmod: newest) }
        // Portraits public today and published series (a withdrawn consent leaves the sitemap at once).
        let day = CivilDate(today) ?? CivilDate(daysSinceEpoch: 0)
        pages += try await PortraitStore.publicPortraits(today: day, on: db).map {
            Page(path: SiteRoute.portrait(id: $0.id).unprefixedPath, lastmod: newest)
        }
        pages += try await PortraitStore.allSeries(on: db).filter(\.published).map {
            Page(path: SiteRoute.portraitSeries(id: $0.id).unprefixedPath, lastmod: newest)
        }
        // Each published annual report (its page in a language without the report says so and links the others).
        pages += try await AnnualReportEditionStore.archive(on: db).map {
            Page(path: SiteRoute.annualReport(year: $0.year).unprefixedPath, lastmod: newest)
        }
        return pages
    }

    /// Every page in every language: the addresses a sitemap lists, in order.
    static func addressCount(_ pages: [Page]) -> Int { pages.count * Language.allCases.count }

    static func urlset(_ pages: [Page], base: String, range: Range<Int>) -> String {
        let languages = Language.allCases
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">

            """
        for index in range {
            let page = pages[index / languages.count], language = languages[index % languages.count]
            out +=
                "<url><loc>\(HTML.escape(base + language.pathPrefix + page.path))</loc>"
                + "<lastmod>\(page.lastmod)</lastmod>"
            for other in languages {
                out +=
                    "<xhtml:link rel=\"alternate\" hreflang=\"\(other.rawValue)\" "
                    + "href=\"\(HTML.escape(base + other.pathPrefix + page.path))\"/>"
            }
            out +=
                "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" "
                + "href=\"\(HTML.escape(base + page.path))\"/></url>\n"
        }
        return out + "</urlset>\n"
    }

    static func index(files: Int, base: String, lastmod: String) -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">

            """
        for n in 1...max(files, 1) {
            out += "<sitemap><loc>\(HTML.escape(base))/sitemap-\(n).xml</loc><lastmod>\(lastmod)</lastmod></sitemap>\n"
        }
        return out + "</sitemapindex>\n"
    }

    /// Paths no crawler should fetch: every internal route's first segment (office, partner, account, sign-in …,
    /// taken from the declared routes so a new one is covered), and the public addresses that only answer a form or a
    /// link from a mail, in every language.
    static func disallowed(declared: [DeclaredRoute]) -> [String] {
        let officePaths = Set(declared.compactMap { $0.path.first }).sorted().map { "/" + $0 }
        let tokenLinks: [SiteRoute] = [
            .subscriptionConfirm(token: ""), .subscriptionPreferences(token: ""),
            .unsubscribe(token: "")
        ]
        let unprefixed = tokenLinks.map(\.path) + ["/language/"]
        let localized = ["/report/receipt", "/publications/*/take-action"]
        var rules = officePaths + unprefixed
        for language in Language.allCases { rules += localized.map { language.pathPrefix + $0 } }
        var seen: Set<String> = []
        return rules.filter { seen.insert($0).inserted }
    }

    static func robots(declared: [DeclaredRoute], base: String) -> String {
        "User-agent: *\n" + disallowed(declared: declared).map { "Disallow: \($0)\n" }.joined()
            + "Allow: /\n\nSitemap: \(base)/sitemap.xml\n"
    }
}

struct SitemapController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let cached = routes.grouped(PublicPageMiddleware())
        cached.get("sitemap.xml") { req in try await sitemap(req, file: nil) }
        for n in 1...Sitemap.maxFiles {
            cached.get(PathComponent(stringLiteral: "sitemap-\(n).xml")) { req in try await sitemap(req, file: n) }
        }
        cached.get("robots.txt") { req -> Response in
            .publicPage(
                Sitemap.robots(declared: req.site.routes.routes, base: req.publicBaseURL),
                contentType: "text/plain; charset=utf-8")
        }
    }

    func sitemap(_ req: Request, file: Int?) async throws -> Response {
        let size = max(1, req.site.config.sitemapPageSize)
        let pages = try await Sitemap.pages(on: req.db, today: req.site.clock.today.description)
        let total = Sitemap.addressCount(pages)
        let files = (total + size - 1) / size
        let base = req.publicBaseURL
        let xml: String
        switch file {
        case nil where total <= size:
            xml = Sitemap.urlset(pages, base: base, range: 0..<total)
        case nil:
            let lastmod = pages.map(\.lastmod).max() ?? req.site.clock.today.description
            xml = Sitemap.index(files: files, base: base, lastmod: lastmod)
        case let n? where n <= files && total > size:
            xml = Sitemap.urlset(pages, base: base, range: (n - 1) * size..<min(n * size, total))
        default:
            throw Abort(
                .notFound,
                reason: "There is no sitemap \(file ?? 0): the site has \(files) (see /sitemap.xml).")
        }
        return .publicPage(xml, contentType: "application/xml; charset=utf-8")
    }
}
