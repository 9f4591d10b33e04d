import Fluent
import SQLKit

/// E-mail subscribers (addresses sealed, found by a keyed hash) and the outbox the mail worker delivers.
struct CreateSubscriptions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("subscribers")
            .field("id", .string, .identifier(auto: false))
            // HMAC of the lower-cased address: finds a subscriber without storing it in clear
            .field("email_hash", .string, .required)
            .field("email_sealed", .string, .required)
            .field("token_hash", .string, .required)  // the secret in their links (confirm, preferences, unsubscribe)
            .field("token_sealed", .string, .required)  // kept to write it into each message
            .field("status", .string, .required)  // pending | active | unsubscribed | bounced
            .field("languages", .string, .required)
            .field("scope", .string, .required)  // all | selected | none
            .field("countries", .string, .required)
            .field("programmes", .string, .required)
            .field("types", .string, .required)
            .field("bulletin", .bool, .required)
            .field("created_at", .int64, .required)
            .field("confirmed_at", .int64)
            .field("updated_at", .int64, .required)
            .unique(on: "email_hash")
            .unique(on: "token_hash")
            .create()
        try await database.sql.create(index: "subscribers_status").on("subscribers").column("status").run()
        try await database.schema("outbox")
            .field("id", .int64, .identifier(auto: true))
            // one message per subscriber and publication (or bulletin, or confirmation)
            .field("dedupe_key", .string, .required)
            .field("kind", .string, .required)  // confirm | manage | publication | bulletin
            .field("subscriber_id", .string, .required)
            .field("subject_id", .string)  // the publication (its original) or the bulletin
            .field("status", .string, .required)  // queued | sending | sent | failed | cancelled
            .field("attempts", .int, .required)
            .field("not_before", .int64, .required)
            .field("claimed_by", .string)
            .field("claimed_until", .int64)
            .field("last_error", .string)
            .field("created_at", .int64, .required)
            .field("sent_at", .int64)
            .unique(on: "dedupe_key")
            .create()
        try await database.sql.create(index: "outbox_due").on("outbox").column("status").column("not_before").column(
            "id"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("outbox").delete()
        try await database.schema("subscribers").delete()
    }
}
