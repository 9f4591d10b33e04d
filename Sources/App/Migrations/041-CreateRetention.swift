import Fluent
import SQLKit

/// Retention (issue 20): the period of each kind of record, set by administrators (a kind with no row keeps its
/// default), and each decision a case officer took on a due record (extended to a date, or anonymised). A deleted
/// record leaves no row here: the audit trail alone keeps that it existed, its kind, who decided and why.
struct CreateRetention: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("retention_policies")
            // managed fields
            .field("kind", .string, .identifier(auto: false))
            .field("changed_by", .string, .required)
            .field("changed_at", .int64, .required)
            // data fields
            .field("days", .int, .required)
            .create()
        try await database.schema("retention_decisions")
            // managed fields
            .field("id", .string, .identifier(auto: false))  // <kind>:<record id>
            .field("decided_by", .string, .required)
            .field("decided_at", .int64, .required)
            // data fields
            .field("kind", .string, .required)
            .field("record_id", .string, .required)
            .field("decision", .string, .required)  // extend | anonymise
            .field("until", .int64)  // an extension's end (seconds)
            .create()
        try await database.sql.create(index: "retention_decisions_record").on("retention_decisions")
            .column("kind").column("record_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("retention_decisions").delete()
        try await database.schema("retention_policies").delete()
    }
}
