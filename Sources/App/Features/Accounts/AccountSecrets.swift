import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Recovery codes and one-time links: both stored only as hashes.
enum AccountSecrets {
    /// Replaces the account's recovery codes with `count` new ones and returns them (shown once).
    static func newRecoveryCodes(for userID: String, count: Int = 10, on db: any Database) async throws -> [String] {
        let codes = RecoveryCode.generate(count: count)
        try await db.write { tx in
            try await tx.sql.delete(from: "recovery_codes").where("user_id", .equal, userID).run()
            let insert = tx.sql.insert(into: "recovery_codes").columns("user_id", "code_hash", "used_at")
            for code in codes { insert.values(userID, RecoveryCode.hash(code), nil as Int64?) }
            try await insert.run()
        }
        return codes
    }

    /// Uses a recovery code: true once per code, false for an unknown or already used one.
    static func useRecoveryCode(
        _ typed: String, for userID: String, now: Date, on db: any Database
    ) async throws -> Bool {
        struct Row: Decodable { let codeHash: String }
        let rows = try await db.rows(
            """
            UPDATE recovery_codes SET used_at = \(bind: Int64(now.timeIntervalSince1970))
            WHERE user_id = \(bind: userID) AND code_hash = \(bind: RecoveryCode.hash(typed)) AND used_at IS NULL \
            RETURNING code_hash
            """, as: Row.self
        )
        return !rows.isEmpty
    }

    static func unusedRecoveryCodes(for userID: String, on db: any Database) async throws -> Int {
        struct Row: Decodable { let n: Int }
        return try await db.sql.raw(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = \(bind: userID) AND used_at IS NULL"
        )
        .first(decoding: Row.self)?.n ?? 0
    }

    enum LinkPurpose: String, Sendable { case setup, reset }

    /// A one-time link token for choosing a password; earlier unused links of the account stop working.
    static func newLink(
        for userID: String, purpose: LinkPurpose, now: Date, validFor seconds: Int64 = 72 * 3600,
        on db: any Database
    ) async throws -> String {
        let token = randomToken()
        let at = Int64(now.timeIntervalSince1970)
        try await db.write { tx in
            try await retireLinks(of: userID, now: now, on: tx)
            try await tx.sql.insert(into: "account_links").columns(
                "token_hash", "user_id", "purpose", "expires_at", "used_at"
            )
            .values(sha256Hex(token), userID, purpose.rawValue, at + seconds, nil as Int64?).run()
        }
        return token
    }

    /// A password reset, in the caller's write, with its entry: a new one-time link, and the account closed until
    /// the link is used (review r10, finding 4). Every session ends and the old password no longer signs in, so
    /// whoever held the account keeps nothing of it, and cannot retire the link by changing the password; with
    /// `removingSecondFactor` (the operator's rescue) the second factor goes too, and its recovery codes.
    static func passwordReset(
        of userID: String, by actor: String, removingSecondFactor: Bool = false, now: Date, on db: any Database
    ) async throws -> String {
        try await db.write { tx in
            _ = try await AccountStore.lock([userID], on: tx)  // the account's row first, as every account write
            let token = try await newLink(for: userID, purpose: .reset, now: now, on: tx)
            try await tx.sql.update("users").set("password_hash", to: SQLLiteral.null)
                .set("totp_pending_secret", to: SQLLiteral.null).where("id", .equal, userID).run()
            try await SessionStore.endAll(userID: userID, on: tx)
            // Recovery codes too (review r12, finding 1): ten made beforehand would keep a second factor working.
            try await tx.sql.delete(from: "recovery_codes").where("user_id", .equal, userID).run()
            let tokens = try await AccessTokenStore.revokeAll(userID: userID, because: .reset, now: now.seconds, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "user.password-reset-link", recordType: "user", recordID: userID,
                    detail: tokens == 0 ? "" : "access tokens revoked: \(tokens)"),
                now: now, on: tx)
            if removingSecondFactor {
                try await AccountStore.removeSecondFactor(userID, on: tx)
                try await AuditLog.record(
                    AuditEvent(actor: actor, action: "user.two-factor-reset", recordType: "user", recordID: userID),
                    now: now, on: tx)
            }
            return token
        }
    }

    /// The account a link opens, if the link is known, unused and not expired.
    static func account(forLink token: String, now: Date, on db: any Database) async throws -> Account? {
        struct Row: Decodable { let userId: String }
        guard
            let row = try await db.row(
                """
                SELECT user_id FROM account_links WHERE token_hash = \(bind: sha256Hex(token)) AND used_at IS NULL
                AND expires_at > \(bind: Int64(now.timeIntervalSince1970))
                """, as: Row.self
            )
        else { return nil }
        return try await AccountStore.find(id: row.userId, on: db)
    }

    /// Every unused link of the account stops working (a new link is given, or the password is changed: review r6,
    /// finding 3).
    static func retireLinks(of userID: String, now: Date, on db: any Database) async throws {
        try await db.sql.update("account_links").set("used_at", to: Int64(now.timeIntervalSince1970))
            .where("user_id", .equal, userID).where("used_at", .is, SQLLiteral.null).run()
    }

    /// Marks the link used, if it still opens `userID` (unused, unexpired, not replaced): false when it no longer
    /// does (review r7, finding 4: a replaced link, or the same link twice at once, sets no password).
    static func useLink(_ token: String, for userID: String, now: Date, on db: any Database) async throws -> Bool {
        struct Row: Decodable { let userId: String }
        let at = Int64(now.timeIntervalSince1970)
        return
            !(try await db.rows(
                """
                UPDATE account_links SET used_at = \(bind: at) WHERE token_hash = \(bind: sha256Hex(token))
                AND user_id = \(bind: userID) AND used_at IS NULL AND expires_at > \(bind: at) RETURNING user_id
                """, as: Row.self)).isEmpty
    }

    /// 32 random bytes, base64url without padding (256 bits).
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
