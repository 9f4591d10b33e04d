import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

/// The annual report on the public site: written per language, approved by a second person, published with its PDF,
/// archived; public figures only, never a value of a case.
@Suite struct AnnualReportPublicTests {
    static let canary = "CANARY-ANNUAL-7Q3"
    static let countries = ["MX", "BR", "CO", "RU", "TR", "EG", "TN", "KE", "NG", "PH", "KH"]

    /// The year's publications (seeded: a few dozen interventions over five regions, some with follow-ups) and two
    /// cases full of canaries: one behind a published appeal, one behind a draft.
    static func year2025(_ app: Application, seed: UInt64) async throws {
        print("AnnualReportPublicTests seed \(seed)")
        var rng = SeededGenerator(seed: seed)
        var items: [ArchivePublication] = [
            publication(
                "a-mx", .urgentIntervention, kind: .urgentAppeal, on: "2025-02-03",
                title: "Mexico: defender detained", countries: ["MX"], reference: "MEX 001 / 0225 / OBS 010"),
            publication(
                "a-mx-fr", .urgentIntervention, kind: .urgentAppeal, language: .fr, on: "2025-02-04",
                title: "Mexique : défenseur détenu", countries: ["MX"], translationOf: "a-mx"),
            // Whatever the seed draws, one country the tests name in both languages.
            publication(
                "a-ru", .urgentIntervention, kind: .urgentAppeal, on: "2025-09-10",
                title: "Russian Federation: lawyer under threat", countries: ["RU"])
        ]
        for n in 0..<Int.random(in: 30...60, using: &rng) {
            let country = countries[Int.random(in: 0..<countries.count, using: &rng)]
            let day = String(
                format: "2025-%02d-%02d", Int.random(in: 1...12, using: &rng),
                Int.random(in: 1...28, using: &rng))
            items.append(
                publication(
                    "g\(n)", .urgentIntervention, kind: .urgentAppeal, on: day,
                    title: "\(country): appeal number \(n) on the situation of defenders",
                    countries: [country]))
            for f in 0..<Int.random(in: 0...2, using: &rng) {
                items.append(
                    publication(
                        "g\(n)-\(f)", .urgentIntervention, kind: .urgentAppeal, on: "2025-12-29",
                        title: "\(country): follow-up \(f) of appeal \(n)", countries: [country],
                        followUpOf: "g\(n)"))
            }
        }
        try await store(items, in: app)
        try await store(
            [
                publication(
                    "d-br", .urgentIntervention, on: "2025-04-01", title: "Brazil: \(canary) draft",
                    countries: ["BR"])
            ], status: "draft", in: app)
        let cipher = app.site.cipher
        let june = Date(timeIntervalSince1970: TimeInterval(CivilDate("2025-06-01")!.daysSinceEpoch) * 86_400)
        for (publicationID, country) in [("a-mx", "MX"), ("d-br", "BR")] {
            let person = NewPerson(
                kind: .defender, name: "\(canary) name", consents: false,
                description: "\(canary) description", contact: "\(canary)@example.org")
            let act = NewAct(
                type: .arbitraryDetention, occurredOn: "2025-05-30", place: "\(canary) place",
                perpetrator: .police, detail: "\(canary) detail")
            let caseID = try await CaseStore.open(
                NewCase(
                    country: country, label: "\(canary) label",
                    notes: "\(canary) notes", person: person, act: act),
                by: "t", now: june, cipher: cipher, on: app.db)
            let draft = InterventionStore.Draft(
                kind: .urgentAppeal, language: .en, followUpOf: nil, translationOf: nil,
                title: Confidential("\(canary) title"), summary: .empty,
                body: Confidential("\(canary) body"))
            let intervention = try await InterventionStore.create(
                draft, case: caseID, by: "t", now: june,
                cipher: cipher, on: app.db)
            try await app.db.sql.update("interventions").set("publication_id", to: publicationID)
                .set("status", to: "published").where("id", .equal, intervention).run()
            _ = try await CaseStore.changeStatus(
                caseID, from: .received, to: .closed, outcome: .released, by: "t",
                now: june, on: app.db)
        }
    }

