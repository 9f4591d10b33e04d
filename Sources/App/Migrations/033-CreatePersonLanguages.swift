import Fluent
import SQLKit

/// A person at risk's public description in another language, and their name as written in it (both sealed,
/// bound to the row): what the redaction of a translation replaces and looks for.
struct CreatePersonLanguages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("case_person_languages")
            // managed fields
            .field("id", .string, .identifier(auto: false))
            // data fields
            .field("person_id", .string, .required)
            .field("case_id", .string, .required)
            .field("language", .string, .required)
            .field("description_sealed", .string, .required)
            .field("spelling_sealed", .string, .required)
            .field("changed_at", .int64, .required)
            // constraints
            .unique(on: "person_id", "language")
            .create()
        try await database.sql.create(index: "case_person_languages_case").on("case_person_languages")
            .column("case_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("case_person_languages").delete()
    }
}
