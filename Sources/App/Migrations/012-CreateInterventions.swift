import Fluent
import SQLKit

/// Interventions drafted on cases (draft text sealed; the approved, redacted public text in clear), the
/// counters behind reference codes, and the authorities' addresses per country.
struct CreateInterventions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("interventions")
            .field("id", .string, .identifier(auto: false))
            .field("case_id", .string, .required)
            .field("kind", .string, .required)
            .field("language", .string, .required)
            .field("follow_up_of", .string)  // the original intervention of a follow-up
            .field("translation_of", .string)  // the intervention this one translates
            .field("title_sealed", .string, .required)
            .field("summary_sealed", .string, .required)
            .field("body_sealed", .string, .required)
            .field("status", .string, .required)  // draft | approved | published
            .field("drafted_by", .string, .required)
            .field("drafted_at", .int64, .required)
            .field("approved_by", .string)
            .field("approved_at", .int64)
            .field("reference", .string)
            .field("public_title", .string)  // the redacted version, fixed at approval
            .field("public_summary", .string)
            .field("public_body", .string)
            .field("publication_id", .string)
            .field("published_at", .int64)
            .unique(on: "reference", "language")
            .create()
        try await database.sql.create(index: "interventions_case_id").on("interventions").column("case_id").run()
        try await database.schema("reference_counters")
            .field("name", .string, .identifier(auto: false))  // OBS-2026, MEX-2026, FU-<intervention id>
            .field("value", .int, .required)
            .create()
        try await database.schema("authority_addresses")
            .field("id", .string, .identifier(auto: false))
            .field("country_code", .string, .required)
            .field("label", .string, .required)
            .field("address", .string, .required)
            .create()
        try await database.sql.create(index: "authority_addresses_country").on("authority_addresses").column(
            "country_code"
        ).run()
    }

    func revert(on database: any Database) async throws {
        for table in ["authority_addresses", "reference_counters", "interventions"] {
            try await database.schema(table).delete()
        }
    }
}
