import Fluent
import SQLKit

struct CreatePublication: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("publications")
            // managed fields
            .field("id", .string, .identifier(auto: false))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            // data fields: the short ones first and the body last, so reading a row's facts never walks the body
            .field("status", .string, .required)  // published | draft
            .field("type", .string, .required)
            .field("kind", .string)
            .field("language", .string, .required)
            .field("published_on", .string, .required)  // YYYY-MM-DD, sorts as text
            .field("year", .int, .required)
            .field("title", .string, .required)
            .field("country_codes", .string, .required)  // "MX,EU": display order, filters use publication_countries
            .field("programme_slugs", .string, .required)
            .field("reference", .string)
            .field("follow_up_of", .string)
            .field("translation_of", .string)
            .field("event_date", .string)
            .field("summary", .string, .required)
            .field("body", .string, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "publications_listing").on("publications").column("status").column("published_on")
            .column("id").run()
        // Covers counts and facets, so they read the index and not the rows.
        try await sql.create(index: "publications_facets").on("publications")
            .column("status").column("type").column("language").column("year").column("published_on").column("id").run()
        try await sql.create(index: "publications_follow_up_of").on("publications").column("follow_up_of").run()
        try await sql.create(index: "publications_translation_of").on("publications").column("translation_of").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("publications").delete()
    }
}
