import Fluent
import FluentSQL
import Foundation
import SQLKit

/// The audit chain becomes keyed (HMAC-SHA256 under the key's "audit-chain" subkey, outside the database): an existing
/// trail is verified as the plain SHA-256 chain it was, then re-chained once under the key, with an `audit.rechain`
/// entry naming the old head; a broken trail is refused, naming the break, and nothing is changed. Sign-in attempts
/// get an id, so an attempt reserved before the password is checked can be released when it succeeds.
struct KeyAuditChain: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("login_attempts").field("attempt", .string, .required, .sql(.default(""))).update()
        try await AuditLog.rechain(from: nil, to: AuditLog.chainKey, now: Date(), on: database)
    }

    func revert(on database: any Database) async throws {
        try await AuditLog.rechain(from: AuditLog.chainKey, to: nil, now: Date(), on: database)
        try await database.schema("login_attempts").deleteField("attempt").update()
    }
}
