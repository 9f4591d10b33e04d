import Fluent
import SQLKit

struct CreatePublicationProgramme: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("publication_programmes")
            .field("publication_id", .string, .required, .references("publications", "id", onDelete: .cascade))
            .field("programme", .string, .required)
            .compositeIdentifier(over: "publication_id", "programme")
            .create()
        try await database.sql.create(index: "publication_programmes_by_programme").on("publication_programmes")
            .column("programme").column("publication_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("publication_programmes").delete()
    }
}
