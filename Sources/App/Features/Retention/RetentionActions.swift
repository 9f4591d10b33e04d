import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// What happens to a due record, always by a person's decision and always audited in the same transaction: the
/// audit entry keeps the kind, the record's id, who decided and why, never the record's content. The background
/// check only tells case officers (a staff alert per record and period) and purges sessions and sign-in attempts
/// past their period, auditing the counts.
enum RetentionActions {
    enum Outcome: Equatable { case done, notDue, notYetExpired }

    /// The audit entry's words: the reason's code from the fixed list, and whether a sealed note was kept. Never
    /// free text (the audit trail is kept for ever and hash-linked).
    static func detail(_ reason: RetentionReason, note: String?, until: CivilDate? = nil) -> String {
        (until.map { "until \($0): " } ?? "") + reason.rawValue + (note == nil ? "" : " (note sealed)")
    }

    static func extend(
        _ kind: RetainedKind, id: String, with ext: RetentionExtension, reason: RetentionReason,
        note: String?, by actor: String, now: Date, cipher: FieldCipher,
        checks: @escaping @Sendable (any Database) async throws -> Void = { _ in }, on db: any Database
    ) async throws -> Outcome {
        try await db.write { tx in
            try await checks(tx)
            try await lock(kind, id: id, on: tx)
            guard try await RetentionStore.find(kind, id: id, now: now, on: tx) != nil else { return .notDue }
            let row = "\(kind.rawValue):\(id)"
            try await tx.sql.insert(into: "retention_decisions")
                .columns("id", "decided_by", "decided_at", "kind", "record_id", "decision", "until", "note_sealed")
                .values(
                    row, actor, now.seconds, kind.rawValue, id, RetentionDecision.extend.rawValue, ext.seconds,
                    note.map { cipher.seal($0, in: .retentionNote, row: row) }
                )
                .onConflict(with: ["id"]) {
                    $0.set(excludedValueOf: "decided_by").set(excludedValueOf: "decided_at")
                        .set(excludedValueOf: "decision").set(excludedValueOf: "until")
                        .set(excludedValueOf: "note_sealed")
                }
                .run()
            try await audit(.extend, kind, id, detail(reason, note: note, until: ext.until), actor, now, tx)
            return .done
        }
    }

    /// Anonymises or deletes one due record. A deletion on SQLite overwrites the freed pages (`secure_delete`) and
    /// then empties the write-ahead log, so the sealed values are gone from the file too.
    static func erase(
        _ kind: RetainedKind, id: String, decision: RetentionDecision, reason: RetentionReason,
        note: String? = nil, by actor: String, now: Date, cipher: FieldCipher,
        logger: Logger? = nil, checks: @escaping @Sendable (any Database) async throws -> Void = { _ in },
        on db: any Database
    ) async throws -> Outcome {
        precondition(decision != .extend)
        guard decision == .delete || kind.anonymisable else { return .notDue }
        let sqlite = db.sql.dialect.name == "sqlite"
        // No note on an erasure (finding 10): an anonymised record is never due again, so a sealed note on it would
        // never be read nor erased, and "X asked" would keep a name in an anonymised case.
        let note: String? = nil
        let outcome: Outcome = try await db.write { tx in
            try await checks(tx)
            try await lock(kind, id: id, on: tx)
            guard let due = try await RetentionStore.find(kind, id: id, now: now, on: tx) else { return .notDue }
            guard due.erasable(now: now) else { return .notYetExpired }
            if sqlite { try await tx.sql.raw("PRAGMA secure_delete = ON").run() }
            if decision == .delete {
                try await delete(kind, id: id, on: tx)
                try await tx.sql.delete(from: "retention_decisions").where("id", .equal, "\(kind.rawValue):\(id)").run()
            } else {
                try await anonymise(kind, id: id, cipher: cipher, on: tx)
                let row = "\(kind.rawValue):\(id)"
                // When it was anonymised: a case reopened after that counts afresh from its new activity.
                try await tx.sql.insert(into: "retention_decisions")
                    .columns(
                        "id", "decided_by", "decided_at", "kind", "record_id", "decision", "until",
                        "anonymised_at", "note_sealed"
                    )
                    .values(
                        row, actor, now.seconds, kind.rawValue, id, decision.rawValue, Int64?.none, now.seconds,
                        note.map { cipher.seal($0, in: .retentionNote, row: row) }
                    )
                    .onConflict(with: ["id"]) {
                        $0.set(excludedValueOf: "decided_by").set(excludedValueOf: "decided_at")
                            .set(excludedValueOf: "decision").set(excludedValueOf: "until")
                            .set(excludedValueOf: "anonymised_at").set(excludedValueOf: "note_sealed")
                    }
                    .run()
            }
            try await audit(decision, kind, id, detail(reason, note: note), actor, now, tx)
            return .done
        }
        if outcome == .done, sqlite { try await emptyLog(db, logger: logger) }
        if outcome == .done { try await ContentVersion.bump(on: db, now: now) }
        return outcome
    }

