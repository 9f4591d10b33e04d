import Fluent
import SQLKit

/// People who sign in, their one-time recovery codes, and one-time links (first password, reset).
/// Times are whole seconds since 1970 (Int64), the same on SQLite and PostgreSQL.
struct CreateAccounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .field("id", .string, .identifier(auto: false))
            .field("email", .string, .required)
            .field("password_hash", .string)  // nil until the person sets it from a one-time link
            .field("roles", .string, .required)  // "editor,case-officer"
            .field("organisation_id", .string)  // partners: their organisation in the directory
            .field("disabled", .bool, .required)
            .field("totp_secret", .string)  // base 32; nil when no second factor is enrolled
            .field("totp_pending_secret", .string)  // shown during enrolment, until a code confirms it
            .field("totp_last_step", .int64)  // the last accepted step: a code is never accepted twice
            .field("created_at", .int64, .required)
            .field("password_changed_at", .int64)
            .unique(on: "email")
            .create()
        try await database.schema("recovery_codes")
            .field("user_id", .string, .required)
            .field("code_hash", .string, .required)
            .field("used_at", .int64)
            .unique(on: "user_id", "code_hash")
            .create()
        try await database.schema("account_links")
            .field("token_hash", .string, .identifier(auto: false))
            .field("user_id", .string, .required)
            .field("purpose", .string, .required)  // setup | reset
            .field("expires_at", .int64, .required)
            .field("used_at", .int64)
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in ["account_links", "recovery_codes", "users"] { try await database.schema(table).delete() }
    }
}
