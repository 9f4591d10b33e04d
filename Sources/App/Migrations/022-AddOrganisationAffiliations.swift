import Fluent
import SQLKit

/// The organisations an organisation is affiliated with (ids of the directory, comma separated), set in the back office.
struct AddOrganisationAffiliations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("organisations").field("affiliated_ids", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("organisations").deleteField("affiliated_ids").update()
    }
}