    /// On PostgreSQL, two instances deciding on the same record at once queue here before either reads it
    /// (finding 2): the lock is held until the transaction ends, so an extension and a deletion never both pass
    /// as due. SQLite serialises writers already (one write transaction at a time).
    static func lock(_ kind: RetainedKind, id: String, on tx: any Database) async throws {
        guard tx.sql.dialect.name == "postgresql" else { return }
        try await tx.sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: kind.rawValue + ":" + id)))").run()
    }

    /// Empties the write-ahead log after an erasure; if a reader keeps it busy, the truncation is recorded as
    /// owed (`retention_checkpoint_owed`) and the 10-minute check tries it again until it succeeds (retsafe
    /// review, finding 3). Nothing else truncates the log: SQLite's own checkpoints never shrink it. A debt owed
    /// already moves its `since` on, so that a check that emptied the log before this erasure does not settle it
    /// (round 4, finding 4).
    static func emptyLog(_ db: any Database, logger: Logger?) async throws {
        guard try await !checkpoint(db) else { return }
        try await db.write { tx in
            try await tx.sql.raw(
                """
                INSERT INTO retention_checkpoint_owed (id, since) VALUES (1, \(bind: Date().seconds)) \
                ON CONFLICT (id) DO UPDATE SET since = MAX(excluded.since, retention_checkpoint_owed.since + 1)
                """
            ).run()
        }
        logger?.warning(
            """
            Retention: a reader kept the write-ahead log busy after an erasure; the erased pages stay in the \
            -wal file until it can be emptied, tried again at every retention check (every 10 minutes).
            """)
    }

    /// The owed truncation, if any (the 10-minute check): true once the log was emptied.
    @discardableResult
    static func settleOwedCheckpoint(_ db: any Database, tries: Int = 5) async throws -> Bool {
        guard db.sql.dialect.name == "sqlite" else { return true }
        struct Owed: Decodable { let since: Int64 }
        guard let owed = try await db.row("SELECT since FROM retention_checkpoint_owed", as: Owed.self) else {
            return true
        }
        // The row goes only once the log was emptied: a crash or kill in between still owes the truncation (review
        // finding 15), and only as it was read: an erasure that owed it again meanwhile moved `since` on (round 4,
        // finding 4). Its deletion then leaves only that table's page in the log, emptied again at once if it can be.
        guard try await checkpoint(db, tries: tries) else { return false }
        try await db.write { tx in
            try await tx.sql.raw("DELETE FROM retention_checkpoint_owed WHERE since = \(bind: owed.since)").run()
        }
        _ = try await checkpoint(db, tries: tries)
        return true
    }

    /// Copies the write-ahead log into the database file and empties it (`wal_checkpoint(TRUNCATE)`), so erased
    /// values are in neither file. On one connection with a short busy timeout (sqlite-nio's own busy handler
    /// waits for ever, and TRUNCATE waits holding the write lock, so every write would hang behind a reader);
    /// a reader holding an old snapshot keeps it busy: tried again for about two seconds; false if it stayed
    /// busy. `journal_size_limit = 0` keeps the emptied log at no size.
    static func checkpoint(_ db: any Database, tries: Int = 20) async throws -> Bool {
        struct Result: Decodable { let busy: Int }
        return try await db.withConnection { connection in
            let sql = connection.sql
            try await sql.raw("PRAGMA busy_timeout = 100").run()
            try await sql.raw("PRAGMA journal_size_limit = 0").run()
            var emptied = false
            do {
                for attempt in 0..<tries {
                    let result = try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").first(decoding: Result.self)
                    if result?.busy == 0 {
                        emptied = true
                        break
                    }
                    if attempt + 1 < tries { try await Task.sleep(nanoseconds: 100_000_000) }
                }
            } catch {
                try? await sql.raw("PRAGMA busy_timeout = 10000").run()
                throw error
            }
            try await sql.raw("PRAGMA busy_timeout = 10000").run()
            return emptied
        }
    }

    private static func delete(_ kind: RetainedKind, id: String, on tx: any Database) async throws {
        let sql = tx.sql
        switch kind {
        case .unverifiedReport, .closedCase: try await CaseErasure.delete(id, on: tx)
        case .callAnswer: try await sql.delete(from: "call_answers").where("id", .equal, id).run()
        case .inactiveSubscriber:
            try await sql.delete(from: "outbox").where("subscriber_id", .equal, id).run()
            try await sql.delete(from: "subscribers").where("id", .equal, id).run()
        case .partnerNote:
            try await sql.update("verifications").set("note_sealed", to: SQLLiteral.null).where("id", .equal, id).run()
        case .signIn: break
        }
        try await sql.delete(from: "staff_alerts").where("case_id", .equal, id).run()
    }

    private static func anonymise(
        _ kind: RetainedKind, id: String, cipher: FieldCipher,
        on tx: any Database
    ) async throws {
        switch kind {
        case .unverifiedReport, .closedCase: try await CaseErasure.anonymise(id, cipher: cipher, on: tx)
        case .callAnswer:
            // The answer's country, language and date stay (how many answered, from where); its words go.
            try await tx.sql.update("call_answers")
                .set("answer_sealed", to: cipher.seal("", in: .callAnswer, row: id))
                .set("who_sealed", to: cipher.seal(CaseAnonymisation.placeholder, in: .callWho, row: id))
                .set("contact_sealed", to: cipher.seal("", in: .callContact, row: id))
                .where("id", .equal, id).run()
        case .inactiveSubscriber, .signIn, .partnerNote: break
        }
    }

    private static func audit(
        _ decision: RetentionDecision, _ kind: RetainedKind, _ id: String, _ why: String,
        _ actor: String, _ now: Date, _ tx: any Database
    ) async throws {
        try await AuditLog.record(
            AuditEvent(
                actor: actor, action: "retention.\(decision.rawValue)",
                recordType: kind.rawValue, recordID: id, detail: why),
            now: now, on: tx)
    }

    /// The background check: purges sessions and sign-in attempts past their period (the counts audited), and
    /// raises one staff alert per due record and expiry date. Keyed, so two instances at once raise it once.
    @discardableResult
    static func check(now: Date, on db: any Database) async throws -> (alerts: Int, purged: Int) {
        try await settleOwedCheckpoint(db)
        let policy = try await RetentionStore.policy(on: db)
        // While a shortening is pending, the longer period it replaced still protects the evidence (finding 9).
        var days = policy.period(.signIn)
        if let waiting = policy.pending[.signIn], now.seconds < waiting.from { days = max(days, waiting.previousDays) }
        let cutoff = now.seconds - Int64(days) * 86_400
        struct N: Decodable { let n: Int }
        let sessions =
            try await db.sql.raw("SELECT COUNT(*) AS n FROM sessions WHERE last_seen_at < \(bind: cutoff)")
            .first(decoding: N.self)?.n ?? 0
        let attempts =
            try await db.sql.raw("SELECT COUNT(*) AS n FROM login_attempts WHERE at < \(bind: cutoff)")
            .first(decoding: N.self)?.n ?? 0
        if sessions + attempts > 0 {
            try await db.write { tx in
                try await tx.sql.delete(from: "sessions").where("last_seen_at", .lessThan, cutoff).run()
                try await tx.sql.delete(from: "login_attempts").where("at", .lessThan, cutoff).run()
                try await AuditLog.record(
                    AuditEvent(
                        actor: "system", action: "retention.purge",
                        recordType: RetainedKind.signIn.rawValue,
                        detail: "\(sessions) sessions, \(attempts) sign-in attempts"),
                    now: now, on: tx)
            }
        }
        struct Raised: Decodable { let subjectId: String }
        let raised = Set(
            try await db.sql.raw(
                """
                SELECT subject_id FROM staff_alerts WHERE event = \(bind: AlertEvent.retentionDue.rawValue) AND \
                user_id = ''
                """
            ).all(decoding: Raised.self, keyDecodingStrategy: .convertFromSnakeCase).map(\.subjectId))
        let fresh = try await RetentionStore.due(now: now, on: db).filter { !raised.contains(subject($0)) }
        guard !fresh.isEmpty else { return (0, sessions + attempts) }
        try await db.write { tx in
            for due in fresh.prefix(200) {
                try await StaffAlerts.raise(
                    .retentionDue, case: due.id, subject: subject(due),
                    link: RetentionRoute.due.path, now: now, on: tx)
                try await AuditLog.record(
                    AuditEvent(
                        actor: "system", action: "alert.raise",
                        recordType: due.kind.rawValue, recordID: due.id,
                        detail: AlertEvent.retentionDue.rawValue), now: now, on: tx)
            }
        }
        return (min(fresh.count, 200), sessions + attempts)
    }

    static func subject(_ due: RetentionStore.Due) -> String { "\(due.kind.rawValue):\(due.id):\(due.expiresAt)" }
}
