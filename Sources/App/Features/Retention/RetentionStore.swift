import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Reads the periods in force and finds the records that are due: for each kind, the rows whose last activity
/// is old enough that they expire within the notice window (or have expired), leaving out those anonymised and
/// applying each extension. Nothing here changes a record; see `RetentionActions` for the decisions.
enum RetentionStore {
    struct Due: Sendable, Equatable {
        let kind: RetainedKind
        let id: String
        let lastActivity: Int64
        let expiresAt: Int64
        let extended: Bool
        /// The case file a case officer opens to judge (cases only).
        var caseID: String? { kind == .unverifiedReport || kind == .closedCase ? id : nil }
    }

    static func policy(on db: any Database) async throws -> RetentionPolicy {
        struct Row: Decodable { let kind: String, days: Int }
        let rows = try await db.sql.raw("SELECT kind, days FROM retention_policies").all(decoding: Row.self)
        return RetentionPolicy(days: Dictionary(rows.compactMap { row in
            RetainedKind(rawValue: row.kind).map { ($0, row.days) }
        }, uniquingKeysWith: { first, _ in first }))
    }

    static func save(_ policy: RetentionPolicy, by actor: String, now: Date, on db: any Database) async throws {
        let before = try await self.policy(on: db)
        try await db.write { tx in
            for kind in RetainedKind.allCases where before.period(kind) != policy.period(kind) {
                try await tx.sql.insert(into: "retention_policies").columns("kind", "changed_by", "changed_at", "days")
                    .values(kind.rawValue, actor, now.seconds, policy.period(kind))
                    .onConflict(with: ["kind"]) {
                        $0.set(excludedValueOf: "days").set(excludedValueOf: "changed_by")
                            .set(excludedValueOf: "changed_at")
                    }
                    .run()
                try await AuditLog.record(AuditEvent(actor: actor, action: "retention.policy", recordType: "retention",
                                                     recordID: kind.rawValue,
                                                     detail: "\(before.period(kind)) → \(policy.period(kind)) days"),
                                          now: now, on: tx)
            }
        }
    }

    /// The candidates of one kind: id and last activity, oldest first.
    static func candidates(_ kind: RetainedKind, before cutoff: Int64, on db: any Database) async throws
        -> [(id: String, at: Int64)] {
        struct Row: Decodable { let id: String, at: Int64 }
        let query: SQLQueryString
        switch kind {
        case .unverifiedReport:
            query = """
                SELECT id, last_activity_at AS at FROM cases WHERE origin = 'report'
                AND status IN ('received', 'under-verification') AND last_activity_at <= \(bind: cutoff)
                """
        case .closedCase:
            query = """
                SELECT id, CASE WHEN status_changed_at > last_activity_at THEN status_changed_at
                ELSE last_activity_at END AS at FROM cases WHERE status = 'closed'
                AND last_activity_at <= \(bind: cutoff) AND status_changed_at <= \(bind: cutoff)
                """
        case .callAnswer:
            query = "SELECT id, created_at AS at FROM call_answers WHERE created_at <= \(bind: cutoff)"
        case .inactiveSubscriber:
            query = """
                SELECT id, updated_at AS at FROM subscribers WHERE status IN ('bounced', 'unsubscribed')
                AND updated_at <= \(bind: cutoff)
                """
        case .partnerNote:
            query = """
                SELECT id, answered_at AS at FROM verifications WHERE note_sealed IS NOT NULL
                AND answered_at IS NOT NULL AND answered_at <= \(bind: cutoff)
                """
        case .signIn:
            return []
        }
        return try await db.sql.raw("\(query) ORDER BY at, id LIMIT 500").all(decoding: Row.self).map { ($0.id, $0.at) }
    }

    struct Decision: Decodable { let recordId: String, decision: String, until: Int64? }

    static func decisions(_ kind: RetainedKind, on db: any Database) async throws -> [String: Decision] {
        let rows = try await db.sql.raw("""
            SELECT record_id, decision, until FROM retention_decisions WHERE kind = \(bind: kind.rawValue)
            """).all(decoding: Decision.self, keyDecodingStrategy: .convertFromSnakeCase)
        return Dictionary(rows.map { ($0.recordId, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every record due for a decision at `now`: expiring within its notice window or expired, not anonymised.
    static func due(now: Date, on db: any Database) async throws -> [Due] {
        let policy = try await policy(on: db)
        var result: [Due] = []
        for kind in RetainedKind.allCases where kind.decided {
            let decided = try await decisions(kind, on: db)
            for row in try await candidates(kind, before: policy.noticeCutoff(kind, now: now.seconds), on: db) {
                let decision = decided[row.id]
                if decision?.decision == RetentionDecision.anonymise.rawValue { continue }
                let until = decision?.until
                switch policy.state(kind, lastActivity: row.at, extendedUntil: until, now: now.seconds) {
                case .kept: continue
                case .dueSoon(let expires), .expired(let expires):
                    result.append(Due(kind: kind, id: row.id, lastActivity: row.at, expiresAt: expires,
                                      extended: until != nil))
                }
            }
        }
        return result.sorted { ($0.expiresAt, $0.kind.rawValue, $0.id) < ($1.expiresAt, $1.kind.rawValue, $1.id) }
    }

    /// The one record `id` of `kind` if it is due now (a decision is taken only on a due record).
    static func find(_ kind: RetainedKind, id: String, now: Date, on db: any Database) async throws -> Due? {
        try await due(now: now, on: db).first { $0.kind == kind && $0.id == id }
    }
}
