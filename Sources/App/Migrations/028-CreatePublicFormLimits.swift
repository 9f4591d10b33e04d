import Fluent
import SQLKit

/// Counters that protect the public forms (report, receipt, subscriptions, calls for input), shared by every
/// instance: hits per source and window. A source is a keyed hash of the client address (`FieldCipher.lookupHash`),
/// never the address; a row is deleted once its window has passed. Reports from a source past its threshold are
/// stored and listed in `intake_bulk` for triage rather than refused.
struct CreatePublicFormLimits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("public_form_limits")
            .field("bucket", .string, .required)
            .field("source_hash", .string, .required)
            .field("window_start", .int64, .required)
            .field("hits", .int, .required)
            .field("expires_at", .int64, .required)
            .unique(on: "bucket", "source_hash", "window_start")
            .create()
        try await database.sql.create(index: "public_form_limits_expiry").on("public_form_limits")
            .column("expires_at").run()
        try await database.schema("intake_bulk")
            .field("case_id", .string, .required)
            .field("flagged_at", .int64, .required)
            .unique(on: "case_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("intake_bulk").delete()
        try await database.schema("public_form_limits").delete()
    }
}