    /// Writes, approves and publishes the analysis in `language` through the office.
    static func publish(
        _ language: Language, _ analysis: String, editor: TestBrowser,
        second: TestBrowser
    ) async throws {
        let path = "/office/reports/annual/2025"
        let saved = try await editor.post(
            path,
            [
                ("language", language.rawValue), ("action", "save"),
                ("analysis", analysis)
            ])
        #expect(saved.location == path + "?language=\(language.rawValue)&notice=saved", "\(saved.body.prefix(300))")
        let alone = try await editor.post(
            path,
            [
                ("language", language.rawValue), ("action", "publish"),
                ("analysis", analysis)
            ])
        #expect(alone.status == .unprocessableEntity && alone.body.contains("has not been approved by a second person"))
        let review = try await second.get(path + "?language=\(language.rawValue)")
        let revision = try #require(firstMatch("name=\"revision\" value=\"([0-9]+)\"", in: review.body))
        let approved = try await second.post(
            path,
            [
                ("language", language.rawValue), ("action", "approve"),
                ("analysis", analysis), ("revision", revision)
            ])
        #expect(approved.location != nil, "approved: \(approved.body.prefix(300))")
        let published = try await editor.post(
            path,
            [
                ("language", language.rawValue), ("action", "publish"),
                ("analysis", analysis)
            ])
        #expect(published.location?.hasSuffix("notice=published") == true, "\(published.body.prefix(400))")
    }

    static func bytes(_ app: Application, _ path: String) async throws -> (HTTPStatus, String?, Data) {
        var result: (HTTPStatus, String?, Data)? = nil
        try await app.testing().test(.GET, path) { res async in
            result = (res.status, res.headers.first(name: .contentType), Data(res.body.readableBytesView))
        }
        return result!
    }

    struct Page { let text: String; let filled: Double }

    /// Each page of a PDF as poppler reads it: its text (pdftotext) and how far down the page its text goes, out
    /// of the page's height, leaving out the page number in the bottom margin (pdftotext -bbox); pdfinfo counts.
    static func pages(_ pdf: Data) throws -> [Page] {
        let path = NSTemporaryDirectory() + "observatory-annual-\(UUID().uuidString).pdf"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try pdf.write(to: URL(fileURLWithPath: path))
        let info = try ReportsTests.run("/usr/bin/pdfinfo", [path])
        let count = Int(firstMatch("Pages:\\s+(\\d+)", in: info) ?? "") ?? 0
        return try (1...max(count, 1)).map { n in
            let range = ["-f", String(n), "-l", String(n)]
            let text = try ReportsTests.run("/usr/bin/pdftotext", range + ["-layout", path, "-"])
            let boxes = try ReportsTests.run("/usr/bin/pdftotext", range + ["-bbox", path, "-"])
            let height = Double(firstMatch("<page width=\"[0-9.]+\" height=\"([0-9.]+)\"", in: boxes) ?? "") ?? 842
            let bottoms = try NSRegularExpression(pattern: "yMax=\"([0-9.]+)\"")
                .matches(in: boxes, range: NSRange(boxes.startIndex..., in: boxes))
                .compactMap { Range($0.range(at: 1), in: boxes).flatMap { Double(boxes[$0]) } }
                .filter { $0 < height - 72 }
            return Page(text: text, filled: (bottoms.max() ?? 0) / height)
        }
    }

    /// The pages, but the last, whose text stops in the top half: mostly blank.
    static func mostlyBlank(_ pages: [Page]) -> [Int] {
        pages.enumerated().dropLast().filter { $0.element.filled < 0.5 }.map { $0.offset + 1 }
    }

