import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// A personal access token as stored (never the token itself).
struct StoredToken: Sendable, Equatable {
    let id: String, userID: String, name: String, scopes: Set<AccessToken.Scope>, roles: String
    let createdAt: Int64, expiresAt: Int64, lastUsedAt: Int64?, revokedAt: Int64?
    /// Why it was revoked (review r13, finding 5); nil for a live token, or one revoked before migration 050.
    var revokedReason: TokenRevocation? = nil

    enum State: Equatable, Sendable { case active, expired, revoked, rolesChanged, accountDisabled, passwordChanged }

    /// Whether the token still works for `account` at `now`: not revoked, not expired, the account enabled and
    /// holding exactly the roles it held when the token was made (a role change ends every token, as it ends
    /// sessions that no longer fit), its password not set or changed since. A change revokes the tokens in its
    /// write; this rule also ends those that an older instance left live during a rolling upgrade (review r15,
    /// finding 5). A token made in the second of the change is kept: the change's own write revoked any made before.
    func state(for account: Account, now: Int64) -> State {
        if revokedAt != nil { return .revoked }
        if account.disabled { return .accountDisabled }
        if Role.stored(account.roles) != roles { return .rolesChanged }
        if let changed = account.passwordChangedAt, createdAt < changed { return .passwordChanged }
        if now >= expiresAt { return .expired }
        return .active
    }
}

/// Why a token stopped working, shown to its owner and stored with the revocation (`access_tokens.revoked_reason`).
enum TokenRevocation: String, Sendable, CaseIterable {
    /// Its owner revoked it.
    case owner
    /// An administrator or the operator reset the account's password.
    case reset
    /// A new password was set from a one-time link.
    case passwordSet = "password-set"
    /// The owner changed her own password (review r14, finding 4).
    case passwordChange = "password-change"
    /// The account was disabled.
    case disabled
    /// The account's roles changed.
    case roles
    /// The account's second factor was reset.
    case secondFactor = "second-factor"
    /// The owner signed out everywhere (review r15, finding 5).
    case signedOut = "signed-out"
    /// Migration 050 found the account reset, disabled or changed since the token was made.
    case upgrade
}

enum AccessTokenStore {
    struct Row: Decodable {
        let id: String, userId: String, name: String, scopes: String, roles: String, createdAt: Int64, expiresAt: Int64
        let lastUsedAt: Int64?, revokedAt: Int64?, revokedReason: String?
        var token: StoredToken {
            StoredToken(
                id: id, userID: userId, name: name, scopes: AccessToken.Scope.set(from: scopes), roles: roles,
                createdAt: createdAt, expiresAt: expiresAt, lastUsedAt: lastUsedAt, revokedAt: revokedAt,
                revokedReason: revokedReason.flatMap(TokenRevocation.init(rawValue:)))
        }
    }
    static let columns =
        "id, user_id, name, scopes, roles, created_at, expires_at, last_used_at, revoked_at, revoked_reason"

    /// Stores a new token for `account`; returns its id and the token, to show once. `db` is inside a write.
    static func create(
        for account: Account, name: String, scopes: Set<AccessToken.Scope>, expiresAt: Int64,
        now: Int64, on db: any Database
    ) async throws -> (id: String, token: String) {
        let (token, hash) = AccessToken.make()
        let id = RandomID.make("tok")
        try await db.sql.insert(into: "access_tokens")
            .columns("id", "user_id", "name", "token_hash", "scopes", "roles", "created_at", "expires_at")
            .values(
                id, account.id, name, hash, AccessToken.Scope.stored(scopes), Role.stored(account.roles), now,
                expiresAt
            )
            .run()
        return (id, token)
    }

    static func list(userID: String, on db: any Database) async throws -> [StoredToken] {
        try await db.rows(
            """
            SELECT \(unsafeRaw: columns) FROM access_tokens WHERE user_id = \(bind: userID)
            ORDER BY created_at DESC, id DESC
            """, as: Row.self
        ).map(\.token)
    }

    /// The token with this id, only when it belongs to `userID`.
    static func find(id: String, userID: String, on db: any Database) async throws -> StoredToken? {
        try await db.row(
            """
            SELECT \(unsafeRaw: columns) FROM access_tokens WHERE id = \(bind: id) AND user_id = \(bind: userID)
            """, as: Row.self
        )?.token
    }

    /// The caller's token read again inside its write, once the account's row is locked (review r12, finding 3):
    /// a write in flight when a reset, a revoke, a disable or a role change commits is refused, not stored.
    static func checkStillActive(_ caller: ApiCaller, now: Int64, on db: any Database) async throws {
        let account = try await AccountStore.lock([caller.account.id], on: db).first
        guard let account, let token = try await find(id: caller.token.id, userID: account.id, on: db),
            token.state(for: account, now: now) == .active
        else {
            throw ApiProblem(
                status: .unauthorized,
                detail: "The token was revoked, or its account changed, while this request was checked.")
        }
    }

    /// Revokes every live token of the account (a reset, a set from a link, a disable, a second factor removed:
    /// review r11, finding 1); returns how many.
    @discardableResult
    static func revokeAll(
        userID: String, because reason: TokenRevocation, now: Int64, on db: any Database
    ) async throws -> Int {
        struct Revoked: Decodable { let id: String }
        return try await db.sql.raw(
            """
            UPDATE access_tokens SET revoked_at = \(bind: now), revoked_reason = \(bind: reason.rawValue)
            WHERE user_id = \(bind: userID) AND revoked_at IS NULL RETURNING id
            """
        ).all(decoding: Revoked.self).count
    }

    /// Revokes the token at its owner's request (once); true when it was active. `db` is inside a write.
    static func revoke(id: String, userID: String, now: Int64, on db: any Database) async throws -> Bool {
        struct Revoked: Decodable { let id: String }
        let rows = try await db.sql.raw(
            """
            UPDATE access_tokens SET revoked_at = \(bind: now), revoked_reason = \(bind: TokenRevocation.owner.rawValue)
            WHERE id = \(bind: id) AND user_id = \(bind: userID) AND revoked_at IS NULL RETURNING id
            """
        ).all(decoding: Revoked.self)
        return !rows.isEmpty
    }

    /// The token a presented secret names, with its account, whatever its state.
    static func lookup(_ token: String, on db: any Database) async throws -> (StoredToken, Account)? {
        guard AccessToken.isWellFormed(token) else { return nil }
        guard
            let stored = try await db.row(
                """
                SELECT \(unsafeRaw: columns) FROM access_tokens WHERE token_hash = \(bind: AccessToken.hash(token))
                """, as: Row.self
            )?.token,
            let account = try await AccountStore.find(id: stored.userID, on: db)
        else { return nil }
        return (stored, account)
    }

    /// Records when the token was last used (at most once a minute per token, so reads do not become writes).
    static func touch(_ token: StoredToken, now: Int64, on db: any Database) async throws {
        guard (token.lastUsedAt ?? 0) < now - 60 else { return }
        try await db.sql.update("access_tokens").set("last_used_at", to: now).where("id", .equal, token.id).run()
    }
}
