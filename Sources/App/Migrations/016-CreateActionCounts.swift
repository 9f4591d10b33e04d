import Fluent
import SQLKit

/// How many readers said they took action on an urgent appeal: a number per publication, nothing about them.
struct CreateActionCounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("action_counts")
            .field("publication_id", .string, .identifier(auto: false))
            .field("count", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("action_counts").delete()
    }
}
