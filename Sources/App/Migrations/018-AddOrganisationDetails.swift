import Fluent
import SQLKit

/// What the back office adds to an imported organisation: a public description, and its contacts (people, phones,
/// secure channels), sealed and internal.
struct AddOrganisationDetails: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("organisations").field("description", .string).update()
        try await database.schema("organisations").field("contacts_sealed", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("organisations").deleteField("contacts_sealed").update()
        try await database.schema("organisations").deleteField("description").update()
    }
}
