import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The case file's parts: the dashboard's warnings, attachments, the authorities' addresses in templates.
@Suite struct CaseFileTests {
    @Test(arguments: Engine.all)
    func theDashboardFlagsWaitingVerificationsAndQuietCases(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            let cipher = app.site.cipher
            _ = try await PublicationStore.upsert([ArchiveOrganisation(id: "org-1", name: "Slow Partner")], on: app.db)
            let waiting = try await CaseStore.open(
                NewCase(country: "CO", label: "Waiting for a partner"), by: "a", now: clock.now(), cipher: cipher,
                on: app.db)
            let file = try #require(try await CaseStore.find(waiting, cipher: cipher, on: app.db))
            _ = try await VerificationStore.ask(
                case: file, organisationID: "org-1", shared: "Please check.", by: "a", now: clock.now(), cipher: cipher,
                on: app.db)
            let (appeal, appealCase) = try await ReferenceCodeTests.draft(1, country: "MX", in: app)
            _ = try await InterventionWorkflow.approve(appeal, file: appealCase, by: "b", now: clock.now(), on: app.db)
            let approved = try #require(try await InterventionStore.find(appeal.id, cipher: cipher, on: app.db))
            _ = try await InterventionWorkflow.publish(
                approved, file: appealCase, by: "b", now: clock.now(), on: app.db)

            var dashboard = try await CaseDashboard.load(now: clock.now(), cipher: cipher, on: app.db)
            #expect(dashboard.waiting.isEmpty && dashboard.quiet.isEmpty)
            #expect(dashboard.counts[.underVerification] == 1 && dashboard.counts[.actionLaunched] == 1)
            clock.advance(seconds: 8 * 86_400)
            dashboard = try await CaseDashboard.load(now: clock.now(), cipher: cipher, on: app.db)
            #expect(
                dashboard.waiting.map { $0.caseLabel.reveal() } == ["Waiting for a partner"]
                    && dashboard.waiting.first?.organisation == "Slow Partner")
            #expect(dashboard.quiet.isEmpty)
            clock.advance(seconds: 23 * 86_400)
            dashboard = try await CaseDashboard.load(now: clock.now(), cipher: cipher, on: app.db)
            #expect(dashboard.quiet.map { $0.label.reveal() } == ["Case 1"])
        }
    }

    @Test(arguments: Engine.all)
    func attachmentsAreSealedAndDownloadedAsFiles(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let reporter = TestBrowser(app)
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("picture-bytes".utf8)
            let code = try #require(
                try await reporter.report(
                    person: "A", description: "a defender", account: "B",
                    files: [("files", "../../etc/photo<script>.png", png)]))
            try await reporter.get("/report/receipt")
            let added = try await reporter.postMultipart(
                "/report/receipt/add", [("code", code), ("account", "")],
                files: [("files", "letter.pdf", Array("%PDF-1.7 letter".utf8))])
            #expect(added.status == .ok)
            let caseID = try #require(
                firstMatch("/office/cases/(case-[a-z0-9]{12})", in: try await team.drafter.get("/office/cases").body))
            let page = try await team.drafter.get("/office/cases/\(caseID)")
            #expect(
                page.body.contains("photo&lt;script&gt;.png") && page.body.contains("letter.pdf")
                    && !page.body.contains("<script>"))
            let link = try #require(
                firstMatch("href=\"(/office/cases/\(caseID)/attachments/file-[a-z0-9]{12})\">photo", in: page.body))
            let download = try await team.drafter.get(link)
            #expect(download.status == .ok && download.body == String(decoding: png, as: UTF8.self))
            #expect(download.headers.first(name: .contentType) == "image/png")
            #expect(download.headers.first(name: .contentDisposition) == "attachment; filename=\"photo_script_.png\"")
            #expect(try await team.partner.get(link).status == .forbidden)
            #expect(
                try await team.drafter.get(
                    "/office/cases/case-000000000000/attachments/\(link.split(separator: "/").last!)"
                ).status == .notFound)
            struct Row: Decodable { let dataSealed: Data }
            let stored = try await app.db.sql.raw("SELECT data_sealed FROM case_attachments").all(
                decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            #expect(
                stored.count == 2 && !stored.contains { $0.dataSealed.range(of: Data("picture-bytes".utf8)) != nil })
        }
    }

    @Test(arguments: Engine.all)
    func authoritiesAddressesAreOfferedWhenDrafting(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            try await team.drafter.get("/office/addresses")
            let bad = try await team.drafter.post(
                "/office/addresses", [("country", "Atlantis"), ("label", ""), ("address", "x")])
            #expect(
                bad.status == .unprocessableEntity && bad.body.contains("Unknown country")
                    && bad.body.contains("Name the authority"))
            try await team.drafter.post(
                "/office/addresses",
                [
                    ("country", "Mexico"), ("label", "President of the Republic"),
                    ("address", "presidencia@example.mx")
                ])
            let opened = try await team.drafter.post(
                "/office/cases/new", [("label", "L"), ("country", "MX"), ("risk", "low"), ("kind", "defender")])
            let casePath = try #require(opened.location)
            let form = try await team.drafter.get("\(casePath)/interventions/new?kind=urgent-appeal&language=es")
            #expect(
                form.body.contains("## Direcciones")
                    && form.body.contains("- President of the Republic: presidencia@example.mx"))
            let release = try await team.drafter.get("\(casePath)/interventions/new?kind=press-release")
            #expect(!release.body.contains("presidencia@example.mx"))
        }
    }
}
