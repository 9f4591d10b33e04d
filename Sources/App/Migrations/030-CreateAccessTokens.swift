import Fluent
import SQLKit

/// Personal access tokens for the API. Only the SHA-256 of a token is kept (`token_hash`); `roles` is the account's
/// roles when the token was made, so a token stops working as soon as its account's roles change.
struct CreateAccessTokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("access_tokens")
            .field("id", .string, .identifier(auto: false))
            .field("user_id", .string, .required)
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("scopes", .string, .required)
            .field("roles", .string, .required)
            .field("created_at", .int64, .required)
            .field("expires_at", .int64, .required)
            .field("last_used_at", .int64)
            .field("revoked_at", .int64)
            .unique(on: "token_hash")
            .create()
        try await database.sql.create(index: "access_tokens_user").on("access_tokens").column("user_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("access_tokens").delete()
    }
}