    @Test(arguments: Engine.all)
    func anEditorPublishesTheReportInTwoLanguagesWithItsPDFAndArchive(_ engine: Engine) async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/weasyprint"),
            FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext")
        else {
            Issue.record("weasyprint and poppler-utils are needed (scripts/test installs them)")
            return
        }
        try await withApp(engine, publicURL: "https://obs.example") { app in
            try await Self.year2025(app, seed: UInt64.random(in: 1...1_000_000))
            let (_, secret) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org", secret: secret)
            let second = try await EditorialTests.secondEditor(app)
            #expect(try await app.get("/reports/annual/2025").status == .notFound, "nothing published yet")
            #expect(try await app.get("/reports/annual").body.contains("No annual report has been published yet."))

            try await Self.publish(
                .en, "## A year of attacks\n\nDefenders faced *more* threats.", editor: editor,
                second: second)
            try await Self.publish(
                .fr, "## Une année d’attaques\n\nLes défenseurs ont subi *plus* de menaces.",
                editor: editor, second: second)
            // A published analysis no longer changes.
            let late = try await editor.post(
                "/office/reports/annual/2025",
                [
                    ("language", "fr"), ("action", "save"),
                    ("analysis", "Autre texte")
                ])
            #expect(late.status == .unprocessableEntity && late.body.contains("no longer changes"))
            // A language without its analysis cannot be published.
            let spanish = try await second.post(
                "/office/reports/annual/2025",
                [
                    ("language", "es"),
                    ("action", "publish"),
                    ("analysis", "")
                ])
            #expect(spanish.status == .unprocessableEntity, "\(spanish.body.prefix(300))")

            let en = try await app.get("/reports/annual/2025")
            #expect(en.status == .ok && en.body.contains("<h2>A year of attacks</h2>"))
            #expect(en.body.contains("<h3 id=\"c-mx\">Mexico</h3>") && en.body.contains("MEX 001 / 0225 / OBS 010"))
            #expect(en.body.contains("href=\"/reports/annual/2025/report.pdf\"") && en.body.contains("Français"))
            #expect(
                firstMatch("Defenders concerned</td><td class=\"n\">([^<]+)<", in: en.body) == "fewer than 3",
                "one defender in a public case: a small count")
            let fr = try await app.get("/fr/reports/annual/2025")
            #expect(fr.status == .ok && fr.body.contains("<html lang=\"fr\""))
            #expect(fr.body.contains("Une année d’attaques"))
            #expect(fr.body.contains("Mexique : défenseur détenu") && !fr.body.contains("A year of attacks"))
            let ar = try await app.get("/ar/reports/annual/2025")
            #expect(ar.status == .ok && ar.body.contains("id=\"not-in-language\""))
            #expect(!ar.body.contains("A year of attacks") && ar.body.contains("href=\"/fr/reports/annual/2025\""))
            #expect(try await app.get("/es/reports/annual/2025/report.pdf").status == .notFound)
            #expect(try await app.get("/reports/annual/2024").status == .notFound)
            #expect(try await app.get("/reports/annual/20x5").status == .notFound)

            let archive = try await app.get("/reports/annual")
            #expect(archive.body.contains("href=\"/reports/annual/2025\"") && archive.body.contains("hreflang=\"fr\""))
            let sitemap = try await app.get("/sitemap.xml")
            #expect(sitemap.body.contains("https://obs.example/fr/reports/annual/2025</loc>"))

