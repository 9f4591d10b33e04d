import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Limits failed sign-ins per account and per client address, in the database so every instance counts
/// the same attempts.
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
        return try await db.sql.raw("SELECT COUNT(*) AS n FROM login_attempts WHERE key = \(bind: key) AND at > \(bind: since)")
            .first(decoding: Row.self)?.n ?? 0
    }

    static func recordFailure(email: String, address: String, now: Date, on db: any Database) async throws {
        let at = Int64(now.timeIntervalSince1970)
        try await db.sql.insert(into: "login_attempts").columns("key", "at")
            .values(accountKey(email), at).values(addressKey(address), at).run()
        // Old attempts are of no use; drop them as we go.
        try await db.sql.delete(from: "login_attempts").where("at", .lessThan, at - 86_400).run()
    }

    /// A successful sign-in clears the account's count (not the address's).
    static func recordSuccess(email: String, on db: any Database) async throws {
        try await db.sql.delete(from: "login_attempts").where("key", .equal, accountKey(email)).run()
    }
}
