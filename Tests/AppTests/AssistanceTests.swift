import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Material assistance: a request for a case's defender, eligibility against the rules administrators set,
/// two approvals by others than the requester, payments within the grant, the beneficiary's report, and
/// nothing but yearly totals by kind outside the office.
@Suite struct AssistanceTests {
    static func signedIn(_ email: String, _ roles: Set<Role>, in app: Application) async throws -> TestBrowser {
        let (_, secret) = try await TestAccounts.create(
            email, roles, secondFactor: roles.contains(where: \.requiresSecondFactor), in: app)
        let browser = TestBrowser(app)
        try await browser.signIn(email, secret: secret)
        return browser
    }

    /// A case with a defender; returns the case id and the defender's id.
    static func caseWithDefender(_ app: Application) async throws -> (String, String) {
        let cipher = app.site.cipher, now = testClock.now()
        let caseID = try await CaseStore.open(
            NewCase(country: "KE", label: "Case of the Nairobi defender"), by: "drafter@example.org", now: now,
            cipher: cipher, on: app.db)
        try await CaseRecords.addPerson(
            NewPerson(
                kind: .defender, name: "Wanjiru K.", consents: false, description: "a woman defender",
                contact: "+254 700"),
            by: "drafter@example.org", to: caseID, now: now, cipher: cipher, on: app.db)
        let person = try #require(try await CaseStore.find(caseID, cipher: cipher, on: app.db)?.people.first?.id)
        return (caseID, person)
    }

    @Test(arguments: Engine.all)
    func aGrantGoesFromRequestToReportWithTwoApprovalsAndOnlyTotalsLeaveTheOffice(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app),
                third = try await Self.signedIn("third@example.org", [.caseOfficer], in: app)
            let admin = try await Self.signedIn("admin@example.org", [.administrator], in: app)
            let (caseID, person) = try await Self.caseWithDefender(app)
            let officer = team.drafter

