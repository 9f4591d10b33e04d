import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Retention through the running app, on both engines: administrators set the periods; a due record reaches the
/// case officers (dashboard, due page, one staff alert per record and period); each is extended, anonymised with
/// the annual figures unchanged, or deleted with nothing of it left in any table; nothing is decided silently.
@Suite struct RetentionTests {
    static let now = testClock.date
    static let fortyDaysAgo = now.addingTimeInterval(-40 * 86_400)
    /// A shortened period takes effect after the old one's notice window (30 days): saved this long ago, it is in
    /// force now.
    static let policySaved = now.addingTimeInterval(-31 * 86_400)

    static func tables(_ html: String) -> [String] {
        html.components(separatedBy: "<table").dropFirst().map { $0.components(separatedBy: "</table>")[0] }
    }

    /// What the annual report counts for `year`.
    static func annualFigures(_ year: Int, _ app: Application) async throws -> String {
        let s = try await AnnualReportStore.build(year, language: .en, on: app.db).statistics
        return "\(s.interventions) \(s.followUps) \(s.countries) \(s.defenders) \(s.organisations) "
            + s.outcomes.map { "\($0.0.rawValue)=\($0.1)" }.joined(separator: ",") + " \(s.assistance)"
    }

    static func audit(
        _ action: String,
        _ app: Application
    ) async throws -> [(actor: String, id: String, detail: String)] {
        struct Row: Decodable { let actor: String, recordId: String, detail: String }
        return try await app.db.sql.raw(
            """
            SELECT actor, record_id, detail FROM audit_log WHERE action = \(bind: action) ORDER BY sequence
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            .map { ($0.actor, $0.recordId, $0.detail) }
    }

    @Test(arguments: Engine.all)
    func administratorsSetThePeriodsAndBadValuesAreRefusedByName(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let admin = try await AssistanceTests.signedIn("admin@example.org", [.administrator], in: app)
            let page = try await admin.get("/office/retention/periods")
            #expect(page.status == .ok)
            #expect(page.body.contains("value=\"3650\""), "the default for closed cases")
            for bad in ["thirty", "0", "36501", "-5", "1e3", ""] {
                let refused = try await admin.post(
                    "/office/retention/periods",
                    [
                        ("case.closed", bad),
                        ("sign-in", "7")
                    ])
                #expect(refused.status == .unprocessableEntity, "\(bad) refused")
                #expect(refused.body.contains("Closed cases"), "the refusal names the kind")
            }
            #expect(try await RetentionStore.policy(on: app.db) == RetentionPolicy(), "nothing changed")
            let forged = try await admin.post("/office/retention/periods", [("case.closed", "30")], csrf: "forged")
            #expect(forged.status == .forbidden)
            let saved = try await admin.post("/office/retention/periods", [("case.closed", "30"), ("sign-in", "7")])
            #expect(saved.status == .seeOther)
            // Both are shorter: proposed, and in force only once a second administrator confirms them.
            #expect(try await RetentionStore.policy(on: app.db) == RetentionPolicy(), "only proposed")
            #expect(try await admin.get("/office/retention/periods").body.contains("awaiting a second administrator"))
            let second = try await AssistanceTests.signedIn("second@example.org", [.administrator], in: app)
            for kind in ["case.closed", "sign-in"] {
                let confirmed = try await second.post(
                    "/office/retention/periods/confirm", try await RetentionFourEyesTests.pinned(kind, app))
                #expect(confirmed.status == .seeOther, "\(kind) confirmed")
            }
            #expect(try await RetentionStore.policy(on: app.db).period(.closedCase) == 30)
            #expect(try await admin.get("/office/retention/periods").body.contains("value=\"30\""))
            let audited = try await Self.audit("retention.policy", app)
            #expect(audited.map(\.id).sorted() == ["case.closed", "sign-in"])
            #expect(audited.allSatisfy { $0.actor == "second@example.org" }, "applied by whoever confirmed")
            #expect(try await Self.audit("retention.propose", app).allSatisfy { $0.actor == "admin@example.org" })
            for prefix in ["fr", "es", "ar"] {
                try await admin.post("/account/language", [("language", prefix)])
                let translated = try await admin.get("/office/retention/periods")
                #expect(translated.status == .ok && !translated.body.contains("Closed cases"), "\(prefix) page")
            }
        }
    }

    @Test(arguments: Engine.all)
    func aClosedCaseComesDueIsAlertedOnceAndAnonymisedWithTheFiguresUnchanged(_ engine: Engine) async throws {
        // No page cache: /statistics is computed afresh after the decision, not served from before it.
        try await withApp(engine, pageCache: false) { app in
            // setup
            try await store(
                [publication("ui-1", .urgentIntervention, kind: .urgentAppeal, on: "2026-10-01")],
                in: app)
            let fixture = try await RetentionFixture.make(
                app, now: Self.fortyDaysAgo, closed: true,
                publication: "ui-1")
            let team = try await CaseTeam.make(app)
            #expect(
                try await team.drafter.get("/office/retention").body.contains("retention-none"),
                "not due with the default ten years")
            try await RetentionStore.save(
                RetentionPolicy(days: [.closedCase: 30]), by: "admin@example.org",
                now: Self.policySaved, on: app.db)

            // Told: the dashboard, the due page and one alert per officer, raised once.
            let first = try await RetentionActions.check(now: Self.now, on: app.db)
            #expect(first.alerts == 1)
            #expect(try await RetentionActions.check(now: Self.now, on: app.db).alerts == 0, "once per period")
            struct N: Decodable { let n: Int }
            let alerts = try await app.db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM staff_alerts WHERE event = 'retention.due' AND user_id <> ''
                """
            ).first(decoding: N.self)?.n
            #expect(alerts == 2, "both case officers, nobody else")
            struct Alert: Decodable { let id: String, userId: String }
            let alert = try #require(
                try await app.db.sql.raw(
                    """
                    SELECT id, user_id FROM staff_alerts WHERE event = 'retention.due' AND user_id <> '' LIMIT 1
                    """
                ).first(decoding: Alert.self, keyDecodingStrategy: .convertFromSnakeCase))
            let message = try #require(
                try await StaffAlerts.message(
                    kind: StaffAlerts.kind, accountID: alert.userId,
                    subjectID: alert.id, composer: app.site.composer,
                    now: Self.now, on: app.db))
            #expect(message.text.contains("Record: \(fixture.caseID)") && message.text.contains("/office/retention"))
            #expect(message.subject.contains("Retention period ending"))
            #expect(!(message.subject + message.text).contains(fixture.canary), "nothing of the record in the alert")
            let dashboard = try await team.drafter.get("/office/cases").body
            #expect(
                dashboard.contains(
                    "id=\"retention-due-link\">Records at the end of their retention period</a> <strong>1"))
            let due = try await team.drafter.get("/office/retention").body
            #expect(due.contains("id=\"due-case.closed-\(fixture.caseID)\""))
            #expect(!due.contains(fixture.canary), "the due page shows no value of the record")
            #expect(try await team.partner.get("/office/retention").status == .forbidden)

            let publicBefore = Self.tables(try await app.get("/statistics").body)
            let officeBefore = Self.tables(try await team.drafter.get("/office/statistics").body)
            let annualBefore = try await Self.annualFigures(2026, app)
            #expect(officeBefore.joined().contains(">4</td>"), "four defenders counted before")

            // act
            let noReason = try await team.drafter.post(
                "/office/retention/decide",
                [
                    ("kind", "case.closed"), ("id", fixture.caseID), ("decision", "anonymise"), ("reason", "  ")
                ])
            #expect(noReason.status == .unprocessableEntity)
            let done = try await team.drafter.post(
                "/office/retention/decide",
                [
                    ("kind", "case.closed"), ("id", fixture.caseID), ("decision", "anonymise"),
                    ("reason", "period-over")
                ])
            #expect(done.status == .seeOther)

            // assert
            #expect(Self.tables(try await app.get("/statistics").body) == publicBefore)
            #expect(Self.tables(try await team.drafter.get("/office/statistics").body) == officeBefore)
            #expect(try await Self.annualFigures(2026, app) == annualBefore)
            let caseFile = try await team.drafter.get("/office/cases/\(fixture.caseID)")
            #expect(caseFile.status == .ok)
            #expect(!caseFile.body.contains(fixture.canary), "no personal value left on the case file")
            let opened = try await Self.openedValues(app)
            #expect(!opened.contains { $0.contains(fixture.canary) }, "no sealed value of the case opens to it")
            #expect(try await RetentionFixture.tables(holding: fixture.canary, app).isEmpty)
            #expect(try await team.drafter.get("/office/retention").body.contains("retention-none"), "decided")
            let audited = try await Self.audit("retention.anonymise", app)
            #expect(
                audited.count == 1 && audited.first?.id == fixture.caseID
                    && audited.first?.detail == "period-over"
                    && audited.first?.actor == "drafter@example.org")
        }
    }

    /// Every value of every sealed column, opened.
    static func openedValues(_ app: Application) async throws -> [String] {
        try await SealedStorageTests.stored(app).compactMap { column, row, value in
            switch try? app.site.cipher.openAny(value, in: column, row: row) {
            case .text(let clear): clear
            case .bytes(let clear): String(decoding: clear, as: UTF8.self)
            case nil: nil
            }
        }
    }
}
