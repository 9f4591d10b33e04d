import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// A password changed by its owner now revokes her access tokens (review r14, finding 4); this revokes the tokens
/// that a change made by an older version left live. It applies again, in one write, the rules of migration 050
/// that today's code also applies when it runs (review r14, finding 3): 050 read the tokens, the accounts and the
/// entries before its write, so an instance of an older version still serving during the upgrade could change an
/// account in between. A token still live is revoked, with an audit entry, when:
/// - its account is gone or disabled;
/// - its account's roles, in any order, are not the ones it was made with;
/// - after it was made (an entry in the same second counts as after), its owner changed her password, or the
///   password was reset or set from a link, or the second factor reset.
///
/// A `user.update` alone does not revoke here: since 050 a Save that changes no role keeps the tokens.
struct RevokeTokensOutlivingAPasswordChange: AsyncMigration {
    static let actions = [
        "account.password-change": TokenRevocation.passwordChange, "user.password-reset-link": .reset,
        "account.password-set": .passwordSet, "user.two-factor-reset": .secondFactor
    ]

    struct Live: Decodable { let id: String, userId: String, roles: String, createdAt: Int64 }
    struct User: Decodable { let id: String, roles: String, disabled: Bool }
    struct Change: Decodable { let recordId: String, action: String, at: String }
    struct Revoked: Decodable { let id: String }

    func prepare(on database: any Database) async throws {
        let now = Date()
        try await database.write { tx in
            let live = try await tx.rows(
                "SELECT id, user_id, roles, created_at FROM access_tokens WHERE revoked_at IS NULL ORDER BY id",
                as: Live.self)
            guard !live.isEmpty else { return }
            let users = Dictionary(
                try await tx.rows("SELECT id, roles, disabled FROM users", as: User.self).map { ($0.id, $0) },
                uniquingKeysWith: { a, _ in a })
            let changes = try await tx.rows(
                """
                SELECT record_id, action, at FROM audit_log
                WHERE record_type = 'user' AND action IN (\(binds: Array(Self.actions.keys.sorted())))
                ORDER BY sequence
                """, as: Change.self)
            let changesByUser = Dictionary(grouping: changes, by: \.recordId)
            for token in live {
                guard let reason = Self.reason(for: token, users[token.userId], changesByUser[token.userId] ?? [])
                else { continue }
                let revoked = try await tx.sql.raw(
                    """
                    UPDATE access_tokens
                    SET revoked_at = \(bind: now.seconds), revoked_reason = \(bind: reason.rawValue)
                    WHERE id = \(bind: token.id) AND revoked_at IS NULL RETURNING id
                    """
                ).all(decoding: Revoked.self)
                guard !revoked.isEmpty else { continue }
                try await AuditLog.record(
                    AuditEvent(
                        actor: "upgrade", action: "token.revoke", recordType: "token", recordID: token.id,
                        detail: "migration 051: \(reason.rawValue)"),
                    now: now, on: tx)
            }
        }
    }

    /// Why the token must go, if it must; `changes` are its account's entries, in order.
    static func reason(for token: Live, _ user: User?, _ changes: [Change]) -> TokenRevocation? {
        guard let user, !user.disabled else { return .disabled }
        guard Role.set(from: user.roles) == Role.set(from: token.roles) else { return .roles }
        let made = iso8601(seconds: token.createdAt)
        return changes.last { $0.at >= made }.flatMap { actions[$0.action] }
    }

    /// Nothing to undo: a revoked token stays revoked.
    func revert(on database: any Database) async throws {}
}
