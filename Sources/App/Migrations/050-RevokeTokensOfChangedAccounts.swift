import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Access tokens record why they were revoked (`revoked_reason`), and the tokens that the rules of review r11 would
/// have revoked, had they been in force, are revoked now (review r13, findings 4 and 5). Before them, a disable, a
/// reset or a change of roles only hid a token while it lasted: enabled again, reset and set up, or given its roles
/// back, the account's old token worked again. A token still live is revoked, with an audit entry, when:
/// - its account is gone or disabled;
/// - its account's roles are not the ones it was made with;
/// - after it was made, the account's password was reset or set from a link, its second factor reset, or the
///   account changed by an administrator or the command line (`user.update`, which before r11 also recorded a
///   Save that changed nothing: such a token is revoked too, erring towards the safe side).
struct RevokeTokensOfChangedAccounts: AsyncMigration {
    static let actions = [
        "user.password-reset-link": TokenRevocation.reset, "account.password-set": .passwordSet,
        "user.two-factor-reset": .secondFactor, "user.update": .upgrade
    ]

    struct Live: Decodable { let id: String, userId: String, roles: String, createdAt: Int64 }
    struct User: Decodable { let id: String, roles: String, disabled: Bool }
    struct Change: Decodable { let recordId: String, action: String, at: String }

    func prepare(on database: any Database) async throws {
        try await database.schema("access_tokens").field("revoked_reason", .string).update()
        try await Self.revokeLegacyTokens(on: database)
    }

    /// The tokens an older version left live, revoked with their reason and an audit entry each.
    static func revokeLegacyTokens(on database: any Database) async throws {
        let live = try await database.rows(
            "SELECT id, user_id, roles, created_at FROM access_tokens WHERE revoked_at IS NULL ORDER BY id",
            as: Live.self)
        guard !live.isEmpty else { return }
        let users = Dictionary(
            try await database.rows("SELECT id, roles, disabled FROM users", as: User.self).map { ($0.id, $0) },
            uniquingKeysWith: { a, _ in a })
        let changes = try await database.rows(
            """
            SELECT record_id, action, at FROM audit_log
            WHERE record_type = 'user' AND action IN (\(binds: Array(actions.keys.sorted())))
            ORDER BY sequence
            """, as: Change.self)
        let changesByUser = Dictionary(grouping: changes, by: \.recordId)
        let now = Date()
        try await database.write { tx in
            for token in live {
                guard let reason = reason(for: token, users[token.userId], changesByUser[token.userId] ?? [])
                else { continue }
                try await tx.sql.update("access_tokens").set("revoked_at", to: now.seconds)
                    .set("revoked_reason", to: reason.rawValue).where("id", .equal, token.id)
                    .where("revoked_at", .is, SQLLiteral.null).run()
                try await AuditLog.record(
                    AuditEvent(
                        actor: "upgrade", action: "token.revoke", recordType: "token", recordID: token.id,
                        detail: "migration 050: \(reason.rawValue)"),
                    now: now, on: tx)
            }
        }
    }

    /// Why the token must go, if it must; `changes` are its account's entries, in order. An entry in the second the
    /// token was made counts as after it.
    static func reason(for token: Live, _ user: User?, _ changes: [Change]) -> TokenRevocation? {
        guard let user, !user.disabled else { return .disabled }
        guard user.roles == token.roles else { return .roles }
        let made = iso8601(seconds: token.createdAt)
        return changes.last { $0.at >= made }.flatMap { actions[$0.action] }
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("ALTER TABLE access_tokens DROP COLUMN revoked_reason").run()
    }
}
