import Fluent
import Foundation
import SQLKit

/// Whether an administrator may be the second one to confirm a proposed shortening (review r3 of issue 20,
/// finding 1). An administrator can make another administrator's account his own: create one (the setup link is
/// shown to him), reset another's password or second factor (the link is shown to him), or grant a role. So only
/// an account that was an administrator, with its password and second factor, before the proposal was made may
/// confirm it: one set up or taken over after the proposal is refused, and says why.
///
/// The times come from the users table (`created_at`, `password_changed_at`) and, for what it does not hold (when
/// roles, status and second factor changed), from the audit trail: every such change writes its entry in the same
/// transaction. The entries are ordered by their sequence against the proposal's own `retention.propose` entry,
/// so nothing done in the proposal's second counts as before it.
///
/// Nor may an account that the proposer set up or took over at any time, before the proposal too (review r4,
/// finding 1): one he created, or whose password or second factor he reset, and so on down the chain (an account
/// set up from an account he set up). A role he granted to someone else's account does not make it his.
enum SecondAdministrator {
    enum Refusal: String, Equatable, Sendable {
        case created, administrator, password
        case secondFactor = "second-factor"
        case proposersAccount = "proposers-account"
    }

    /// The entries by which an administrator sets up or takes over another account: the setup or reset link, or
    /// the second factor to enrol again, goes to him.
    static let takeovers = ["user.create", "user.password-reset-link", "user.two-factor-reset"]

    /// The accounts (ids) that `proposer` set up or took over, directly or through one of them.
    static func heldBy(_ proposer: String, on db: any Database) async throws -> Set<String> {
        struct User: Decodable { let id: String, email: String }
        struct Entry: Decodable { let actor: String, recordId: String }
        let users = try await db.rows("SELECT id, email FROM users", as: User.self)
        let idOf = Dictionary(users.map { ($0.email.lowercased(), $0.id) }, uniquingKeysWith: { a, _ in a })
        let entries = try await db.rows(
            """
            SELECT actor, record_id FROM audit_log WHERE record_type = 'user'
            AND action IN (\(binds: takeovers)) ORDER BY sequence
            """, as: Entry.self)
        var actors: Set<String> = [proposer.lowercased()], held: Set<String> = []
        var grew = true
        while grew {
            grew = false
            for entry in entries where actors.contains(entry.actor.lowercased()) && !held.contains(entry.recordId) {
                held.insert(entry.recordId)
                if let email = users.first(where: { $0.id == entry.recordId })?.email {
                    actors.insert(email.lowercased())
                }
                grew = true
            }
        }
        if let own = idOf[proposer.lowercased()] { held.remove(own) }
        return held
    }

    /// The audit entries on a user that change who holds the account, by the refusal each one means.
    static let changes: [String: Refusal] = [
        "user.create": .created,
        "user.update": .administrator,
        "account.password-set": .password,
        "account.password-change": .password,
        "account.two-factor-enrol": .secondFactor,
        "user.two-factor-reset": .secondFactor
    ]

    /// Why the account `userID` may not confirm `proposal` (nil: it may). `db` is inside the confirming transaction.
    static func refusal(
        _ userID: String, for proposal: RetentionStore.Proposal, on db: any Database
    ) async throws -> Refusal? {
        struct User: Decodable { let createdAt: Int64, passwordChangedAt: Int64? }
        guard
            let user = try await db.sql.raw(
                "SELECT created_at, password_changed_at FROM users WHERE id = \(bind: userID)"
            ).first(decoding: User.self, keyDecodingStrategy: .convertFromSnakeCase)
        else { return .created }
        if user.createdAt > proposal.proposedAt { return .created }
        if let changed = user.passwordChangedAt, changed > proposal.proposedAt { return .password }
        // The proposal's entry (written with the proposal, the last one for this kind); none: every change counts.
        struct Last: Decodable { let sequence: Int64? }
        let proposed =
            try await db.sql.raw(
                """
                SELECT MAX(sequence) AS sequence FROM audit_log WHERE action = 'retention.propose'
                AND record_type = 'retention' AND record_id = \(bind: proposal.kind)
                """
            ).first(decoding: Last.self)?.sequence ?? 0
        struct Entry: Decodable { let action: String }
        let actions = changes.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
        let after = try await db.sql.raw(
            """
            SELECT action FROM audit_log WHERE record_type = 'user' AND record_id = \(bind: userID)
            AND sequence > \(bind: proposed) AND action IN (\(unsafeRaw: actions))
            """
        ).all(decoding: Entry.self)
        let found = Set(after.compactMap { changes[$0.action] })
        if let refusal = [Refusal.created, .administrator, .password, .secondFactor].first(where: found.contains) {
            return refusal
        }
        return try await heldBy(proposal.proposedBy, on: db).contains(userID) ? .proposersAccount : nil
    }
}
