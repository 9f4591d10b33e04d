import Fluent
import Foundation
import ObservatoryCore
import Testing
import Vapor

@testable import App

/// The demo as a newcomer meets it through the running app: titles that read like the Observatory's, in the
/// reader's language, follow-ups that name their original, and the demo mission's office fields nowhere public.
@Suite struct DemoContentTests {
    static let confidential = [
        "Two lawyers of partner organisations", "check-in call with the Geneva office",
        "Travel booked by the Geneva office", "collect testimonies on judicial harassment",
        "Preliminary findings shared with the partners",
        "Fact-finding mission on defenders at risk",
        // the demo case's
        "ask before naming relatives", "never call the office line", "by encrypted e-mail",
        "A partner organisation of the network"
    ]

    @Test(arguments: Engine.all)
    func theDemoReadsLikeTheRealThingAndKeepsTheMissionInTheOffice(_ engine: Engine) async throws {
        let demo = DemoArchive(endingOn: testToday, count: 400, organisations: 10)
        try await withApp(engine) { app in
            _ = try await ArchiveImporter(db: app.db).importRecords(demo.publications, demo.organisations)
            try await DemoField.load(demo.publications, today: testToday, cipher: app.site.cipher, on: app.db)
            try await DemoCase.load(demo.caseFile, today: testToday, cipher: app.site.cipher, on: app.db)
            // The newest items on the home page, each opening with its country and a colon.
            let newest = demo.publications.sorted { ($0.published, $0.id) > ($1.published, $1.id) }
            let home = try await app.get("/")
            #expect(home.status == .ok)
            let shown = newest.filter { !$0.title.isEmpty && home.body.contains(HTML.escape($0.title)) }
            #expect(shown.count >= 5, "the home page shows the demo's newest titles")
            // A French reader's list holds French titles ("Mexique : …"), not English ones.
            let french = try await app.get("/publications?language=fr")
            let frenchTitles = demo.publications.filter { $0.language == .fr && !$0.title.isEmpty }
            #expect(frenchTitles.contains { french.body.contains(HTML.escape($0.title)) })
            #expect(frenchTitles.allSatisfy { $0.title.contains(" : ") })
            // A follow-up's page names its original's reference code in its text.
            let followUp = try #require(demo.publications.first { $0.followUpOf != nil })
            let original = try #require(demo.publications.first { $0.id == followUp.followUpOf })
            let page = try await app.get("/publications/\(followUp.id)")
            #expect(page.status == .ok)
            #expect(page.body.contains(try #require(original.reference)), "the follow-up names its original")
            // Every public way to the mission: none shows an office field, and nothing reads like a placeholder.
            let report = try #require(
                demo.publications.filter { $0.type == .report && $0.translationOf == nil }
                    .max { $0.published < $1.published })
            var paths = [
                "/", "/missions", "/publications/\(report.id)", "/api/v1/missions", "/publications/feed.atom",
                "/api/v1/publications/\(report.id)", "/countries/\(report.countries[0].lowercased())"
            ]
            for text in Self.confidential {
                let word = text.split(separator: " ").max { $0.count < $1.count }!
                paths += ["/search?q=\(word)", "/api/v1/search?q=\(word)"]
            }
            for path in paths {
                let answer = try await app.get(path)
                #expect(answer.status == .ok, "\(path)")
                for text in Self.confidential { #expect(!answer.body.contains(text), "\(path) shows \"\(text)\"") }
                #expect(!answer.body.contains("(demo)"), "\(path)")
            }
            #expect(try await app.get("/missions").body.contains("id=\"mission-reports\""))
            // A case officer finds the demo case on the dashboard and reads it whole: the newest appeal's story.
            let file = try #require(demo.caseFile)
            let (_, secret) = try await TestAccounts.create(
                "officer@example.org", [.caseOfficer], secondFactor: true,
                in: app)
            let officer = TestBrowser(app)
            _ = try await officer.signIn("officer@example.org", secret: secret)
            let dashboard = try await officer.get("/office/cases")
            #expect(dashboard.body.contains(HTML.escape(file.label)), "the dashboard lists the demo case")
            let id = try #require(firstMatch("href=\"/office/cases/(case-[^\"/]+)\"", in: dashboard.body))
            let casePage = try await officer.get("/office/cases/\(id)")
            #expect(casePage.status == .ok)
            for text in [file.label, file.name, file.contact, file.notes, file.detail] {
                #expect(casePage.body.contains(HTML.escape(text)), "the case shows \"\(text)\"")
            }
            let appeal = try #require(
                newest.first {
                    $0.kind == .urgentAppeal && $0.followUpOf == nil
                        && $0.translationOf == nil
                })
            #expect(appeal.language == .ar || appeal.body.contains(file.name), "the case is \(appeal.id)'s story")
        }
    }
}
