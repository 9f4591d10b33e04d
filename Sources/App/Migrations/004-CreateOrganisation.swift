import Fluent
import SQLKit

/// Member organisations of the networks, for the directory.
struct CreateOrganisation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("organisations")
            // managed fields
            .field("id", .string, .identifier(auto: false))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            // data fields
            .field("name", .string, .required)
            .field("type", .string)
            .field("country_code", .string)
            .field("working_languages", .string, .required)  // "en,fr"
            .field("networks", .string, .required)  // "sos-torture,observatory-partners"
            .field("founded", .int)
            .field("website", .string)
            .create()
        try await database.sql.create(index: "organisations_country").on("organisations").column("country_code").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("organisations").delete()
    }
}
