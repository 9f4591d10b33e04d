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
/// Nor may an account that the proposer holds, however long before the proposal (review r4, finding 1; r6 and r7,
/// finding 1): one whose setup link went to him (he created it, or reset its password), or to an account he held
/// then, until someone he does not hold gives it a new link that is used. A role he granted to someone else's account
/// does not make it his.
enum SecondAdministrator {
    enum Refusal: String, Equatable, Sendable {
        case created, administrator, password
        case secondFactor = "second-factor"
        case proposersAccount = "proposers-account"
        case sharedHolder = "shared-holder"
        /// The proposer's account was set up, reset or changed after the proposal (review r10, finding 1): whoever
        /// held it then may not be whoever holds it now, so the proposal must be made again.
        case proposerChanged = "proposer-changed"
    }

    /// The entries that hand an account's setup link to someone. A second factor reset alone does not (the password
    /// is still the owner's; round 5, finding 3).
    static let takeovers: Set<String> = ["user.create", "user.password-reset-link"]

    /// The accounts (ids) that `proposer` holds, read from the audit trail in its order, each link judged as things
    /// stood when it was given (round 7, findings 1 and 2): a link given by him, or by an account he held at that
    /// moment, makes the account his; a link given by anyone else, once the password is set from it, frees it. What
    /// an account made while he held it stays his when it is freed; a held account's own resets free nothing.
    static func heldBy(_ proposer: String, on db: any Database) async throws -> Set<String> {
        let trail = try await Trail.read(on: db)
        return heldBy(proposer, trail)
    }

    /// The users and the entries of the trail that `heldBy` reads, read once.
    struct Trail {
        struct User: Decodable { let id: String, email: String }
        struct Entry: Decodable { let action: String, actor: String, recordId: String }
        let users: [User], entries: [Entry]

        static func read(on db: any Database) async throws -> Trail {
            let users = try await db.rows("SELECT id, email FROM users ORDER BY id", as: User.self)
            let entries = try await db.rows(
                """
                SELECT action, actor, record_id FROM audit_log WHERE record_type = 'user'
                AND action IN (\(binds: takeovers.sorted() + ["account.password-set"])) ORDER BY sequence
                """, as: Entry.self)
            return Trail(users: users, entries: entries)
        }
    }

    /// Whether the proposer and the confirmer have a holder in common (review r9, finding 1): one of them holds the
    /// other, or a third account holds both (he made both, and may propose as one and confirm as the other).
    static func shareAHolder(_ proposer: String, _ confirmerID: String, _ trail: Trail) -> Bool {
        guard let proposerID = trail.users.first(where: { $0.email.lowercased() == proposer.lowercased() })?.id
        else { return false }
        var ofProposer: Set<String> = [proposerID], ofConfirmer: Set<String> = [confirmerID]
        for user in trail.users {
            let held = heldBy(user.email, trail)
            if held.contains(proposerID) { ofProposer.insert(user.id) }
            if held.contains(confirmerID) { ofConfirmer.insert(user.id) }
        }
        return !ofProposer.isDisjoint(with: ofConfirmer)
    }

    static func heldBy(_ proposer: String, _ trail: Trail) -> Set<String> {
        let users = trail.users, entries = trail.entries
        let emailOf = Dictionary(users.map { ($0.id, $0.email.lowercased()) }, uniquingKeysWith: { a, _ in a })
        let own = proposer.lowercased()
        var held: Set<String> = [], heldEmails: Set<String> = [own], freeing: Set<String> = []
        for entry in entries {
            let account = entry.recordId
            if takeovers.contains(entry.action) {
                if heldEmails.contains(entry.actor.lowercased()) {
                    held.insert(account)
                    if let email = emailOf[account] { heldEmails.insert(email) }
                    freeing.remove(account)
                } else if held.contains(account) {
                    freeing.insert(account)  // a link given by someone he does not hold: frees it once used
                }
            } else if freeing.contains(account) {
                held.remove(account)
                freeing.remove(account)
                if let email = emailOf[account], email != own { heldEmails.remove(email) }
            }
        }
        return held.filter { emailOf[$0] != own }
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
        let found = try await changes(of: userID, after: proposal, on: db)
        if let refusal = [Refusal.created, .administrator, .password, .secondFactor].first(where: found.contains) {
            return refusal
        }
        let trail = try await Trail.read(on: db)  // read once for every check
        // The proposer's account too (review r10, finding 1): a proposal made by an account someone held, which is
        // freed afterwards (a reset by the operator), would otherwise be judged as if it had always been free.
        if try await proposerChanged(proposal, trail.users, on: db) { return .proposerChanged }
        // The trail as it stands now is enough (review r11, finding 6): an entry after the proposal that could free
        // the proposer or the confirmer is a change of one of their accounts, refused above; one that frees a third
        // account leaves what that account made while it was held with its holder.
        if heldBy(proposal.proposedBy, trail).contains(userID) { return .proposersAccount }
        return shareAHolder(proposal.proposedBy, userID, trail) ? .sharedHolder : nil
    }

    /// The kinds of change (by refusal) of the account `id` written after `proposal`'s own entry (the last
    /// `retention.propose` of its kind; none: every change counts).
    static func changes(
        of id: String, after proposal: RetentionStore.Proposal, on db: any Database
    ) async throws -> Set<Refusal> {
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
            SELECT action FROM audit_log WHERE record_type = 'user' AND record_id = \(bind: id)
            AND sequence > \(bind: proposed) AND action IN (\(unsafeRaw: actions))
            """
        ).all(decoding: Entry.self)
        return Set(after.compactMap { changes[$0.action] })
    }

    /// Whether the proposer's account was set up, reset or changed after the proposal (review r10, finding 1): then
    /// no one may confirm it, and the periods page says so (review r12, finding 7).
    static func proposerChanged(
        _ proposal: RetentionStore.Proposal, _ users: [Trail.User], on db: any Database
    ) async throws -> Bool {
        guard let id = users.first(where: { $0.email.lowercased() == proposal.proposedBy.lowercased() })?.id
        else { return false }
        return try await !changes(of: id, after: proposal, on: db).isEmpty
    }
}
