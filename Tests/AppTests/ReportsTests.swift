import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The monthly bulletin and the annual report, built from generated data.
@Suite struct ReportsTests {
    static func october(_ app: Application) async throws {
        try await store(
            [
                publication(
                    "ua-mx", .urgentIntervention, kind: .urgentAppeal, on: "2026-10-03",
                    title: "Mexico: threats against a journalist",
                    countries: ["MX"], reference: "MEX 004 / 1026 / OBS 090"),
                publication(
                    "ua-mx-fr", .urgentIntervention, kind: .urgentAppeal, language: .fr, on: "2026-10-04",
                    title: "Mexique : menaces contre un journaliste",
                    countries: ["MX"], reference: "MEX 004 / 1026 / OBS 090", translationOf: "ua-mx"),
                publication(
                    "ua-eg", .urgentIntervention, kind: .pressRelease, on: "2026-10-20",
                    title: "Egypt: lawyer detained", countries: ["EG"]),
                publication(
                    "st-world", .statement, on: "2026-10-10", title: "Statement on the UN Declaration", countries: []),
                publication("ev-mx", .event, on: "2026-10-11", title: "Mexico: a film screening"),
                publication(
                    "ua-sep", .urgentIntervention, kind: .urgentAppeal, on: "2026-09-30",
                    title: "Mexico: September appeal")
            ], in: app)
        try await store(
            [publication("draft-oct", .urgentIntervention, on: "2026-10-15", title: "Mexico: a draft")],
            status: "draft", in: app)
    }

