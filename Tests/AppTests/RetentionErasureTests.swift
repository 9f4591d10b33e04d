import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Deletion for good and the decisions around it, through the running app on both engines: a deleted case leaves
/// nothing in any table but the audit trail (and, on SQLite, nothing in the file); forged and repeated decisions
/// are refused; an extension moves the expiry and a new period alerts again; the other kinds and the purge.
@Suite struct RetentionErasureTests {
    static let now = RetentionTests.now

    @Test(arguments: Engine.all)
    func aDeletedCaseLeavesNothingButTheAuditTrail(_ engine: Engine) async throws {
        let file = engine == .sqlite ? NSTemporaryDirectory() + "retention-\(UUID().uuidString).sqlite" : nil
        defer {
            for s in ["", "-wal", "-shm", ".key"] where file != nil {
                try? FileManager.default.removeItem(atPath: file! + s)
            }
        }
        try await withApp(engine, sqliteFile: file) { app in
            // setup
            let fixture = try await RetentionFixture.make(
                app, now: RetentionTests.fortyDaysAgo, closed: false,
                origin: "report")
            let team = try await CaseTeam.make(app)
            try await RetentionStore.save(
                RetentionPolicy(days: [.unverifiedReport: 30]), by: "a",
                now: RetentionTests.policySaved,
                on: app.db)
            #expect(try await RetentionActions.check(now: Self.now, on: app.db).alerts == 1)
            let holding = try await RetentionFixture.tables(holding: fixture.caseID, app)
            #expect(
                holding.isSuperset(of: [
                    "cases", "case_people", "case_acts", "case_sources", "case_attachments",
                    "case_messages", "case_events", "verifications", "interventions",
                    "mission_cases", "assistance_requests", "case_person_languages",
                    "staff_alerts", "campaigns", "audit_log"
                ]), "\(holding.sorted())")
            struct Sealed: Decodable { let nameSealed: String }
            let name = try #require(
                try await app.db.sql.raw(
                    """
                    SELECT name_sealed FROM case_people WHERE id = \(bind: fixture.personID)
                    """
                ).first(decoding: Sealed.self, keyDecodingStrategy: .convertFromSnakeCase)
            ).nameSealed

            // act
            let done = try await team.drafter.post(
                "/office/retention/decide",
                [
                    ("kind", "report.unverified"), ("id", fixture.caseID), ("decision", "delete"),
                    ("reason", "never-verified")
                ])
            #expect(done.status == .seeOther)

