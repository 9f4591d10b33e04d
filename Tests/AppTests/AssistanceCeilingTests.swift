import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// A grant request above the ceiling is flagged from the moment it is entered, and still saved.
@Suite struct AssistanceCeilingTests {
    static func enter(
        _ officer: TestBrowser, _ caseID: String, _ person: String, currency: String,
        amount: String, reference: String = "",
        purpose: String = "Legal fees for the appeal"
    ) async throws -> TestBrowser.Page {
        try await officer.get("/office/assistance?case=\(caseID)")
        return try await officer.post(
            "/office/assistance",
            [
                ("case", caseID), ("beneficiary", person), ("kind", "legal-fees"), ("currency", currency),
                ("amount", amount), ("reference", reference), ("purpose", purpose)
            ])
    }

    static func stored(_ app: Application) async throws -> Int {
        struct Count: Decodable { let n: Int }
        return try await app.db.sql.raw("SELECT COUNT(*) AS n FROM assistance_requests")
            .first(decoding: Count.self)?.n ?? -1
    }

    @Test(arguments: Engine.all)
    func atUnderAndOverTheCeilingInEveryCurrencyAndAfterTheCeilingChanges(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: the ceiling is EUR 5,000.00 a grant
            let team = try await CaseTeam.make(app), officer = team.drafter
            let admin = try await AssistanceTests.signedIn("admin@example.org", [.administrator], in: app)
            let (caseID, person) = try await AssistanceTests.caseWithDefender(app)
            var paths: [String: String] = [:]
            // act: at, just under and just over the ceiling, and in other currencies (the reference amount decides)
            let entries: [(String, String, String, String, String?)] = [
                ("at", "EUR", "5000", "", nil),
                ("under", "EUR", "4 999,99", "", nil),
                (
                    "over", "eur", "5,000.01", "",
                    "Above the ceiling: EUR 5,000.01 requested, EUR 0.01 more than the ceiling of EUR 5,000.00 a grant."
                ),
                (
                    "usd-over", "USD", "6000", "5000.01",
                    "Above the ceiling: USD 6,000.00 (EUR 5,000.01) requested, EUR 0.01 more"
                ),
                ("usd-at", "USD", "6000", "5000", nil),
                (
                    "jpy-over", "JPY", "900000", "5 600",
                    "Above the ceiling: JPY 900,000 (EUR 5,600.00) requested, EUR 600.00 more"
                ),
                ("kwd-under", "KWD", "1500.125", "4999", nil)
            ]
            for (name, currency, amount, reference, flag) in entries {
                let created = try await Self.enter(
                    officer, caseID, person, currency: currency, amount: amount,
                    reference: reference)
                let path = try #require(created.location, "\(name) is saved, flagged or not")
                paths[name] = path
                let page = try await officer.get(path)
                // assert: the request page carries the flag naming the amount and the ceiling, or none
                if let flag {
                    #expect(page.body.contains("id=\"ceiling-flag\"") && page.body.contains(flag), "\(name)")
                    #expect(page.body.contains("The request is saved; it cannot be approved above the ceiling."))
                } else {
                    #expect(!page.body.contains("ceiling-flag"), "\(name) is within the ceiling")
                }
            }
            #expect(try await Self.stored(app) == entries.count, "every request is stored, over the ceiling or not")

            // The entry form, sent back for another mistake, flags the amount as typed and stores nothing.
            let mistaken = try await Self.enter(officer, caseID, person, currency: "EUR", amount: "7500", purpose: "")
            #expect(mistaken.status == .unprocessableEntity && mistaken.body.contains("Say what the grant is for"))
            #expect(
                mistaken.body.contains(
                    "Above the ceiling: EUR 7,500.00 requested, EUR 2,500.00 more than the "
                        + "ceiling of EUR 5,000.00 a grant."))
            #expect(mistaken.body.contains("It can be entered, but not approved"))
            let within = try await Self.enter(officer, caseID, person, currency: "EUR", amount: "5000", purpose: "")
            #expect(within.status == .unprocessableEntity && !within.body.contains("ceiling-flag"))
            #expect(try await Self.stored(app) == entries.count)
            // A hostile amount is refused by name, never flagged or echoed as markup.
            let hostile = try await Self.enter(officer, caseID, person, currency: "<b>", amount: "<script>1</script>")
            #expect(hostile.status == .unprocessableEntity && !hostile.body.contains("<script>1"))
            #expect(!hostile.body.contains("ceiling-flag"))

            // The ceiling changes later: the flags follow the ceiling in force.
            func setCeiling(_ value: String) async throws {
                try await admin.get("/office/assistance/settings")
                var rules: [(String, String)] = [("currency", "EUR"), ("ceiling", value)]
                for c in try await AssistanceSettings.load(on: app.db).criteria {
                    rules += [("criterion-\(c.id)", c.text), ("active-\(c.id)", "yes")]
                }
                #expect(try await admin.post("/office/assistance/settings", rules).status == .seeOther)
            }
            try await setCeiling("6000")
            for name in ["over", "usd-over", "jpy-over", "at"] {
                let page = try await officer.get(paths[name]!)
                #expect(!page.body.contains("ceiling-flag"), "\(name) under EUR 6,000.00")
            }
            try await setCeiling("4999.99")
            let at = try await officer.get(paths["at"]!)
            #expect(
                at.body.contains(
                    "Above the ceiling: EUR 5,000.00 requested, EUR 0.01 more than the ceiling of "
                        + "EUR 4,999.99"))
            let under = try await officer.get(paths["under"]!), kwd = try await officer.get(paths["kwd-under"]!)
            #expect(!under.body.contains("ceiling-flag"), "exactly at the new ceiling")
            #expect(!kwd.body.contains("ceiling-flag"), "EUR 4,999.00 in the reference currency")
        }
    }
}
