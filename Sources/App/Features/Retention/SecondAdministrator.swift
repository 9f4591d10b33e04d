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
/// Nor may an account that the proposer holds, however long before the proposal (review r4, finding 1; r6, finding
/// 1): one whose setup link went to him (he created it, or reset its password), and so on down the chain (an account
/// set up from an account he holds), until someone else gives it a new link that is used. A role he granted to
/// someone else's account does not make it his.
enum SecondAdministrator {
    enum Refusal: String, Equatable, Sendable {
        case created, administrator, password
        case secondFactor = "second-factor"
        case proposersAccount = "proposers-account"
    }

    /// The entries that hand an account's setup link to someone. A second factor reset alone does not (the password
    /// is still the owner's; round 5, finding 3).
    static let takeovers: Set<String> = ["user.create", "user.password-reset-link"]

    /// The accounts (ids) that `proposer` holds: one whose setup link ever went to him or to an account he holds,
    /// and so on down the chain, unless someone he does not hold gave it a link since and the password was then set
    /// from a link (an operator's `user reset`, another administrator's reset, used by the owner; round 6, finding
    /// 1: a held account resetting itself, or a link nobody used, frees nothing).
    static func heldBy(_ proposer: String, on db: any Database) async throws -> Set<String> {
        struct User: Decodable { let id: String, email: String }
        struct Entry: Decodable { let action: String, actor: String, recordId: String }
        let users = try await db.rows("SELECT id, email FROM users", as: User.self)
        let emailOf = Dictionary(users.map { ($0.id, $0.email.lowercased()) }, uniquingKeysWith: { a, _ in a })
        let entries = try await db.rows(
            """
            SELECT action, actor, record_id FROM audit_log WHERE record_type = 'user'
            AND action IN (\(binds: takeovers.sorted() + ["account.password-set"])) ORDER BY sequence
            """, as: Entry.self)
        let byAccount = Dictionary(grouping: entries, by: \.recordId)
        func emails(_ accounts: Set<String>) -> Set<String> {
            Set([proposer.lowercased()]).union(accounts.compactMap { emailOf[$0] })
        }
        // Reached: every account a link of his, or of an account reached, ever went to.
        var reached: Set<String> = []
        while true {
            let actors = emails(reached)
            let next = Set(
                byAccount.filter { _, history in
                    history.contains { takeovers.contains($0.action) && actors.contains($0.actor.lowercased()) }
                }.keys)
            guard next != reached else { break }
            reached = next
        }
        // Held: of those, the ones no one outside them has freed since with a link that was used (the largest such
        // set: a held account's own links, to itself or to another, free nothing).
        var held = reached
        while true {
            let actors = emails(held)
            let next = held.filter { account in
                var isHeld = false, freeing = false
                for entry in byAccount[account] ?? [] {
                    if takeovers.contains(entry.action) {
                        if actors.contains(entry.actor.lowercased()) {
                            isHeld = true
                            freeing = false
                        } else {
                            freeing = true  // a link given by someone he does not hold: frees it once used
                        }
                    } else if freeing {
                        isHeld = false
                        freeing = false
                    }
                }
                return isHeld
            }
            guard next != held else { break }
            held = next
        }
        return held.filter { emailOf[$0] != proposer.lowercased() }
    }

    /// The audit entries on a user that change who holds the account, by the refusal each one means.
    static let changes: [String: Refusal] = [
        "user.create": .created,
        "user.update": .administrator,
        "user.password-reset-link": .password,
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
