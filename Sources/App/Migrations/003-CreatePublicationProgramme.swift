import Fluent
import SQLKit

struct CreatePublicationProgramme: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("publication_programmes")
            .field("publication_id", .string, .required, .references("publications", "id", onDelete: .cascade))
            .field("programme", .string, .required)
            // the publication's facets, copied so facet counts never read the publications table
            .field("status", .string, .required)
            .field("type", .string, .required)
            .field("language", .string, .required)
            .field("year", .int, .required)
            .compositeIdentifier(over: "publication_id", "programme")
            .create()
        try await database.sql.create(index: "publication_programmes_by_programme").on("publication_programmes")
            .column("programme").column("publication_id").run()
        // Covers facet counts under any filter.
        try await database.sql.create(index: "publication_programmes_facets").on("publication_programmes")
            .column("status").column("programme").column("type").column("language").column("year").column(
                "publication_id"
            ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("publication_programmes").delete()
    }
}
