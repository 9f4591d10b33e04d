import Fluent
import SQLKit

/// One row per country of a publication: a publication with several countries appears under each.
struct CreatePublicationCountry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("publication_countries")
            .field("publication_id", .string, .required, .references("publications", "id", onDelete: .cascade))
            .field("country_code", .string, .required)
            .field("position", .int, .required)
            // the publication's facets, copied so facet counts never read the publications table
            .field("status", .string, .required)
            .field("type", .string, .required)
            .field("language", .string, .required)
            .field("year", .int, .required)
            .compositeIdentifier(over: "publication_id", "country_code")
            .create()
        try await database.sql.create(index: "publication_countries_by_country").on("publication_countries")
            .column("country_code").column("publication_id").run()
        // Covers facet counts under any filter.
        try await database.sql.create(index: "publication_countries_facets").on("publication_countries")
            .column("status").column("country_code").column("type").column("language").column("year").column(
                "publication_id"
            ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("publication_countries").delete()
    }
}
