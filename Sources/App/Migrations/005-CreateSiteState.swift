import Fluent

/// Small shared facts of the site, such as the content version every instance watches to drop its page cache.
struct CreateSiteState: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("site_state")
            .field("key", .string, .identifier(auto: false))
            .field("value", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("site_state").delete()
    }
}