            // assert
            #expect(try await RetentionFixture.tables(holding: fixture.caseID, app) == ["audit_log"])
            #expect(try await RetentionFixture.tables(holding: fixture.personID, app).isSubset(of: ["audit_log"]))
            #expect(try await RetentionFixture.tables(holding: fixture.verificationID, app).isSubset(of: ["audit_log"]))
            #expect(
                try await RetentionFixture.tables(holding: fixture.interventionID, app)
                    .isSubset(of: ["audit_log", "reference_codes"]))
            #expect(try await RetentionFixture.tables(holding: fixture.canary, app).isEmpty)
            #expect(try await RetentionTests.openedValues(app).allSatisfy { !$0.contains(fixture.canary) })
            struct Listed: Decodable { let caseIds: String }
            let campaign = try await app.db.sql.raw("SELECT case_ids FROM campaigns")
                .first(decoding: Listed.self, keyDecodingStrategy: .convertFromSnakeCase)
            #expect(campaign?.caseIds == "case-other", "the campaign keeps its other cases")
            #expect(try await team.drafter.get("/office/cases/\(fixture.caseID)").status == .notFound)
            let audited = try await RetentionTests.audit("retention.delete", app)
            #expect(
                audited.count == 1 && audited.first?.id == fixture.caseID
                    && audited.first?.detail == "never-verified")
            if let file {
                for suffix in ["", "-wal"] {
                    let bytes = FileManager.default.contents(atPath: file + suffix) ?? Data()
                    #expect(bytes.range(of: Data(name.utf8)) == nil, "the sealed name is gone from \(file + suffix)")
                    #expect(bytes.range(of: Data(fixture.canary.utf8)) == nil)
                }
            }
        }
    }

    @Test(arguments: Engine.all)
    func forgedRepeatedAndSimultaneousDecisionsAreRefusedAndAnExtensionAlertsAgainLater(_ engine: Engine) async throws {
        let clock = MutableClock(RetentionTests.now)
        try await withApp(engine, clock: clock) { app in
            let fixture = try await RetentionFixture.make(app, now: RetentionTests.fortyDaysAgo, closed: true)
            try await RetentionStore.save(
                RetentionPolicy(days: [.closedCase: 30]), by: "a",
                now: RetentionTests.policySaved, on: app.db)
            let officer = try await StaffAlertTests.person("drafter@example.org", [.caseOfficer], app, clock: clock)
            try await officer.get("/office/retention")
            func decide(_ fields: [(String, String)], csrf: String? = nil) async throws -> TestBrowser.Page {
                try await officer.post("/office/retention/decide", fields, csrf: csrf)
            }
            let id = fixture.caseID
            for (fields, status) in [
                (
                    [("kind", "sign-in"), ("id", id), ("decision", "delete"), ("reason", "period-over")],
                    HTTPStatus.unprocessableEntity
                ),
                (
                    [("kind", "nope"), ("id", id), ("decision", "delete"), ("reason", "period-over")],
                    .unprocessableEntity
                ),
                (
                    [("kind", "case.closed"), ("id", id), ("decision", "burn"), ("reason", "period-over")],
                    .unprocessableEntity
                ),
                (
                    [("kind", "case.closed"), ("id", "case-forged"), ("decision", "delete"), ("reason", "period-over")],
                    .notFound
                ),
                (
                    [("kind", "report.unverified"), ("id", id), ("decision", "delete"), ("reason", "period-over")],
                    .notFound
                ),
                (
                    [
                        ("kind", "case.closed"), ("id", id), ("decision", "extend"), ("reason", "proceedings"),
                        ("until", "2026-11-20")
                    ],
                    .unprocessableEntity
                ),
                (
                    [
                        ("kind", "case.closed"), ("id", id), ("decision", "extend"), ("reason", ""),
                        ("until", "2027-01-01")
                    ],
                    .unprocessableEntity
                ),
                (
                    [
                        ("kind", "case.closed"), ("id", id), ("decision", "extend"), ("reason", "Appeal pending"),
                        ("until", "2027-01-01")
                    ], .unprocessableEntity
                ),
                (
                    [
                        ("kind", "case.closed"), ("id", id), ("decision", "delete"), ("reason", "period-over"),
                        ("note", "a deletion keeps no note")
                    ], .unprocessableEntity
                )
            ] {
                #expect(try await decide(fields).status == status, "\(fields)")
            }
            #expect(
                try await decide(
                    [("kind", "case.closed"), ("id", id), ("decision", "delete"), ("reason", "period-over")],
                    csrf: "forged"
                ).status == .forbidden)
            #expect(try await CaseStore.find(id, cipher: app.site.cipher, on: app.db) != nil, "nothing was deleted")
            #expect(try await RetentionActions.check(now: clock.now(), on: app.db).alerts == 1)

            // An extension: a reason and a date; the record leaves the list until its new notice window.
            let extended = try await decide([
                ("kind", "case.closed"), ("id", id), ("decision", "extend"),
                ("reason", "proceedings"), ("until", "2027-01-19")
            ])
            #expect(extended.status == .seeOther)
            #expect(try await officer.get("/office/retention").body.contains("retention-none"))
            #expect(try await RetentionStore.due(now: clock.now(), on: app.db).isEmpty)
            let audit = try await RetentionTests.audit("retention.extend", app)
            #expect(audit.map(\.detail) == ["until 2027-01-19: proceedings"])
            clock.advance(seconds: 58 * 86_400)
            #expect(try await RetentionActions.check(now: clock.now(), on: app.db).alerts == 1, "the new period alerts")
            clock.advance(seconds: 3 * 86_400)  // past 2027-01-19: only an expired record is deleted

            // Eight officers' clicks at once: one deletion, one audit entry.
            let outcomes = try await withThrowingTaskGroup(of: RetentionActions.Outcome.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        try await RetentionActions.erase(
                            .closedCase, id: id, decision: .delete, reason: .periodOver,
                            by: "drafter@example.org", now: clock.now(),
                            cipher: app.site.cipher, on: app.db)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .done }.count == 1)
            #expect(try await RetentionTests.audit("retention.delete", app).count == 1)
        }
    }
}