    @Test(arguments: Engine.all)
    func aBulletinListsTheMonthsActionsByRegionAndCountryInItsLanguage(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await Self.october(app)
            let fr = try await BulletinStore.find(BulletinMonth("2026-10")!, language: .fr, on: app.db)
            #expect(fr.items.map(\.id) == ["ua-mx-fr", "st-world", "ua-eg"])
            let html = Translations.$current.withValue(.of(.fr)) {
                BulletinView.document(fr, baseURL: "https://obs.example").rendered
            }
            #expect(
                html.contains("Bulletin mensuel — octobre 2026") && html.contains("<h2>Amériques</h2><h3>Mexique</h3>"))
            #expect(
                html.contains(
                    """
                    Mexique : menaces contre un journaliste</bdi></a> <span class=\"reference\">(MEX 004 / 1026 / \
                    OBS 090)</span>
                    """
                ))
            #expect(html.contains("href=\"https://obs.example/fr/publications/ua-mx-fr\""))
            #expect(
                html.contains("<h2>Moyen-Orient et Afrique du Nord</h2><h3>Égypte</h3>")
                    && html.contains("<h2>International</h2>"))
            #expect(!html.contains("September") && !html.contains("film screening") && !html.contains("a draft"))
            let order = ["Amériques", "Moyen-Orient", "International"].map { html.range(of: $0)!.lowerBound }
            #expect(order == order.sorted(), "regions in a fixed order")
            let english = try await BulletinStore.find(BulletinMonth("2026-10")!, language: .en, on: app.db)
            #expect(english.items.map(\.id) == ["ua-mx", "st-world", "ua-eg"])
        }
    }

    @Test(arguments: Engine.all)
    func editorsPublishABulletinThatIsArchivedAndSentToItsSubscribers(_ engine: Engine) async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        try await withApp(engine, publicURL: "https://obs.example") { app in
            try await Self.october(app)
            for (email, languages, bulletin) in [
                ("both@example.org", [Language.es, .fr], true), ("appeals@example.org", [.fr], false)
            ] {
                try await SubscriptionTests.activeSubscriber(
                    email, .init(languages: languages, scope: bulletin ? .none : .all, bulletin: bulletin), app)
            }
            let (_, secret) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org", secret: secret)
            let opened = try await editor.get("/office/bulletins?month=2026-10&language=fr")
            #expect(opened.location == "/office/bulletins/2026-10/fr")
            let page = try await editor.get("/office/bulletins/2026-10/fr")
            #expect(page.body.contains("3 actions this month") && page.body.contains("Mexique : menaces"))
            #expect(try await app.get("/bulletins/2026-10/fr").status == .notFound, "a draft bulletin is not public")
            try await editor.post(
                "/office/bulletins/2026-10/fr", [("action", "save"), ("introduction", "Un mois **difficile**.")])
            // Four eyes: the editor who wrote the introduction cannot publish it alone, nor approve it.
            let alone = try await editor.post(
                "/office/bulletins/2026-10/fr",
                [
                    ("action", "publish"),
                    (
                        "introduction",
                        "Un mois **difficile**."
                    )
                ])
            #expect(
                alone.status == .unprocessableEntity
                    && alone.body.contains("has not been approved by a second person"))
            let own = try await editor.post(
                "/office/bulletins/2026-10/fr",
                [
                    ("action", "approve"),
                    (
                        "introduction",
                        "Un mois **difficile**."
                    ),
                    ("revision", "1")
                ])
            #expect(own.status == .unprocessableEntity && own.body.contains("You made the latest change"))
            let second = try await EditorialTests.secondEditor(app)
            let review = try await second.get("/office/bulletins/2026-10/fr")
            let revision = try #require(firstMatch("name=\"revision\" value=\"([0-9]+)\"", in: review.body))
            let approved = try await second.post(
                "/office/bulletins/2026-10/fr",
                [
                    ("action", "approve"),
                    ("introduction", "Un mois **difficile**."),
                    ("revision", revision)
                ])
            #expect(approved.location != nil, "approved: \(approved.body.prefix(300))")
            try await editor.post(
                "/office/bulletins/2026-10/fr", [("action", "publish"), ("introduction", "Un mois **difficile**.")])
            let archive = try await app.get("/bulletins")
            #expect(archive.body.contains("October 2026") && archive.body.contains("href=\"/bulletins/2026-10/fr\""))
            let shown = try await app.get("/bulletins/2026-10/fr")
            #expect(
                shown.status == .ok && shown.body.contains("<html lang=\"fr\"")
                    && shown.body.contains("Un mois <strong>difficile</strong>."))
            #expect(try await app.get("/bulletins/2026-10/es").status == .notFound)

            let worker = SubscriptionTests.worker(app, server)
            try await SubscriptionTests.drain(worker, app)
            let received = try await server.waitFor(1)
            #expect(received.count == 1 && received[0].contains("X-Envelope-To: both@example.org"))
            #expect(received[0].contains("Content-Language: fr"), "no Spanish bulletin: the French one")
            #expect(
                decodedPart(received[0], type: "text/html")?.contains("Mexique : menaces contre un journaliste") == true
            )
            // Publishing again sends nothing more.
            try await editor.post(
                "/office/bulletins/2026-10/fr", [("action", "publish"), ("introduction", "Un mois difficile.")])
            try await SubscriptionTests.drain(worker, app)
            #expect(server.messages().count == 1)
        }
    }

    @Test(arguments: Engine.all)
    func theAnnualReportHasTheYearsInterventionsFollowUpsAndFiguresAndAPaginatedPDF(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(
                [
                    publication(
                        "a-mx", .urgentIntervention, kind: .urgentAppeal, on: "2025-02-03",
                        title: "Mexico: defender detained", countries: ["MX"],
                        reference: "MEX 001 / 0225 / OBS 010"),
                    publication(
                        "a-mx-1", .urgentIntervention, kind: .urgentAppeal, on: "2025-03-01",
                        title: "Mexico: defender released", countries: ["MX"],
                        reference: "MEX 001 / 0225 / OBS 010.1", followUpOf: "a-mx"),
                    publication(
                        "a-mx-2", .urgentIntervention, kind: .urgentAppeal, on: "2026-01-05",
                        title: "Mexico: charges dropped", countries: ["MX"],
                        reference: "MEX 001 / 0225 / OBS 010.2", followUpOf: "a-mx-1"),
                    publication(
                        "a-mx-fr", .urgentIntervention, kind: .urgentAppeal, language: .fr, on: "2025-02-04",
                        title: "Mexique : défenseur détenu",
                        countries: ["MX"], translationOf: "a-mx"),
                    publication(
                        "a-ru", .urgentIntervention, kind: .openLetter, on: "2025-07-09",
                        title: "Russian Federation: open letter", countries: ["RU"]),
                    publication(
                        "a-2024", .urgentIntervention, kind: .urgentAppeal, on: "2024-12-30", title: "Mexico: last year"
                    ),
                    publication("s-2025", .statement, on: "2025-05-05", title: "A statement")
                ], in: app)
            // A case behind the Mexican appeal, closed in 2025.
            let cipher = app.site.cipher
            let june = Date(timeIntervalSince1970: TimeInterval(CivilDate("2025-06-01")!.daysSinceEpoch) * 86_400)
            let caseID = try await CaseStore.open(
                NewCase(
                    country: "MX", label: "Detention",
                    person: NewPerson(kind: .defender, name: "X", consents: true, description: "", contact: "")),
                by: "t", now: june, cipher: cipher, on: app.db)
            try await CaseRecords.addPerson(
                NewPerson(kind: .defender, name: "Y", consents: true, description: "", contact: ""), by: "t",
                to: caseID, now: june, cipher: cipher, on: app.db)
            let interventionID = try await InterventionStore.create(
                .init(
                    kind: .urgentAppeal, language: .en, followUpOf: nil, translationOf: nil,
                    title: "t", summary: "", body: "b"), case: caseID, by: "t", now: june, cipher: cipher, on: app.db)
            try await app.db.sql.update("interventions").set("publication_id", to: "a-mx").where(
                "id", .equal, interventionID
            ).run()
            _ = try await CaseStore.changeStatus(
                caseID, from: .received, to: .closed, outcome: .released, by: "t", now: june, on: app.db)
            try await AnnualReportStore.saveAnalysis(
                2025, "## A year of attacks\n\nDefenders faced *more* threats.", by: "t", now: june, on: app.db)

            let report = try await AnnualReportStore.build(2025, language: .en, on: app.db)
            #expect(report.entries.map(\.original.id) == ["a-mx", "a-ru"])
            #expect(report.entries[0].followUps.map(\.id) == ["a-mx-1", "a-mx-2"])
            #expect(
                report.statistics.interventions == 2 && report.statistics.followUps == 2
                    && report.statistics.countries == 2)
            #expect(report.statistics.defenders == 2 && report.statistics.outcomes.map(\.0) == [.released])
            let french = try await AnnualReportStore.build(2025, language: .fr, on: app.db)
            #expect(french.entries[0].original.id == "a-mx-fr")

            let html = Translations.$current.withValue(.of(.en)) {
                AnnualReportView.document(report, baseURL: "").rendered
            }
            #expect(
                html.contains("<h2>A year of attacks</h2>") && html.contains("<a href=\"#r-americas\">Americas</a>"))
            #expect(html.contains("<h3 id=\"c-mx\">Mexico</h3>") && html.contains("MEX 001 / 0225 / OBS 010.2"))

            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/weasyprint"),
                FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext")
            else {
                Issue.record("weasyprint and poppler-utils are needed (scripts/test installs them)")
                return
            }
            let pdf = try await WeasyPrint().pdf(fromHTML: html)
            let path = NSTemporaryDirectory() + "observatory-report-\(UUID().uuidString).pdf"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try pdf.write(to: URL(fileURLWithPath: path))
            let info = try Self.run("/usr/bin/pdfinfo", [path])
            let pages = Int(firstMatch("Pages:\\s+(\\d+)", in: info) ?? "") ?? 0
            #expect(pages >= 1, "no page is forced: a short report is short")
            let contents = try Self.run("/usr/bin/pdftotext", ["-f", "1", "-l", "1", "-layout", path, "-"])
            #expect(contents.contains("Contents"))
            for entry in [
                "Thematic analysis", "Statistics", "Americas", "Mexico", "Europe and Central Asia", "Russian Federation"
            ] {
                #expect(
                    firstMatch("(\(entry))[ .]+\\d+", in: contents) != nil,
                    "the contents give \(entry) a page number: \(contents)")
            }
            if pages > 1 {
                let last = try Self.run("/usr/bin/pdftotext", ["-f", String(pages), "-l", String(pages), path, "-"])
                #expect(last.contains(String(pages)), "the last page carries its number")
            }
        }
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