            // Step one asks for the case; step two offers its people.
            #expect(
                try await officer.get("/office/assistance?case=case-nope").body.contains(
                    "There is no case “case-nope”."))
            let form = try await officer.get("/office/assistance?case=\(caseID)")
            #expect(
                form.body.contains("Wanjiru K. (")
                    && form.body.contains("The person or organisation defends human rights by peaceful means"))
            let bad = try await officer.post(
                "/office/assistance",
                [
                    ("case", caseID), ("beneficiary", ""), ("kind", "relocation"), ("currency", "EURO"),
                    ("amount", "abc"), ("purpose", "")
                ])
            #expect(
                bad.status == .unprocessableEntity && bad.body.contains("Choose the person or organisation")
                    && bad.body.contains("three-letter code")
                    && bad.body.contains("Say what the grant is for"))
            let noReference = try await officer.post(
                "/office/assistance",
                [
                    ("case", caseID), ("beneficiary", person), ("kind", "relocation"),
                    ("currency", "USD"), ("amount", "6,000"), ("purpose", "Flights for the family")
                ])
            #expect(noReference.body.contains("Give the same amount in EUR"))
            let created = try await officer.post(
                "/office/assistance",
                [
                    ("case", caseID), ("beneficiary", person), ("kind", "relocation"), ("currency", "usd"),
                    ("amount", "6,000"), ("reference", "5 500"), ("purpose", "Flights for the family to Kampala"),
                    ("criterion", "peaceful")
                ])
            let path = try #require(created.location)
            var page = try await officer.get(path)
            #expect(
                page.body.contains("Evacuation / relocation: USD 6,000.00") && page.body.contains("EUR 5,500.00")
                    && page.body.contains("Wanjiru K."))
            #expect(
                page.body.contains("EUR 5,500.00 is above the ceiling of EUR 5,000.00 a grant.")
                    && page.body.contains("Criterion not met: The need is urgent"))
            try await team.approver.get(path)
            #expect(try await team.approver.post(path + "/approve", []).body.contains("Not eligible."))

            // The administrator raises the ceiling and adds a criterion; they never see a request.
            #expect(try await admin.get("/office/assistance").status == .forbidden)
            #expect(try await admin.get(path).status == .forbidden)
            try await admin.get("/office/assistance/settings")
            #expect(
                try await admin.post("/office/assistance/settings", [("currency", "EUR"), ("ceiling", "-1")]).body
                    .contains("Give the ceiling as a number above zero."))
            var rules: [(String, String)] = [
                ("currency", "EUR"), ("ceiling", "6000"),
                ("new-criterion", "The beneficiary agreed to report on the use of the grant")
            ]
            for c in try await AssistanceSettings.load(on: app.db).criteria {
                rules += [("criterion-\(c.id)", c.text), ("active-\(c.id)", "yes")]
            }
            #expect(try await admin.post("/office/assistance/settings", rules).status == .seeOther)
            #expect(
                try await admin.post("/office/assistance/settings", [("currency", "USD")] + rules.dropFirst()).body
                    .contains("can no longer change"))
            let settings = try await AssistanceSettings.load(on: app.db)
            #expect(
                settings.ceiling == Money(minorUnits: 600_000, currency: "EUR") && settings.activeCriteria.count == 5)

            // Every criterion met: eligible. The requester cannot approve; two others must.
            try await officer.get(path)
            #expect(try await officer.post(path, settings.criteria.map { ("criterion", $0.id) }).status == .seeOther)
            #expect(try await officer.get(path).body.contains("id=\"eligible\""))
            #expect(try await officer.post(path + "/approve", []).body.contains("cannot approve it"))
            try await team.approver.get(path)
            #expect(try await team.approver.post(path + "/approve", []).status == .seeOther)
            #expect(try await team.approver.post(path + "/approve", []).body.contains("already approved"))
            try await third.get(path)
            #expect(try await third.post(path + "/approve", []).status == .seeOther)
            page = try await officer.get(path)
            #expect(
                page.body.contains("id=\"assistance-status\">Approved<") && page.body.contains("Due on 2027-02-18."))

            // Payments within the grant; the report only once paid in full.
            #expect(
                try await officer.post(
                    path + "/payments",
                    [("amount", "7000"), ("paid-on", "2026-11-19"), ("payment-reference", "Transfer 77")]
                )
                .body.contains("more than what remains to be paid (USD 6,000.00)"))
            #expect(
                try await officer.post(
                    path + "/payments", [("amount", "2500"), ("paid-on", "2026-11-21"), ("payment-reference", "x")]
                ).body.contains("not in the future"))
            #expect(
                try await officer.post(
                    path + "/payments",
                    [("amount", "2500"), ("paid-on", "2026-11-19"), ("payment-reference", "Transfer 77 via partner")]
                ).status == .seeOther)
            #expect(
                try await officer.post(path + "/report", [("due", "2027-01-31"), ("received", "2026-11-20")]).body
                    .contains("Record the payments in full"))
            // A due day gone by: the report is overdue on the list and the dashboard.
            #expect(
                try await officer.post(path + "/report", [("due", "2026-11-01"), ("received", "")]).status == .seeOther)
            #expect(try await officer.get("/office/assistance").body.contains("report overdue"))
            let dashboard = try await officer.get("/office/cases").body
            #expect(dashboard.contains("Beneficiaries’ reports overdue</a> <strong>1</strong>"))
            #expect(
                try await officer.post(
                    path + "/payments",
                    [
                        ("amount", "3500.00"), ("paid-on", "2026-11-20"),
                        ("payment-reference", "Cash through the partner")
                    ]
                ).status == .seeOther)
            #expect(try await officer.get(path).body.contains("id=\"assistance-status\">Paid<"))
            #expect(
                try await officer.post(
                    path + "/report",
                    [("due", "2027-01-31"), ("received", "2026-11-20"), ("note", "Receipts for the flights")]
                ).status == .seeOther)
            page = try await officer.get(path)
            #expect(
                page.body.contains("Report received<") && page.body.contains("Received on 2026-11-20.")
                    && page.body.contains("Receipts for the flights"))
            let file = try await officer.get("/office/cases/\(caseID)")
            #expect(
                file.body.contains("id=\"case-assistance\"") && file.body.contains("Material assistance approved")
                    && file.body.contains("Material assistance paid in full"))

            // The annual report shows the year's totals by kind, in the reference currency, and nothing else of it.
            let report = try await AnnualReportStore.build(2026, language: .fr, on: app.db)
            #expect(
                report.statistics.assistance.lines == [
                    .init(kind: .relocation, grants: 1, paid: Money(minorUnits: 550_000, currency: "EUR"))
                ])
            let editor = try await Self.signedIn("editor@example.org", [.editor], in: app)
            let html = try await editor.get("/office/reports/annual/2026/report.html?language=fr").body
            #expect(html.contains("Évacuation et relocalisation") && html.contains("EUR 5,500.00"))
            for secret in [
                "Wanjiru", "Flights for the family", "Transfer 77", "Cash through the partner",
                "Receipts for the flights", "USD"
            ] {
                #expect(!html.contains(secret), "\(secret) stays in the office")
            }
            #expect(try await editor.get(path).status == .forbidden)
            #expect(try await team.partner.get(path).status == .forbidden)
        }
    }

    @Test(arguments: Engine.all)
    func aRequestCanBeRejectedWithAReasonAndAnOverdueReportIsFlagged(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let (caseID, person) = try await Self.caseWithDefender(app)
            try await team.drafter.get("/office/assistance?case=\(caseID)")
            let created = try await team.drafter.post(
                "/office/assistance",
                [
                    ("case", caseID), ("beneficiary", person), ("kind", "medical"), ("currency", "EUR"),
                    ("amount", "800"), ("purpose", "Surgery")
                ])
            let path = try #require(created.location)
            #expect(
                try await team.approver.get("/office/cases").body.contains(
                    "Grants awaiting approval</a> <strong>1</strong>"))
            try await team.approver.get(path)
            #expect(try await team.approver.post(path + "/reject", [("reason", "")]).body.contains("Give the reason"))
            #expect(
                try await team.approver.post(path + "/reject", [("reason", "Covered by another fund")]).status
                    == .seeOther)
            let page = try await team.approver.get(path)
            #expect(
                page.body.contains("id=\"assistance-status\">Rejected<")
                    && page.body.contains("Covered by another fund") && !page.body.contains("/approve\""))
            let list = try await team.approver.get("/office/assistance")
            #expect(
                list.body.components(separatedBy: "id=\"assistance-closed\"").last?.contains("Medical care") == true)
            #expect(
                try await team.approver.post(path + "/approve", []).body.contains(
                    "This request is rejected: it cannot be approved."))
            #expect(
                try await team.approver.get("/office/cases").body.contains(
                    "Grants awaiting approval</a> <strong>0</strong>"))

            var grant = try #require(
                try await AssistanceStore.find(
                    path.components(separatedBy: "/").last!, referenceCurrency: "EUR", cipher: app.site.cipher,
                    on: app.db))
            grant.status = .paid
            grant.reportDueOn = "2027-02-18"
            #expect(
                !grant.reportOverdue(today: CivilDate("2027-02-18")!)
                    && grant.reportOverdue(today: CivilDate("2027-02-19")!))
        }
    }

    @Test(arguments: Engine.all)
    func simultaneousApprovalsAndPaymentsKeepTheRules(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let (caseID, person) = try await Self.caseWithDefender(app)
            let settings = try await AssistanceSettings.load(on: app.db), cipher = app.site.cipher,
                now = testClock.now()
            let request = AssistanceRequest(
                id: "grant-race", caseID: caseID, beneficiaryID: person, kind: .securityEquipment,
                amount: Money(minorUnits: 600_000, currency: "USD"),
                referenceAmount: Money(minorUnits: 550_000, currency: "EUR"),
                purpose: Confidential("Cameras"), criteriaMet: Set(settings.criteria.map(\.id)), status: .requested,
                requestedBy: "a@example.org", requestedAt: 0)
            try await AssistanceStore.create(request, now: now, cipher: cipher, on: app.db)
            // Eight people approve at once: exactly one approval completes the grant.
            let completions = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        (try? await AssistanceStore.approve(
                            request, by: "officer\(n)@example.org", problems: [], reportDue: "2027-01-01", now: now,
                            on: app.db
                        ).get()) ?? false
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(completions == 1)
            // Twelve payments of USD 1,000 at once on a USD 6,000 grant: six go through.
            let approved = try #require(
                try await AssistanceStore.find("grant-race", referenceCurrency: "EUR", cipher: cipher, on: app.db))
            #expect(approved.status == .approved && approved.approvals.count == 2)
            let paid = try await withThrowingTaskGroup(of: Bool.self) { group in
                for n in 0..<12 {
                    group.addTask {
                        (try? await AssistanceStore.pay(
                            approved, Money(minorUnits: 100_000, currency: "USD"), on: "2026-11-20", reference: "p\(n)",
                            by: "b@example.org", now: now, cipher: cipher, on: app.db
                        ).get()) != nil
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            let final = try #require(
                try await AssistanceStore.find("grant-race", referenceCurrency: "EUR", cipher: cipher, on: app.db))
            #expect(paid == 6 && final.paid == 600_000 && final.status == .paid)
        }
    }
}
