import Fluent
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import ObservatoryCore
import SQLKit
import SQLiteKit
import Testing
import Vapor

@testable import App

/// The attacks of the review of issue 20 on retention (findings 4, 5, 6 and 15, and the kit copy of finding 2),
/// each tried through the running app on both engines where storage is involved.
@Suite struct RetentionSafeguardTests {
    static let now = RetentionTests.now
    static func ago(_ days: Int64) -> Int64 { now.seconds - days * 86_400 }

    /// A bare closed case inserted directly (fast), last active and closed at `at`.
    static func closedCase(_ id: String, at: Int64, _ app: Application, on db: (any Database)? = nil) async throws {
        try await (db ?? app.db).sql.raw(
            """
            INSERT INTO cases (id, status, country_code, risk_level, origin, label_sealed, notes_sealed, opened_at,
            status_changed_at, last_activity_at) VALUES (\(bind: id), 'closed', 'MX', 'high', 'office',
            \(bind: app.site.cipher.seal("—", in: .caseLabel, row: id)),
            \(bind: app.site.cipher.seal("", in: .caseNotes, row: id)), \(bind: at), \(bind: at), \(bind: at))
            """
        ).run()
    }

    /// Finding 4: more anonymised records of a kind than a page holds (they sort first, being older) used to hide
    /// every new due record; a case reopened and closed again after its anonymisation counts afresh.
    @Test(arguments: Engine.all)
    func manyAnonymisedRecordsNeverHideANewDueOne(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: 620 anonymised closed cases, 100 days old, anonymised 50 days ago.
            let sql = app.db.sql
            try await RetentionStore.save(
                RetentionPolicy(days: [.closedCase: 30]), by: "a",
                now: RetentionTests.policySaved, on: app.db)
            try await app.db.write { tx in
                for n in 0..<620 {
                    let id = String(format: "case-anon-%04d", n)
                    try await Self.closedCase(id, at: Self.ago(100), app, on: tx)
                    try await tx.sql.raw(
                        """
                        INSERT INTO retention_decisions (id, decided_by, decided_at, kind, record_id, decision,
                        anonymised_at) VALUES (\(bind: "case.closed:" + id), 'a', \(bind: Self.ago(50)), 'case.closed',
                        \(bind: id), 'anonymise', \(bind: Self.ago(50)))
                        """
                    ).run()
                }
            }
            try await Self.closedCase("case-new-due", at: Self.ago(40), app)
            // One anonymised 60 days ago, then reopened and closed again 35 days ago.
            try await Self.closedCase("case-reopened", at: Self.ago(90), app)
            try await sql.raw(
                """
                INSERT INTO retention_decisions (id, decided_by, decided_at, kind, record_id, decision, anonymised_at)
                VALUES ('case.closed:case-reopened', 'a', \(bind: Self.ago(60)), 'case.closed', 'case-reopened',
                'anonymise', \(bind: Self.ago(60)))
                """
            ).run()
            try await sql.raw(
                """
                UPDATE cases SET status_changed_at = \(bind: Self.ago(35)) WHERE id = 'case-reopened'
                """
            ).run()
            let team = try await CaseTeam.make(app)
            // act
            let page = try await team.drafter.get("/office/retention")
            let due = try await RetentionStore.due(now: Self.now, on: app.db)
            // assert
            #expect(page.status == .ok)
            #expect(page.body.contains("id=\"due-case.closed-case-new-due\""), "the new due record is listed")
            #expect(page.body.contains("id=\"due-case.closed-case-reopened\""), "reopened and closed: due again")
            #expect(!page.body.contains("case-anon-"), "no anonymised record is listed")
            #expect(Set(due.map(\.id)) == ["case-new-due", "case-reopened"])
            #expect(try await RetentionActions.check(now: Self.now, on: app.db).alerts == 2)
            let dashboard = try await team.drafter.get("/office/cases").body
            #expect(
                dashboard.contains(
                    "id=\"retention-due-link\">Records at the end of their retention period</a> "
                        + "<strong>2"))
        }
    }

    /// Finding 5: the audit trail is kept for ever; a name typed as the reason must not reach it. The reason is
    /// one of a fixed list; a note is sealed on the decision.
    @Test(arguments: Engine.all)
    func aNameInTheReasonNeverReachesTheAuditTrail(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let fixture = try await RetentionFixture.make(app, now: RetentionTests.fortyDaysAgo, closed: true)
            let other = try await RetentionFixture.make(app, now: RetentionTests.fortyDaysAgo, closed: true)
            try await RetentionStore.save(
                RetentionPolicy(days: [.closedCase: 30]), by: "a",
                now: RetentionTests.policySaved, on: app.db)
            let team = try await CaseTeam.make(app)
            func decide(_ id: String, _ fields: [(String, String)]) async throws -> TestBrowser.Page {
                try await team.drafter.post("/office/retention/decide", [("kind", "case.closed"), ("id", id)] + fields)
            }
            let canary = "Name \(fixture.canary)"
            let page = try await team.drafter.get("/office/retention").body
            #expect(page.contains("<select name=\"reason\" required><option value=\"period-over\">"))
            // act: free text as the reason, for each decision; then a listed reason with the name in the note.
            var refused: [HTTPStatus] = []
            for decision in ["extend", "anonymise", "delete"] {
                refused.append(
                    try await decide(
                        fixture.caseID,
                        [
                            ("decision", decision), ("reason", canary),
                            ("until", "2027-06-30")
                        ]
                    ).status)
            }
            let extended = try await decide(
                other.caseID,
                [
                    ("decision", "extend"), ("reason", "proceedings"),
                    ("until", "2027-06-30"), ("note", "Hearing of \(canary)")
                ])
            let anonymised = try await decide(
                fixture.caseID,
                [
                    ("decision", "anonymise"), ("reason", "period-over"),
                    ("note", "Asked by \(canary)")
                ])
            // assert
            #expect(refused == [.unprocessableEntity, .unprocessableEntity, .unprocessableEntity])
            #expect(extended.status == .seeOther && anonymised.status == .seeOther)
            struct Detail: Decodable { let detail: String }
            let details = try await app.db.sql.raw("SELECT detail FROM audit_log").all(decoding: Detail.self)
            #expect(!details.contains { $0.detail.contains(fixture.canary) }, "the name is not in the audit trail")
            #expect(try await RetentionFixture.tables(holding: canary, app).isEmpty, "nowhere in clear")
            #expect(
                try await RetentionTests.audit("retention.anonymise", app).map(\.detail)
                    == ["period-over"], "retsafe finding 10: an anonymisation keeps no note")
            #expect(
                try await RetentionTests.audit("retention.extend", app).map(\.detail)
                    == ["until 2027-06-30: proceedings (note sealed)"])
            struct Note: Decodable { let id: String, noteSealed: String }
            let notes = try await app.db.sql.raw(
                """
                SELECT id, note_sealed FROM retention_decisions WHERE note_sealed IS NOT NULL ORDER BY id
                """
            ).all(decoding: Note.self, keyDecodingStrategy: .convertFromSnakeCase)
            let opened = try notes.map {
                try app.site.cipher.open($0.noteSealed, in: .retentionNote, row: $0.id).reveal()
            }
            #expect(opened == ["Hearing of \(canary)"], "the extension's note is kept, sealed; none on anonymise")
        }
    }

    /// Finding 15: one administrator shortens the period of closed cases to a day and one officer deletes every
    /// closed case at once. The shortened period waits for the old notice window; a record due soon is only
    /// extendable; officers see the records as due soon all that time.
    @Test(arguments: Engine.all)
    func aShortenedPeriodCannotDeleteEveryClosedCaseAtOnce(_ engine: Engine) async throws {
        let clock = MutableClock(Self.now)
        try await withApp(engine, clock: clock) { app in
            // setup: a closed case, active 400 days ago, kept under the ten-year default.
            let fixture = try await RetentionFixture.make(
                app,
                now: Date(
                    timeIntervalSince1970: TimeInterval(
                        Self.ago(400))), closed: true)
            let admin = try await StaffAlertTests.person("admin@example.org", [.administrator], app, clock: clock)
            let officer = try await StaffAlertTests.person("drafter@example.org", [.caseOfficer], app, clock: clock)
            try await admin.get("/office/retention/periods")
            try await officer.get("/office/retention")
            // act: shortened to one day, then deleted at once.
            let saved = try await admin.post("/office/retention/periods", [("case.closed", "1")])
            // A second administrator confirms it (retsafe finding 1).
            let second = try await StaffAlertTests.person("second@example.org", [.administrator], app, clock: clock)
            try await second.get("/office/retention/periods")
            let confirmed = try await second.post(
                "/office/retention/periods/confirm", try await RetentionFourEyesTests.pinned("case.closed", app))
            #expect(confirmed.status == .seeOther)
            let deleteNow = try await officer.post(
                "/office/retention/decide",
                [
                    ("kind", "case.closed"), ("id", fixture.caseID), ("decision", "delete"), ("reason", "period-over")
                ])
            let anonymiseNow = try await officer.post(
                "/office/retention/decide",
                [
                    ("kind", "case.closed"), ("id", fixture.caseID), ("decision", "anonymise"),
                    ("reason", "period-over")
                ])
            let periods = try await admin.get("/office/retention/periods").body
            // A period saved meanwhile does not bring the date nearer.
            clock.advance(seconds: 10 * 86_400)
            let policy = try await RetentionStore.policy(on: app.db)
            try await RetentionStore.save(
                RetentionPolicy(days: [.closedCase: 2]), by: "a", now: clock.now(),
                on: app.db)
            let waited = try await RetentionActions.erase(
                .closedCase, id: fixture.caseID, decision: .delete,
                reason: .periodOver, by: "drafter@example.org",
                now: clock.now().addingTimeInterval(19 * 86_400),
                cipher: app.site.cipher, on: app.db)
            // assert
            #expect(saved.status == .seeOther)
            #expect(deleteNow.status == .conflict && anonymiseNow.status == .conflict)
            #expect(deleteNow.body.contains("has not expired"))
            #expect(try await CaseStore.find(fixture.caseID, cipher: app.site.cipher, on: app.db) != nil)
            #expect(policy.period(.closedCase) == 1)
            let from = try #require(policy.pending[.closedCase]?.from)
            #expect(from == Self.now.seconds + 30 * 86_400, "the old period's notice window: 30 days")
            #expect(try await RetentionStore.policy(on: app.db).pending[.closedCase]?.from ?? 0 >= from)
            #expect(waited == .notYetExpired, "29 days on, still not deletable")
            #expect(periods.contains("Shortened: no record expires under the new period before"))
            let due = try await RetentionStore.due(now: Self.now, on: app.db)
            #expect(due.map(\.id) == [fixture.caseID], "told at once, as due soon")
            #expect(
                try await RetentionStore.find(.closedCase, id: fixture.caseID, now: Self.now, on: app.db)?
                    .erasable(now: Self.now) == false)
            // Past the window the record can be decided, as any expired one.
            let later = Self.now.addingTimeInterval(31 * 86_400)
            #expect(
                try await RetentionActions.erase(
                    .closedCase, id: fixture.caseID, decision: .delete,
                    reason: .periodOver, by: "drafter@example.org", now: later,
                    cipher: app.site.cipher, on: app.db) == .done)
            // A longer period applies at once.
            try await RetentionStore.save(
                RetentionPolicy(days: [.closedCase: 5_000]), by: "a", now: later,
                on: app.db)
            #expect(try await RetentionStore.policy(on: app.db).period(.closedCase) == 5_000)
        }
    }

    /// Finding 2, second half: a mission kit's local copy has no retention: no page, no decision, no due count.
    @Test func aKitCopyHasNoRetention() async throws {
        let place = KitOffline.Place(dir: MissionKitExportTests.scratch().path + "/laptop")
        let local = KitOffline.localConfig(
            AppConfig(
                storage: .sqlite(path: ":memory:"), demo: false, newDays: 7,
                pageCache: false, changePollSeconds: 0), place)
        #expect(local.retention == false)
        try await withApp(.sqlite, adjust: { $0.retention = false }) { app in
            let fixture = try await RetentionFixture.make(app, now: RetentionTests.fortyDaysAgo, closed: true)
            try await RetentionStore.save(
                RetentionPolicy(days: [.closedCase: 30]), by: "a",
                now: RetentionTests.policySaved, on: app.db)
            let team = try await CaseTeam.make(app)
            for path in ["/office/retention", "/office/retention/periods"] {
                let page = try await team.drafter.get(path)
                #expect(page.status == .notFound || page.status == .forbidden, "\(path): \(page.status)")
            }
            let decided = try await team.drafter.post(
                "/office/retention/decide",
                [
                    ("kind", "case.closed"), ("id", fixture.caseID), ("decision", "delete"), ("reason", "period-over")
                ])
            #expect(decided.status == .notFound || decided.status == .forbidden)
            let dashboard = try await team.drafter.get("/office/cases")
            #expect(dashboard.status == .ok && !dashboard.body.contains("retention-due-link"))
            #expect(try await CaseStore.find(fixture.caseID, cipher: app.site.cipher, on: app.db) != nil)
        }
    }

    /// Finding 6: every SQLite connection overwrites what it deletes, and a checkpoint that a reader keeps busy is
    /// reported, tried again and, once the reader is gone, empties the log: the erased values are in neither file.
    @Test func anErasureLeavesNothingInTheFileNorTheLogAndABusyCheckpointIsSeen() async throws {
        let file = NSTemporaryDirectory() + "retention-wal-\(UUID().uuidString).sqlite"
        defer { for s in ["", "-wal", "-shm", ".key"] { try? FileManager.default.removeItem(atPath: file + s) } }
        try await withApp(.sqlite, sqliteFile: file) { app in
            // setup
            let loops = Array(app.eventLoopGroup.makeIterator())
            let pools = loops.compactMap {
                app.databases.database(.sqlite, logger: app.logger, on: $0) as? any SQLiteDatabase
            }
            struct On: Decodable { let secureDelete: Int }
            for pool in pools {
                let row = try await (pool as! any Database).sql.raw("PRAGMA secure_delete")
                    .first(decoding: On.self, keyDecodingStrategy: .convertFromSnakeCase)
                #expect(row?.secureDelete == 1, "secure_delete on every connection")
            }
            let fixture = try await RetentionFixture.make(app, now: RetentionTests.fortyDaysAgo, closed: true)
            try await RetentionStore.save(
                RetentionPolicy(days: [.closedCase: 30]), by: "a",
                now: RetentionTests.policySaved, on: app.db)
            struct Sealed: Decodable { let nameSealed: String }
            let name = try #require(
                try await app.db.sql.raw(
                    """
                    SELECT name_sealed FROM case_people WHERE id = \(bind: fixture.personID)
                    """
                ).first(decoding: Sealed.self, keyDecodingStrategy: .convertFromSnakeCase)
            ).nameSealed
            // A reader holding a snapshot on one connection keeps another's checkpoint busy.
            if pools.count >= 2 {
                let writer = pools[0] as! any Database, reader = pools[1]
                // No short busy timeout set here (retsafe finding 3): the checkpoint sets its own.
                let release = loops[1].makePromise(of: Void.self)
                let started = loops[1].makePromise(of: Void.self)
                let held = reader.withConnection { connection in
                    connection.query("BEGIN", []).flatMap { _ in connection.query("SELECT COUNT(*) FROM cases", []) }
                        .flatMap { _ in
                            started.succeed(()); return release.futureResult
                        }
                        .flatMap { connection.query("COMMIT", []).map { _ in } }
                }
                try await started.futureResult.get()
                try await writer.sql.raw("UPDATE cases SET notes_sealed = notes_sealed").run()
                #expect(try await RetentionActions.checkpoint(writer, tries: 2) == false, "busy is seen, not ignored")
                // The truncation is owed, and the check retries it (and owes it again while the reader stays).
                try await RetentionActions.emptyLog(writer, logger: nil)
                struct N: Decodable { let n: Int }
                let owed = "SELECT COUNT(*) AS n FROM retention_checkpoint_owed"
                #expect(try await writer.sql.raw("\(unsafeRaw: owed)").first(decoding: N.self)?.n == 1)
                // Owed again by a later erasure, in the same second: its debt is a new one, which a check that
                // read the first cannot settle (round 4, finding 4).
                struct Since: Decodable { let since: Int64 }
                let first = try await writer.row("SELECT since FROM retention_checkpoint_owed", as: Since.self)
                try await RetentionActions.emptyLog(writer, logger: nil)
                let second = try await writer.row("SELECT since FROM retention_checkpoint_owed", as: Since.self)
                #expect(try #require(second?.since) > (try #require(first?.since)))
                #expect(try await RetentionActions.settleOwedCheckpoint(writer, tries: 1) == false)
                #expect(try await writer.sql.raw("\(unsafeRaw: owed)").first(decoding: N.self)?.n == 1)
                release.succeed(())
                try await held.get()
                #expect(try await RetentionActions.settleOwedCheckpoint(writer) == true, "what the check calls first")
                #expect(try await writer.sql.raw("\(unsafeRaw: owed)").first(decoding: N.self)?.n == 0)
                let wal = (try? FileManager.default.attributesOfItem(atPath: file + "-wal")[.size] as? Int) ?? 0
                #expect(wal == 0, "the check emptied the log: \(wal) bytes")
                #expect(try await RetentionActions.checkpoint(writer, tries: 2) == true)
            }
            // act
            let outcome = try await RetentionActions.erase(
                .closedCase, id: fixture.caseID, decision: .delete,
                reason: .periodOver, by: "drafter@example.org",
                now: Self.now, cipher: app.site.cipher,
                logger: app.logger, on: app.db)
            // assert
            #expect(outcome == .done)
            for suffix in ["", "-wal"] {
                let bytes = FileManager.default.contents(atPath: file + suffix) ?? Data()
                #expect(bytes.range(of: Data(name.utf8)) == nil, "the sealed name is gone from \(suffix)")
                #expect(bytes.range(of: Data(fixture.canary.utf8)) == nil)
            }
        }
    }
}