            var texts = [en.body, fr.body, ar.body, archive.body, sitemap.body]
            for language in [Language.en, .fr] {
                let path = SiteRoute.annualReportPDF(year: 2025).path(in: language)
                let (status, type, pdf) = try await Self.bytes(app, path)
                #expect(status == .ok && type == "application/pdf")
                let stored = try await AnnualReportEditionStore.pdf(2025, language, on: app.db)
                #expect(stored == pdf, "the PDF made at publication, not a new one")
                #expect(try await Self.bytes(app, path).2 == pdf)
                let pages = try Self.pages(pdf)
                let all = pages.map(\.text).joined(separator: "\n")
                #expect(pages.count >= 2 && all.contains(language == .en ? "A year of attacks" : "Une année"))
                #expect(all.contains(language == .en ? "Russian Federation" : "Russie"))
                #expect(
                    Self.mostlyBlank(pages).isEmpty,
                    "mostly blank pages \(Self.mostlyBlank(pages)) of \(pages.count) in \(language)")
                texts.append(all)
            }
            for text in texts { #expect(!text.contains(Self.canary), "a case value in a public report") }

            struct Row: Decodable { let action: String }
            let actions = try await app.db.sql.raw(
                """
                SELECT action FROM audit_log WHERE record_type = 'annual-report' ORDER BY sequence
                """
            ).all(decoding: Row.self).map(\.action)
            #expect(actions.filter { $0 == "annual-report.publish" }.count == 2)
            #expect(actions.filter { $0 == "annual-report.approve" }.count == 2)
            #expect(actions.filter { $0 == "annual-report.save" }.count == 2)
        }
    }

    @Test(arguments: Engine.all)
    func theReportRegionsStartANewPageOnlyWhenTheyWouldSplitBadly(_ engine: Engine) async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/weasyprint") else {
            Issue.record("weasyprint is needed (scripts/test installs it)")
            return
        }
        for seed in [UInt64(7), 2025] {
            try await withApp(engine) { app in
                try await Self.year2025(app, seed: seed)
                let edition = AnnualReportEdition(
                    year: 2025, language: .es,
                    analysis: "## Análisis\n\nUn año difícil.",
                    status: "published", publishedAt: nil)
                let report = try #require(try await PublicAnnualReport.build(edition, on: app.db))
                let html = Translations.$current.withValue(.of(.es)) {
                    AnnualReportPublicView.document(report, baseURL: "").rendered
                }
                let pages = try Self.pages(try await WeasyPrint().pdf(fromHTML: html))
                #expect(
                    pages.count >= 2 && Self.mostlyBlank(pages).isEmpty,
                    "seed \(seed): mostly blank pages \(Self.mostlyBlank(pages)) of \(pages.count)")
                // The check sees what a page per region did: short regions alone on mostly blank pages.
                let forced = html.replacingOccurrences(
                    of: "</style>",
                    with: "section.region { break-before: page }</style>")
                #expect(!Self.mostlyBlank(try Self.pages(try await WeasyPrint().pdf(fromHTML: forced))).isEmpty)
            }
        }
    }
}

/// The public report's page, in English and in Arabic (right to left, Arabic digits and amounts), with hostile
/// titles, compared with the files under `__Snapshots__/`.
@Suite struct AnnualReportSnapshotTests {
    static func report(_ language: Language) -> PublicAnnualReport {
        var counts = StatisticsCounts()
        counts.interventions = 1_240; counts.followUps = 2; counts.defenders = 45; counts.grants = 4
        counts.paid = 1_250_050; counts.outcomes = [.released: 3, .stillDetained: 5]
        let items = SnapshotTests.items
        let entries = [
            AnnualReport.Entry(original: items[0], followUps: [items[2]]),
            AnnualReport.Entry(original: items[1], followUps: [])
        ]
        let edition = AnnualReportEdition(
            year: 2025, language: language,
            analysis: "## <script>alert(1)</script> A year\n\nDefenders **faced** more.",
            status: "published", publishedAt: 1_760_000_000)
        return PublicAnnualReport(
            edition: edition, entries: entries, figures: PublicCell(protecting: counts),
            countries: 14, currency: "EUR")
    }

    @Test(arguments: [Language.en, .ar])
    func thePublicReportPage(_ language: Language) throws {
        let html = Translations.$current.withValue(.of(language)) {
            PageAddress.$current.withValue("/reports/annual/2025") {
                AnnualReportPublicView.page(Self.report(language), languages: [.en, .fr, .ar]).rendered
            }
        }
        #expect(!html.contains("<script>alert(1)"))
        if language == .ar { #expect(html.contains("١٢٬٥٠٠٫٥٠\u{00A0}EUR") && html.contains("dir=\"rtl\"")) }
        try SnapshotTests().assertSnapshot(html, named: "annual-report-\(language.rawValue).html")
    }
}
