import Fluent
import SQLKit

/// The append-only audit trail (a hash chain, see `AuditChain`) and its head, kept apart so that deleting
/// entries at the end is noticed too.
struct CreateAuditLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_log")
            .field("sequence", .int64, .identifier(auto: false))
            .field("at", .string, .required)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("record_type", .string, .required)
            .field("record_id", .string, .required)
            .field("detail", .string, .required)
            .field("address", .string, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
        try await database.sql.create(index: "audit_log_actor").on("audit_log").column("actor").column("sequence").run()
        try await database.sql.create(index: "audit_log_record").on("audit_log").column("record_type").column(
            "record_id"
        ).run()
        try await database.schema("audit_head")
            .field("id", .int, .identifier(auto: false))
            .field("sequence", .int64, .required)
            .field("hash", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_head").delete()
        try await database.schema("audit_log").delete()
    }
}
