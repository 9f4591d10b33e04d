import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Every public page as a reader gets it from the running app (issue 18): the demo archive on a fixed clock, each
/// page in English and in Arabic, compared with its file under `__Snapshots__/public/`. A route the walk does not
/// cover fails the test, so a new public page comes with its snapshot. A missing file is recorded and the test
/// fails once; after an intended change, delete the file, run again and review the diff.
@Suite struct PublicSnapshotTests {
    static let directory = SnapshotTests.directory.appendingPathComponent("public")

    /// Public GET routes with no page of their own to snapshot: files, one-time tokens, redirects, exports.
    static let notPages: Set<String> = [
        "static/site.css", "static/map.svg", "reports/annual/:year/report.pdf", "portraits/:id/photo",
        "campaigns/:id/image", "subscribe/confirm/:token", "subscription/:token", "unsubscribe/:token",
        "language/:code", "robots.txt", "sitemap.xml", "health", "favicon.ico", "report/receipt",
        ".well-known/security.txt"
    ]

    /// Pages of records the demo does not hold; `AnnualReportPublicTests` snapshots a published annual report.
    static let notInTheDemo: Set<String> = [
        "portraits/:id", "portraits/series/:id", "bulletins/:month/:language", "reports/annual/:year"
    ]

    /// Whether a public route is a page: not an export (`.csv`, `.json`) nor one of the sitemap's files.
    static func isPage(_ pattern: String) -> Bool {
        !pattern.hasPrefix("sitemap") && !pattern.hasSuffix(".csv") && !pattern.hasSuffix(".json")
            && !notPages.contains(pattern) && !notInTheDemo.contains(pattern)
    }

    /// The page's bytes with what changes from run to run (form tokens) or with every style change (the
    /// stylesheet's version) replaced by a fixed text.
    static func stable(_ body: String) -> String {
        body.replacing(try! Regex(#"name="csrf" value="[^"]*""#), with: #"name="csrf" value="CSRF""#)
            .replacing(try! Regex(#"site\.css\?v=[A-Za-z0-9]+"#), with: "site.css?v=VERSION")
    }

    /// The paths to snapshot, by route pattern, for the demo archive in `app`.
    static func paths(_ app: Application) async throws -> [String: String] {
        struct One: Decodable { let id: String }
        func first(_ sql: SQLQueryString) async throws -> String {
            try #require(try await app.db.row(sql, as: One.self)?.id, "\(sql)")
        }
        let report = try await first(
            "SELECT id FROM publications WHERE type = 'report' AND status = 'published' ORDER BY published_on DESC, id")
        let appeal = try await first(
            """
            SELECT id FROM publications WHERE type = 'urgent-intervention' AND status = 'published'
            ORDER BY published_on DESC, id
            """)
        struct Code: Decodable { let countryCode: String }
        let country = try #require(
            try await app.db.row(
                """
                SELECT country_code FROM publication_countries WHERE publication_id = \(bind: report)
                ORDER BY position
                """,
                as: Code.self)?.countryCode
        ).lowercased()
        let organisation = try await first("SELECT id FROM organisations ORDER BY id")
        return [
            "": "/", "publications": "/publications", "publications/:id": "/publications/\(appeal)",
            "countries": "/countries", "countries/:code": "/countries/\(country)",
            "publications/feed.rss": "/publications/feed.rss", "publications/feed.atom": "/publications/feed.atom",
            "search": "/search?q=defender", "search/feed.rss": "/search/feed.rss?q=defender",
            "search/feed.atom": "/search/feed.atom?q=defender", "map": "/map", "report": "/report",
            "subscribe": "/subscribe", "statistics": "/statistics", "reports/annual": "/reports/annual",
            "organisations": "/organisations", "organisations/:id": "/organisations/\(organisation)",
            "missions": "/missions", "campaigns": "/campaigns", "bulletins": "/bulletins", "portraits": "/portraits",
            "sponsorship": "/sponsorship", "publications/:id/take-action": "/publications/\(appeal)/take-action",
            "campaigns/:id": "/campaigns/humans-against-torture", "calls": "/calls",
            "calls/:id": "/calls/women-defenders-needs", "publications/:id (a report)": "/publications/\(report)"
        ]
    }

    @Test func everyPublicPageInEnglishAndArabic() async throws {
        try await withApp(.sqlite) { app in
            // setup: the demo archive, as `serve` loads it into an empty database, on the tests' fixed day.
            let demo = DemoArchive(endingOn: testToday, count: 120, organisations: 8, seed: 1)
            _ = try await ArchiveImporter(db: app.db).importRecords(demo.publications, demo.organisations)
            try await DemoField.load(demo.publications, today: testToday, cipher: app.site.cipher, on: app.db)
            let paths = try await Self.paths(app)
            // Every public page the app registers is walked, or named as not a page.
            let languages = Set(Language.allCases.map(\.rawValue))
            let registered = Set(
                app.routes.all.filter { $0.method == .GET }.map { route in
                    route.path.map(\.description).joined(separator: "/")
                }
                .filter { path in
                    let head = path.split(separator: "/").first.map(String.init) ?? ""
                    return !["office", "account", "partner", "api", "login", "logout"].contains(head)
                        && !languages.contains(head)
                })
            let uncovered = registered.filter(Self.isPage).subtracting(paths.keys)
            #expect(uncovered.isEmpty, "public pages with no snapshot: \(uncovered.sorted())")
            // act and assert: each page, in English and in Arabic.
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            for (pattern, path) in paths.sorted(by: { $0.key < $1.key }) {
                let name =
                    pattern.isEmpty
                    ? "home"
                    : pattern.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ":", with: "")
                        .replacingOccurrences(of: " (a report)", with: "-report")
                for (language, prefix) in [("en", ""), ("ar", "/ar")] {
                    let page = try await app.get(prefix + (path == "/" && !prefix.isEmpty ? "" : path))
                    #expect(page.status == .ok, "\(prefix)\(path): \(page.status)")
                    try SnapshotTests.assertSnapshot(
                        Self.stable(page.body), named: "public/\(name)-\(language).\(Self.suffix(path))")
                }
            }
        }
    }

    static func suffix(_ path: String) -> String {
        path.contains("feed.rss") ? "rss" : path.contains("feed.atom") ? "atom" : "html"
    }
}
