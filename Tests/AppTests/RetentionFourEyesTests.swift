import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The attacks of the retsafe review on retention (findings 1, 2, 9 and 10), through the running app on both
/// engines.
@Suite struct RetentionFourEyesTests {
    static let now = RetentionTests.now
    static func ago(_ days: Int64) -> Int64 { now.seconds - days * 86_400 }

    /// Finding 1: one administrator alone shortens closed cases to a day, confirms it herself, and waits. Nothing
    /// changes until a second administrator confirms; a proposal can be withdrawn; each step is audited.
    @Test(arguments: Engine.all)
    func oneAdministratorAloneCannotShortenAPeriod(_ engine: Engine) async throws {
        let clock = MutableClock(Self.now)
        try await withApp(engine, clock: clock) { app in
            // setup: a closed case last active 400 days ago, kept under the ten-year default.
            try await RetentionSafeguardTests.closedCase("case-old", at: Self.ago(400), app)
            let rogue = try await StaffAlertTests.person("rogue@example.org", [.administrator], app, clock: clock)
            let other = try await StaffAlertTests.person("other@example.org", [.administrator], app, clock: clock)
            try await rogue.get("/office/retention/periods")
            try await other.get("/office/retention/periods")
            // act: propose, confirm one's own proposal, then wait two months.
            let proposed = try await rogue.post("/office/retention/periods", [("case.closed", "1")])
            let ownConfirm = try await rogue.post("/office/retention/periods/confirm", [("kind", "case.closed")])
            let rogueView = try await rogue.get("/office/retention/periods").body
            let otherView = try await other.get("/office/retention/periods").body
            let later = Self.now.addingTimeInterval(60 * 86_400)
            let waited = try await RetentionActions.erase(
                .closedCase, id: "case-old", decision: .delete, reason: .periodOver, by: "rogue@example.org",
                now: later, cipher: app.site.cipher, on: app.db)
            // assert: the period in force stays; only another administrator may confirm.
            #expect(proposed.status == .seeOther)
            #expect(ownConfirm.status == .forbidden)
            #expect(try await RetentionStore.policy(on: app.db) == RetentionPolicy(), "the ten years stay")
            #expect(waited == .notDue, "60 days on, the case is not even due")
            #expect(rogueView.contains("awaiting a second administrator"))
            #expect(!rogueView.contains("/office/retention/periods/confirm"), "no confirm button for the proposer")
            #expect(otherView.contains("/office/retention/periods/confirm"), "every other administrator sees it")
            #expect(otherView.contains("rogue@example.org"))
            // Withdrawn: nothing left to confirm.
            let withdrawn = try await other.post("/office/retention/periods/withdraw", [("kind", "case.closed")])
            let lateConfirm = try await other.post("/office/retention/periods/confirm", [("kind", "case.closed")])
            #expect(withdrawn.status == .seeOther && lateConfirm.status == .notFound)
            #expect(try await RetentionStore.proposals(on: app.db).isEmpty)
            // Proposed again and confirmed by the other: scheduled as any shortening (the old notice window).
            try await rogue.post("/office/retention/periods", [("case.closed", "1")])
            let confirmed = try await other.post("/office/retention/periods/confirm", [("kind", "case.closed")])
            #expect(confirmed.status == .seeOther)
            let policy = try await RetentionStore.policy(on: app.db)
            #expect(policy.period(.closedCase) == 1)
            #expect(policy.pending[.closedCase]?.from == Self.now.seconds + 30 * 86_400)
            // A longer period still applies at once, by one administrator.
            try await rogue.post("/office/retention/periods", [("case.closed", "4000")])
            #expect(try await RetentionStore.policy(on: app.db).period(.closedCase) == 4_000)
            #expect(try await RetentionStore.proposals(on: app.db).isEmpty)
            let trail = try await app.db.sql.raw(
                """
                SELECT action, actor FROM audit_log WHERE action LIKE 'retention.%' ORDER BY sequence
                """
            ).all(decoding: Step.self)
            #expect(
                trail
                    == [
                        Step(action: "retention.propose", actor: "rogue@example.org"),
                        Step(action: "retention.withdraw", actor: "other@example.org"),
                        Step(action: "retention.propose", actor: "rogue@example.org"),
                        Step(action: "retention.confirm", actor: "other@example.org"),
                        Step(action: "retention.policy", actor: "other@example.org"),
                        Step(action: "retention.policy", actor: "rogue@example.org")
                    ])
        }
    }

    struct Step: Decodable, Equatable { let action: String, actor: String }

    /// Finding 2: dozens of extensions and deletions of the same records at once (on PostgreSQL over several
    /// connections, as two instances would). Each record gets exactly one decision, and a deleted record leaves
    /// no extension behind.
    @Test(arguments: Engine.all)
    func concurrentExtensionsAndDeletionsDecideEachRecordOnce(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: eight closed cases, expired under a 30-day period.
            let ids = (0..<8).map { "case-\($0)" }
            for id in ids { try await RetentionSafeguardTests.closedCase(id, at: Self.ago(40), app) }
            try await RetentionStore.save(
                RetentionPolicy(days: [.closedCase: 30]), by: "a", now: RetentionTests.policySaved, on: app.db)
            let today = CivilDate(daysSinceEpoch: Int(Self.now.seconds / 86_400))
            let until = CivilDate(daysSinceEpoch: today.daysSinceEpoch + 200)
            guard
                case .success(let ext) = RetentionExtension.parse(
                    reason: "proceedings", until: "\(until)", today: today)
            else {
                Issue.record("extension refused")
                return
            }
            let cipher = app.site.cipher, db = app.db
            // On PostgreSQL each decision skips the in-process gate, as decisions on two instances would.
            let instances = engine == .postgres
            // act: 48 decisions at once, three extensions and three deletions per record.
            let outcomes = try await withThrowingTaskGroup(of: (String, RetentionActions.Outcome).self) { group in
                for id in ids {
                    for round in 0..<6 {
                        group.addTask {
                            try await WriteGate.$held.withValue(instances) {
                                if round % 2 == 0 {
                                    return (
                                        id,
                                        try await RetentionActions.extend(
                                            .closedCase, id: id, with: ext, reason: .proceedings, note: nil,
                                            by: "officer-\(round)", now: Self.now, cipher: cipher, on: db)
                                    )
                                }
                                return (
                                    id,
                                    try await RetentionActions.erase(
                                        .closedCase, id: id, decision: .delete, reason: .periodOver,
                                        by: "officer-\(round)", now: Self.now, cipher: cipher, on: db)
                                )
                            }
                        }
                    }
                }
                var all: [(String, RetentionActions.Outcome)] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            // assert
            struct Id: Decodable { let id: String }
            let kept = Set(try await app.db.sql.raw("SELECT id FROM cases").all(decoding: Id.self).map(\.id))
            struct Decided: Decodable { let recordId: String }
            let decided = Set(
                try await app.db.sql.raw("SELECT record_id FROM retention_decisions")
                    .all(decoding: Decided.self, keyDecodingStrategy: .convertFromSnakeCase).map(\.recordId))
            for id in ids {
                let done = outcomes.filter { $0.0 == id && $0.1 == .done }.count
                #expect(done == 1, "\(id): exactly one decision, not \(done)")
                #expect(kept.contains(id) == decided.contains(id), "\(id): kept and extended, or deleted and gone")
                let audited = try await app.db.sql.raw(
                    """
                    SELECT action, actor FROM audit_log WHERE record_id = \(bind: id)
                    AND action IN ('retention.extend', 'retention.delete')
                    """
                ).all(decoding: Step.self)
                #expect(audited.count == 1, "\(id): the audit trail says one thing")
            }
        }
    }

    /// Finding 9: a rogue administrator's shortened sign-in period (even once confirmed) does not purge the
    /// sign-in evidence before the old period's notice window has passed.
    @Test(arguments: Engine.all)
    func theSignInPurgeWaitsForAPendingShortening(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await app.db.sql.raw(
                "INSERT INTO login_attempts (key, at) VALUES ('account:x', \(bind: Self.ago(5)))"
            ).run()
            try await RetentionStore.save(
                RetentionPolicy(days: [.signIn: 1]), by: "a", now: Self.now, on: app.db)
            let soon = try await RetentionActions.check(now: Self.now.addingTimeInterval(600), on: app.db)
            #expect(soon.purged == 0, "the 30 days still apply while the shortening is pending")
            let past = try await RetentionActions.check(now: Self.now.addingTimeInterval(4 * 86_400), on: app.db)
            #expect(past.purged == 1, "once the notice window is over the new period applies")
        }
    }
}
