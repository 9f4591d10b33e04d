import Fluent
import SQLKit

/// Sign-in sessions, in the database so that several app instances share them. The id is the SHA-256 of
/// the cookie's token: a copy of the table opens no session.
struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sessions")
            .field("id", .string, .identifier(auto: false))
            .field("user_id", .string, .required)
            .field("stage", .string, .required)  // second-factor | enrol | signed-in
            .field("csrf_token", .string, .required)
            .field("created_at", .int64, .required)
            .field("last_seen_at", .int64, .required)
            .create()
        try await database.sql.create(index: "sessions_user").on("sessions").column("user_id").run()
        try await database.schema("login_attempts")
            .field("key", .string, .required)  // "account:…" or "address:…"
            .field("at", .int64, .required)
            .create()
        try await database.sql.create(index: "login_attempts_key_at").on("login_attempts").column("key").column("at")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("login_attempts").delete()
        try await database.schema("sessions").delete()
    }
}
