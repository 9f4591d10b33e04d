import Fluent
import Foundation
import ObservatoryCore
import PropertyBased
import SQLKit
import Testing
import Vapor

@testable import App

extension TestBrowser {
    /// A case officer links a case to a campaign from the case file's list of campaigns.
    func linkCase(_ caseID: String, to campaign: String) async throws {
        let page = try await get("/office/cases/\(caseID)/campaigns?q=\(campaign)")
        #expect(page.body.contains("name=\"add\" value=\"\(campaign)\""), "the campaign is offered")
        let linked = try await post("/office/cases/\(caseID)/campaigns", [("add", campaign)])
        #expect(linked.status == .seeOther, "\(linked.body.prefix(300))")
    }
}

/// Records are linked by choosing them from searched lists; only what the person may see is offered or accepted.
@Suite struct CampaignLinkTests {
    static func officer(_ app: Application, _ email: String = "officer@example.org") async throws -> TestBrowser {
        try await AssistanceTests.signedIn(email, [.caseOfficer], in: app)
    }

    static func links(_ id: String, _ app: Application) async throws -> (publications: String, cases: String) {
        struct Row: Decodable { let publicationIds: String, caseIds: String }
        let row = try #require(
            try await app.db.sql.raw("SELECT publication_ids, case_ids FROM campaigns WHERE id = \(bind: id)")
                .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase))
        return (row.publicationIds, row.caseIds)
    }

    /// A verified case full of canaries, with one published appeal ("Appeal 1") and one draft ("Secret draft").
    static func canaryCase(_ app: Application) async throws -> String {
        let cipher = app.site.cipher
        let now = testClock.now()
        let caseID = try await CaseStore.open(
            NewCase(country: "BY", label: "Label canary-LBL-31"), by: "drafter@example.org",
            now: now, cipher: cipher, on: app.db)
        try await CaseRecords.addPerson(
            NewPerson(
                kind: .defender, name: "Ales canary-NAME-31", consents: false,
                description: "a lawyer in Minsk", contact: "canary-CONTACT-31"),
            by: "drafter@example.org", to: caseID, now: now, cipher: cipher, on: app.db)
        _ = try await CaseStore.changeStatus(
            caseID, from: .received, to: .verified, outcome: nil, by: "drafter@example.org",
            now: now, on: app.db)
        let (draft, file) = try await ReferenceCodeTests.draft(1, country: "BY", in: app, caseID: caseID)
        _ = try await InterventionWorkflow.approve(draft, file: file, by: "b", now: now, on: app.db)
        let approved = try #require(try await InterventionStore.find(draft.id, cipher: cipher, on: app.db))
        _ = try await InterventionWorkflow.publish(approved, file: file, by: "b", now: now, on: app.db)
        _ = try await InterventionStore.create(
            .init(
                kind: .urgentAppeal, language: .en, followUpOf: nil, translationOf: nil,
                title: "Secret draft", summary: "", body: "x"),
            case: caseID, by: "a", now: now, cipher: cipher, on: app.db)
        return caseID
    }

    @Test(arguments: Engine.all)
    func aCampaignGathersChosenPublicationsAndCasesAndNeverTheCaseFile(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            try await store(
                [
                    publication("portrait-1", .statement, title: "Portrait: a lawyer in Minsk", countries: ["BY"]),
                    publication(
                        "appeal-ref", .urgentIntervention, kind: .urgentAppeal, title: "Kenya: union leader",
                        countries: ["KE"], reference: "KEN 002 / 1126 / OBS 014")
                ], in: app)
            try await store([publication("draft-1", title: "Unpublished draft")], status: "draft", in: app)
            let caseID = try await Self.canaryCase(app)
            let (_, secret) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org", secret: secret)
            try await editor.get("/office/campaigns")
            #expect(
                try await editor.postMultipart(
                    "/office/campaigns",
                    [
                        ("id", "defend"), ("title", "Defend the defenders"),
                        ("text", "Sponsors for defenders.")
                    ], files: []
                ).status == .seeOther)
            // act: choose by title, reference code, country; nothing typed
            let page = try await editor.get("/office/campaigns?edit=defend")
            #expect(!page.body.contains("Publications (ids"), "no field for typing ids")
            for (query, id) in [
                ("minsk", "portrait-1"), ("OBS 014", "appeal-ref"), ("kenya", "appeal-ref"), ("belarus", "portrait-1"),
                ("PORTRAIT lawyer", "portrait-1")
            ] {
                let found = try await editor.get(
                    "/office/campaigns?edit=defend&pub_q=\(query.replacingOccurrences(of: " ", with: "+"))")
                #expect(found.body.contains("name=\"add\" value=\"\(id)\""), "\(query) finds \(id)")
            }
            let narrow = try await editor.get("/office/campaigns?edit=defend&pub_q=minsk")
            #expect(!narrow.body.contains("value=\"appeal-ref\""))
            // An id that is not offered is refused and nothing is linked.
            for forged in ["no-such-publication", "x' OR '1'='1", caseID] {
                let refused = try await editor.post("/office/campaigns/defend/publications", [("add", forged)])
                #expect(
                    refused.status == .unprocessableEntity
                        && refused.body.contains("not among the records you can link"))
            }
            #expect(try await Self.links("defend", app).publications == "")
            #expect(
                try await editor.post(
                    "/office/campaigns/defend/publications", [("add", "portrait-1"), ("add", "appeal-ref")]
                )
                .status == .seeOther)
            #expect(
                try await editor.post("/office/campaigns/defend/publications", [("remove", "appeal-ref")]).status
                    == .seeOther)
            #expect(try await Self.links("defend", app).publications == "portrait-1")
            // An editor is no case officer: she is offered no case and cannot link one.
            #expect(try await editor.get("/office/cases/\(caseID)/campaigns").status == .forbidden)
            #expect(
                try await editor.post("/office/cases/\(caseID)/campaigns", [("add", "defend")]).status == .forbidden)
            #expect(try await Self.links("defend", app).cases == "")
            // The case officer chooses the campaign from the case file; a forged campaign changes nothing.
            let officer = try await Self.officer(app)
            let choices = try await officer.get("/office/cases/\(caseID)/campaigns?q=defenders")
            #expect(choices.status == .ok && choices.body.contains("Defend the defenders"))
            let forged = try await officer.post(
                "/office/cases/\(caseID)/campaigns", [("add", "defend"), ("add", "no-campaign")])
            #expect(forged.status == .unprocessableEntity && forged.body.contains("not among the records you can link"))
            #expect(try await Self.links("defend", app).cases == "")
            try await officer.linkCase(caseID, to: "defend")
            #expect(try await Self.links("defend", app).cases == caseID)
            #expect(
                try await officer.get("/office/cases/\(caseID)").body.contains(
                    "Campaigns changed: Defend the defenders"))
            struct Count: Decodable { let n: Int }
            let audited = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('campaign.link', 'case.campaigns')"
            )
            .first(decoding: Count.self)?.n
            #expect(audited == 3, "every link is audited")

            // Four eyes still hold: the author alone cannot publish; another editor does.
            try await editor.get("/office/campaigns?edit=defend")
            let fields = [
                ("id", "defend"), ("title", "Defend the defenders"), ("text", "Sponsors for defenders."),
                ("published", "yes")
            ]
            #expect(
                try await editor.postMultipart("/office/campaigns", fields, files: []).status == .unprocessableEntity)
            let second = try await EditorialTests.secondEditor(app)
            try await second.get("/office/campaigns?edit=defend")
            #expect(try await second.postMultipart("/office/campaigns", fields, files: []).status == .seeOther)
            // A public campaign's links do not change in place, from either side.
            try await officer.get("/office/cases/\(caseID)/campaigns")
            #expect(
                try await officer.post("/office/cases/\(caseID)/campaigns", [("remove", "defend")]).body.contains(
                    "is on the public site"))
            try await second.get("/office/campaigns?edit=defend")
            #expect(
                try await second.post("/office/campaigns/defend/publications", [("add", "appeal-ref")]).status
                    == .unprocessableEntity)
            #expect(try await Self.links("defend", app) == ("portrait-1", caseID))

            // assert: the public campaign shows the published appeal, never the case file (canaries) or a draft.
            let outputs = [
                "/campaigns/defend", "/fr/campaigns/defend", "/ar/campaigns/defend", "/campaigns", "/campaigns.csv",
                "/campaigns.json", "/es/campaigns.json"
            ]
            let publicPage = try await app.get("/campaigns/defend")
            #expect(
                publicPage.status == .ok && publicPage.body.contains("Appeal 1")
                    && publicPage.body.contains("Portrait: a lawyer"))
            for path in outputs {
                let body = try await app.get(path).body
                for canary in ["canary-LBL-31", "canary-NAME-31", "canary-CONTACT-31", "Secret draft", caseID] {
                    #expect(!body.contains(canary), "\(path) shows \(canary)")
                }
            }
        }
    }

    @Test(arguments: Engine.all)
    func simultaneousLinksAreAllKept(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            try await store((0..<24).map { publication("p-\($0)", title: "Statement \($0)") }, in: app)
            let editor = try await EditorialTests.secondEditor(app, "editor@example.org")
            try await editor.get("/office/campaigns")
            #expect(
                try await editor.postMultipart(
                    "/office/campaigns", [("id", "many"), ("title", "Many"), ("text", "x")], files: []
                )
                .status == .seeOther)
            try await editor.get("/office/campaigns?edit=many")
            // act: 24 editors' tabs link one publication each at the same moment
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for n in 0..<24 {
                    let tab = CallsFourEyesTests.clone(editor)
                    group.addTask {
                        try await tab.post("/office/campaigns/many/publications", [("add", "p-\(n)")]).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // assert: none is lost
            #expect(statuses.allSatisfy { $0 == .seeOther })
            let linked = try await Self.links("many", app).publications.split(separator: ",")
            #expect(Set(linked) == Set((0..<24).map { "p-\($0)" }) && linked.count == 24)
        }
    }

    @Test(arguments: Engine.all)
    func missionsAndGrantsChooseTheirCaseAndFuzzedSearchesAreEscaped(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let team = try await CaseTeam.make(app)
            let officer = team.drafter
            let (caseID, person) = try await AssistanceTests.caseWithDefender(app)
            let other = try await Self.canaryCase(app)
            let otherPerson = try #require(
                try await CaseStore.find(other, cipher: app.site.cipher, on: app.db)?.people.first?.id)
            try await officer.get("/office/missions")
            let created = try await officer.post(
                "/office/missions",
                [
                    ("kind", "trial-observation"), ("title", "Trial in Nairobi"),
                    ("country", "KE"), ("starts", "2026-12-01"), ("ends", "2026-12-03")
                ])
            let missionPath = try #require(created.location)
            // act + assert: the case is found by a person's name, its title, its country or reference code
            for query in ["wanjiru", "Nairobi defender", "kenya"] {
                let page = try await officer.get(
                    "\(missionPath)?case_q=\(query.replacingOccurrences(of: " ", with: "+"))")
                #expect(page.body.contains("type=\"radio\" name=\"case\" value=\"\(caseID)\""), "\(query)")
                #expect(!page.body.contains("value=\"\(other)\""), "\(query) does not offer the Minsk case")
            }
            #expect(
                try await officer.get("\(missionPath)?case_q=OBS+001").body.contains("value=\"\(other)\""),
                "by its intervention's reference code")
            #expect(
                try await officer.post("\(missionPath)/cases", [("case", "case-forged"), ("concern", "The trial")])
                    .body.contains("There is no case “case-forged”."))
            #expect(
                try await officer.post("\(missionPath)/cases", [("concern", "The trial")]).body.contains(
                    "Choose the case"))
            let partner = team.partner
            #expect(
                try await partner.post("\(missionPath)/cases", [("case", caseID), ("concern", "x")]).status
                    == .forbidden)
            try await officer.get(missionPath)
            #expect(
                try await officer.post("\(missionPath)/cases", [("case", caseID), ("concern", "The appeal hearing")])
                    .status == .seeOther)
            #expect(
                try await officer.get(missionPath).body.contains(
                    "Case of the Nairobi defender</a> — The appeal hearing"))

            // A grant: the case is chosen by a name; a person of another case is refused and nothing stored.
            let step = try await officer.get("/office/assistance?case_q=wanjiru")
            #expect(
                step.body.contains("name=\"case\" value=\"\(caseID)\"") && !step.body.contains("value=\"\(other)\""))
            try await officer.get("/office/assistance?case=\(caseID)")
            let foreign = try await officer.post(
                "/office/assistance",
                [
                    ("case", caseID), ("beneficiary", otherPerson),
                    ("kind", "legal-fees"), ("currency", "EUR"), ("amount", "100"), ("purpose", "Fees")
                ])
            #expect(
                foreign.status == .unprocessableEntity && foreign.body.contains("Choose the person or organisation"))
            #expect(try await AssistanceCeilingTests.stored(app) == 0)
            _ = person

            // Fuzzed searches: every page answers, and what was typed comes back escaped.
            let fragments = [
                "<script>alert(1)</script>", "\"", "'", "&amp;", "%00", "\u{202E}", "é", "OBS", " ", "\\", "{{x}}",
                "<img src=x onerror=1>", "Ω"
            ]
            let query = Gen<String?>.element(of: fragments).map { $0! }.array(of: 0...6).map { $0.joined() }
            let paths = [
                "\(missionPath)?case_q=", "/office/assistance?case_q=", "/office/cases/\(caseID)/campaigns?q="
            ]
            _ = try await TestAccounts.create("fuzz-editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("fuzz-editor@example.org")
            try await editor.get("/office/campaigns")
            _ = try await editor.postMultipart(
                "/office/campaigns", [("id", "fuzz"), ("title", "Fuzz"), ("text", "x")], files: [])
            await propertyCheck(count: 40, input: query, Gen.int(in: 0...3)) { text, pick in
                let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let browser = pick == 3 ? editor : officer
                let path = pick == 3 ? "/office/campaigns?edit=fuzz&pub_q=" : paths[pick]
                let page = try? await browser.get(path + encoded)
                #expect(page?.status == .ok, "\(path)\(encoded)")
                #expect(page.map { !$0.body.contains("<script>alert") && !$0.body.contains("<img src=x") } ?? false)
            }
        }
    }
}
