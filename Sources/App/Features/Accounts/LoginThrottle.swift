import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Limits failed sign-ins per account and per client address, in the database so every instance counts
/// the same attempts.
///
/// An attempt is reserved before the password (or code) is checked: counting the failures in the window and
/// inserting the reservation happen in one write transaction (the SQLite write gate, an advisory lock on
/// PostgreSQL), so forty simultaneous attempts cannot all be checked against a count of zero — exactly as many
/// as the limit leaves are checked, the rest are refused. A reservation counts as a failure until the attempt
/// succeeds, when it is released (so an honest sign-in never counts against its account).
enum LoginThrottle {
    static let window: Int64 = 15 * 60
    static let perAccount = 5
    static let perAddress = 20

    static func accountKey(_ email: String) -> String { "account:" + AccountStore.normalise(email: email) }
    /// An IPv6 address counts as its /64, as on the public forms (`ClientSource`).
    static func addressKey(_ address: String) -> String { "address:" + ClientSource.network(of: address) }

    /// Whether either key has used up its failures in the window.
    static func isBlocked(email: String, address: String, now: Date, on db: any Database) async throws -> Bool {
        if try await failures(accountKey(email), now: now, on: db) >= perAccount { return true }
        return try await failures(addressKey(address), now: now, on: db) >= perAddress
    }

    static func failures(_ key: String, now: Date, on db: any Database) async throws -> Int {
        struct Row: Decodable { let n: Int }
        let since = Int64(now.timeIntervalSince1970) - window
        return try await db.sql.raw(
            "SELECT COUNT(*) AS n FROM login_attempts WHERE key = \(bind: key) AND at > \(bind: since)"
        )
        .first(decoding: Row.self)?.n ?? 0
    }

    /// Counts and reserves in one step: the attempt's id when it may be checked, or nil when the account or the
    /// address is locked — then `blocked` is audited in the same transaction.
    static func reserve(
        email: String, address: String, now: Date, blocked: AuditEvent,
        on db: any Database
    ) async throws -> String? {
        try await db.write { tx in
            if tx.sql.dialect.name == "postgresql" {
                try await tx.sql.raw("SELECT pg_advisory_xact_lock(74052002)").run()
            }
            if try await isBlocked(email: email, address: address, now: now, on: tx) {
                try await AuditLog.record(blocked, now: now, on: tx)
                return nil
            }
            let attempt = RandomID.make("attempt"), at = Int64(now.timeIntervalSince1970)
            try await tx.sql.insert(into: "login_attempts").columns("key", "at", "attempt")
                .values(accountKey(email), at, attempt).values(addressKey(address), at, attempt).run()
            // Old attempts are of no use; drop them as we go.
            try await tx.sql.delete(from: "login_attempts").where("at", .lessThan, at - 86_400).run()
            return attempt
        }
    }

    /// The reserved attempt failed: it stays counted, and the failure is audited.
    static func failed(_ attempt: String, _ event: AuditEvent, now: Date, on db: any Database) async throws {
        try await AuditLog.record(event, now: now, on: db)
    }

    /// The reserved attempt passed this step: it no longer counts (call inside the write that records the step).
    static func release(_ attempt: String, on db: any Database) async throws {
        try await db.sql.delete(from: "login_attempts").where("attempt", .equal, attempt).run()
    }

    /// A successful sign-in clears the account's count (not the address's).
    static func recordSuccess(email: String, on db: any Database) async throws {
        try await db.sql.delete(from: "login_attempts").where("key", .equal, accountKey(email)).run()
    }
}
