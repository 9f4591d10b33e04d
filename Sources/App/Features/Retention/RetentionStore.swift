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
        /// Only an expired record may be anonymised or deleted; one due soon may only be extended (finding 15).
        func erasable(now: Date) -> Bool { expiresAt <= now.seconds }
    }

    static func policy(on db: any Database) async throws -> RetentionPolicy {
        struct Row: Decodable { let kind: String, days: Int, previousDays: Int?, effectiveFrom: Int64? }
        let rows = try await db.sql.raw(
            """
            SELECT kind, days, previous_days, effective_from FROM retention_policies
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        var days: [RetainedKind: Int] = [:], pending: [RetainedKind: RetentionPolicy.Pending] = [:]
        for row in rows {
            guard let kind = RetainedKind(rawValue: row.kind) else { continue }
            days[kind] = row.days
            if let previous = row.previousDays, let from = row.effectiveFrom {
                pending[kind] = .init(previousDays: previous, from: from)
            }
        }
        return RetentionPolicy(days: days, pending: pending)
    }

    /// Saves the administrators' periods: a longer one applies at once, a shorter one only once the notice window
    /// of the period it replaces has passed (`RetentionPolicy.scheduling`); the audit entry says from when.
    static func save(_ policy: RetentionPolicy, by actor: String, now: Date, on db: any Database) async throws {
        try await db.write { tx in try await apply(policy, by: actor, now: now, on: tx) }
    }

    /// A shortening proposed by one administrator, waiting for another (finding 1 of the retsafe review).
    struct Proposal: Decodable, Equatable, Sendable {
        let kind: String, days: Int, proposedBy: String, proposedAt: Int64
    }

    static func proposals(on db: any Database) async throws -> [RetainedKind: Proposal] {
        let rows = try await db.sql.raw("SELECT kind, days, proposed_by, proposed_at FROM retention_proposals")
            .all(decoding: Proposal.self, keyDecodingStrategy: .convertFromSnakeCase)
        return Dictionary(
            rows.compactMap { row in RetainedKind(rawValue: row.kind).map { ($0, row) } },
            uniquingKeysWith: { first, _ in first })
    }

    /// What an administrator's form does: a longer (or equal) period applies at once; a shorter one is only
    /// proposed (shown to every administrator on the periods page), and the period in force stays until a second
    /// administrator confirms it (four eyes, as for interventions and publications). True if anything was proposed.
    @discardableResult
    static func submit(
        _ policy: RetentionPolicy, by actor: String, now: Date, on db: any Database
    ) async throws
        -> Bool
    {
        try await db.write { tx in
            let before = try await self.policy(on: tx)
            var lengthened = before, proposed: [RetainedKind] = []
            for kind in RetainedKind.allCases where policy.period(kind) != before.period(kind) {
                if policy.period(kind) > before.period(kind) {
                    lengthened.days[kind] = policy.period(kind)
                    continue
                }
                try await tx.sql.insert(into: "retention_proposals")
                    .columns("kind", "days", "proposed_by", "proposed_at")
                    .values(kind.rawValue, policy.period(kind), actor, now.seconds)
                    .onConflict(with: ["kind"]) {
                        $0.set(excludedValueOf: "days").set(excludedValueOf: "proposed_by")
                            .set(excludedValueOf: "proposed_at")
                    }
                    .run()
                try await AuditLog.record(
                    AuditEvent(
                        actor: actor, action: "retention.propose", recordType: "retention", recordID: kind.rawValue,
                        detail: "\(before.period(kind)) → \(policy.period(kind)) days, awaiting a second "
                            + "administrator"),
                    now: now, on: tx)
                proposed.append(kind)
            }
            try await apply(lengthened, by: actor, now: now, on: tx)
            return !proposed.isEmpty
        }
    }

    enum Confirmation: Equatable {
        case done, none, ownProposal
        /// The proposal is no longer the one the confirming administrator was shown (review r3, finding 2).
        case changed
        /// The confirming account was set up, or taken over, after the proposal (review r3, finding 1).
        case tooRecent(SecondAdministrator.Refusal)
    }

    /// A second administrator confirms a proposed shortening: from then on it is scheduled as any shortening (no
    /// record expires under it before the old period's notice window). Whoever proposed it cannot confirm it, nor
    /// can an account created, reset or made administrator after it (`SecondAdministrator`). `days` and
    /// `proposedAt` are the proposal as the page showed it: if it was proposed again since, nothing changes.
    static func confirm(
        _ kind: RetainedKind, days: Int?, proposedAt: Int64?, by account: Account, session: String?, now: Date,
        on db: any Database
    ) async throws
        -> Confirmation
    {
        let actor = account.email
        return try await db.write { tx in
            // The asking session still lives (review r9, finding 5): one ended by a set from a link confirms nothing.
            guard try await SessionStore.isLive(session, on: tx) else { throw SessionStore.ended }
            guard let proposal = try await proposals(on: tx)[kind] else { return .none }
            guard proposal.days == days, proposal.proposedAt == proposedAt else { return .changed }
            guard proposal.proposedBy.lowercased() != actor.lowercased() else { return .ownProposal }
            if let refusal = try await SecondAdministrator.refusal(account.id, for: proposal, on: tx) {
                return .tooRecent(refusal)
            }
            // Only the proposal read (on PostgreSQL a re-proposal committed meanwhile no longer matches).
            struct Kind: Decodable { let kind: String }
            let taken = try await tx.sql.raw(
                """
                DELETE FROM retention_proposals WHERE kind = \(bind: kind.rawValue) AND days = \(bind: proposal.days)
                AND proposed_at = \(bind: proposal.proposedAt) RETURNING kind
                """
            ).all(decoding: Kind.self)
            guard !taken.isEmpty else { return .changed }
            var next = try await self.policy(on: tx)
            next.days[kind] = proposal.days
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "retention.confirm", recordType: "retention", recordID: kind.rawValue,
                    detail: "period in days: \(proposal.days), proposed by \(proposal.proposedBy)"),
                now: now, on: tx)
            try await apply(next, by: actor, now: now, on: tx)
            return .done
        }
    }

    /// Any administrator (the proposer too) withdraws a proposed shortening; the period in force stays.
    @discardableResult
    static func withdraw(_ kind: RetainedKind, by actor: String, now: Date, on db: any Database) async throws -> Bool {
        try await db.write { tx in
            guard let proposal = try await proposals(on: tx)[kind] else { return false }
            try await tx.sql.delete(from: "retention_proposals").where("kind", .equal, kind.rawValue).run()
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "retention.withdraw", recordType: "retention", recordID: kind.rawValue,
                    detail: "period in days: \(proposal.days), proposed by \(proposal.proposedBy)"),
                now: now, on: tx)
            return true
        }
    }

    private static func apply(
        _ policy: RetentionPolicy, by actor: String, now: Date, on tx: any Database
    )
        async throws
    {
        do {
            let before = try await self.policy(on: tx)
            let next = before.scheduling(policy, now: now.seconds)
            for kind in RetainedKind.allCases where before.period(kind) != next.period(kind) {
                let waiting = next.pending[kind]
                try await tx.sql.insert(into: "retention_policies")
                    .columns("kind", "changed_by", "changed_at", "days", "previous_days", "effective_from")
                    .values(
                        kind.rawValue, actor, now.seconds, next.period(kind), waiting?.previousDays,
                        waiting?.from
                    )
                    .onConflict(with: ["kind"]) {
                        $0.set(excludedValueOf: "days").set(excludedValueOf: "changed_by")
                            .set(excludedValueOf: "changed_at").set(excludedValueOf: "previous_days")
                            .set(excludedValueOf: "effective_from")
                    }
                    .run()
                let from = waiting.map {
                    ", no record expires before \(CivilDate(daysSinceEpoch: Int($0.from / 86_400)))"
                }
                let change = "\(before.period(kind)) → \(next.period(kind)) days"
                try await AuditLog.record(
                    AuditEvent(
                        actor: actor, action: "retention.policy", recordType: "retention",
                        recordID: kind.rawValue, detail: change + (from ?? "")),
                    now: now, on: tx)
            }
        }
    }

    /// One page of the records of `kind` due for notice at `now` (oldest first, after the key `after`), filtered
    /// in SQL: last activity before the cutoff, not anonymised since that activity, not extended past the notice
    /// window. Every row returned is due, so a page is never filled by records that are not (finding 4).
    static func candidates(
        _ kind: RetainedKind, policy: RetentionPolicy, now: Int64, id: String? = nil,
        after: (at: Int64, id: String)? = nil, limit: Int = pageSize,
        on db: any Database
    ) async throws -> [(id: String, at: Int64, until: Int64?)] {
        struct Row: Decodable { let id: String, at: Int64, until: Int64? }
        let cutoff = policy.noticeCutoff(kind, now: now)
        let inner: SQLQueryString
        switch kind {
        case .unverifiedReport:
            inner = """
                SELECT id, last_activity_at AS at FROM cases WHERE origin = 'report'
                AND status IN ('received', 'under-verification') AND last_activity_at <= \(bind: cutoff)
                """
        case .closedCase:
            inner = """
                SELECT id, CASE WHEN status_changed_at > last_activity_at THEN status_changed_at
                ELSE last_activity_at END AS at FROM cases WHERE status = 'closed'
                AND last_activity_at <= \(bind: cutoff) AND status_changed_at <= \(bind: cutoff)
                """
        case .callAnswer:
            inner = "SELECT id, created_at AS at FROM call_answers WHERE created_at <= \(bind: cutoff)"
        case .inactiveSubscriber:
            inner = """
                SELECT id, updated_at AS at FROM subscribers WHERE status IN ('bounced', 'unsubscribed')
                AND updated_at <= \(bind: cutoff)
                """
        case .partnerNote:
            inner = """
                SELECT id, answered_at AS at FROM verifications WHERE note_sealed IS NOT NULL
                AND answered_at IS NOT NULL AND answered_at <= \(bind: cutoff)
                """
        case .signIn:
            return []
        }
        var query: SQLQueryString = """
            SELECT r.id, r.at, d.until FROM (\(inner)) r LEFT JOIN retention_decisions d
            ON d.kind = \(bind: kind.rawValue) AND d.record_id = r.id
            WHERE (d.anonymised_at IS NULL OR d.anonymised_at < r.at)
            AND (d.until IS NULL OR d.until <= \(bind: policy.extensionCutoff(kind, now: now)))
            """
        if let id { query = query + " AND r.id = \(bind: id)" }
        if let after {
            query = query + " AND (r.at > \(bind: after.at) OR (r.at = \(bind: after.at) AND r.id > \(bind: after.id)))"
        }
        query = query + " ORDER BY r.at, r.id LIMIT \(literal: limit)"
        return try await db.sql.raw(query).all(decoding: Row.self).map { ($0.id, $0.at, $0.until) }
    }

    static let pageSize = 500

    struct Decision: Decodable { let recordId: String, decision: String, until: Int64? }

    static func decisions(_ kind: RetainedKind, on db: any Database) async throws -> [String: Decision] {
        let rows = try await db.sql.raw(
            """
            SELECT record_id, decision, until FROM retention_decisions WHERE kind = \(bind: kind.rawValue)
            """
        ).all(decoding: Decision.self, keyDecodingStrategy: .convertFromSnakeCase)
        return Dictionary(rows.map { ($0.recordId, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The records due for a decision at `now` (expiring within their notice window or expired), at most `limit`
    /// of them, read page by page.
    static func due(now: Date, limit: Int = .max, on db: any Database) async throws -> [Due] {
        let policy = try await policy(on: db)
        var result: [Due] = []
        for kind in RetainedKind.allCases where kind.decided {
            var after: (at: Int64, id: String)? = nil
            while result.count < limit {
                let page = try await candidates(kind, policy: policy, now: now.seconds, after: after, on: db)
                result += page.compactMap { due(kind, $0, policy: policy, now: now) }
                guard page.count == pageSize, let last = page.last else { break }
                after = (last.at, last.id)
            }
        }
        return Array(
            result.sorted {
                ($0.expiresAt, $0.kind.rawValue, $0.id) < ($1.expiresAt, $1.kind.rawValue, $1.id)
            }.prefix(limit))
    }

    /// How many records are due (for the dashboard), counted page by page.
    static func dueCount(now: Date, on db: any Database) async throws -> Int {
        try await due(now: now, on: db).count
    }

    private static func due(
        _ kind: RetainedKind, _ row: (id: String, at: Int64, until: Int64?),
        policy: RetentionPolicy, now: Date
    ) -> Due? {
        switch policy.state(kind, lastActivity: row.at, extendedUntil: row.until, now: now.seconds) {
        case .kept: nil
        case .dueSoon(let expires), .expired(let expires):
            Due(kind: kind, id: row.id, lastActivity: row.at, expiresAt: expires, extended: row.until != nil)
        }
    }

    /// The one record `id` of `kind` if it is due now (a decision is taken only on a due record).
    static func find(_ kind: RetainedKind, id: String, now: Date, on db: any Database) async throws -> Due? {
        guard kind.decided else { return nil }
        let policy = try await policy(on: db)
        return try await candidates(kind, policy: policy, now: now.seconds, id: id, limit: 1, on: db).first
            .flatMap { due(kind, $0, policy: policy, now: now) }
    }
}
