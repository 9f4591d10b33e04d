import Foundation
import ObservatoryCore
import Testing
import Vapor

@testable import App

/// Rendered pages and feeds compared byte for byte with files under `__Snapshots__/`. A missing file is
/// recorded and the test fails once; after an intended change, delete the file, run again and review the diff.
@Suite struct SnapshotTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "__Snapshots__")

    func assertSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try Self.assertSnapshot(text, named: name, sourceLocation: sourceLocation)
    }

    static func assertSnapshot(
        _ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let file = directory.appendingPathComponent(name)
        guard let recorded = try? String(contentsOf: file, encoding: .utf8) else {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("recorded a new snapshot \(name); review it and run again", sourceLocation: sourceLocation)
            return
        }
        #expect(recorded == text, "\(name) differs from its snapshot", sourceLocation: sourceLocation)
    }

    static func summary(
        _ id: String, title: String, type: String = "urgent-intervention", kind: String? = "urgent-appeal",
        language: String = "en", on date: String, countries: String = "MX", reference: String? = nil
    ) -> PublicationSummary {
        let json: [String: Any?] = [
            "id": id, "type": type, "kind": kind, "language": language, "published_on": date, "title": title,
            "summary": "Summary of \(title)", "country_codes": countries,
            "programme_slugs": "human-rights-defenders", "reference": reference, "event_date": nil
        ]
        let data = try! JSONSerialization.data(withJSONObject: json.compactMapValues { $0 })
        return try! JSONDecoder().decode(PublicationSummary.self, from: data)
    }

    static let items = [
        summary(
            "a", title: "Mexico: <script>alert('x')</script> & \u{202E}override", on: "2026-11-20",
            reference: "MEX 001 / 1126 / OBS 100"),
        summary("b", title: "مصر: المدافع عن حقوق الإنسان", language: "ar", on: "2026-11-19", countries: "EG,EU"),
        summary("c", title: "", type: "event", kind: nil, on: "2026-11-18", countries: "")
    ]

    @Test func homePageWithHostileTitles() throws {
        let context = HomePage.Context(facts: .init(articles: 5158, new: 10), page: 1, total: 5158, items: Self.items)
        try assertSnapshot(HomePage.render(context).rendered, named: "home.html")
    }

    @Test func arabicHomePageIsRightToLeft() throws {
        let context = HomePage.Context(facts: .init(articles: 5158, new: 10), page: 2, total: 5158, items: Self.items)
        let html = Translations.$current.withValue(.of(.ar)) {
            PageAddress.$current.withValue("/?page=2") { HomePage.render(context).rendered }
        }
        try assertSnapshot(html, named: "home-ar.html")
    }

    @Test func rssAndAtomFeeds() throws {
        let context = FeedView.Context(
            title: FeedView.title(for: PublicationFilter()), baseURL: "https://obs.example",
            filter: PublicationFilter(), items: Self.items)
        try assertSnapshot(FeedView.render(.rss, context), named: "feed.rss")
        try assertSnapshot(FeedView.render(.atom, context), named: "feed.atom")
    }

    @Test func reportFormWithErrorsInSpanish() throws {
        var form = ReportForm()
        form.person = "\"><script>alert(1)</script>"; form.country = "MX"; form.date = "yesterday"; form.consents = true
        let html = Translations.$current.withValue(.of(.es)) {
            PageAddress.$current.withValue("/report") {
                ReportPages.form(form, errors: form.problems(fileCount: 4), csrf: "csrf-token-for-the-snapshot")
                    .rendered
            }
        }
        try assertSnapshot(html, named: "report-es.html")
    }

    @Test func errorPage() throws {
        let response = ErrorPageMiddleware.page(
            status: .badRequest, message: "The parameter “type” has a value we do not know (“<b>”).")
        try assertSnapshot(response.body.string ?? "", named: "error-400.html")
    }
}
