import Fluent
import SQLKit

/// The old site's addresses (a WordPress permalink, `/?p=123`, a category or tag archive, a feed), each as its
/// normalised key (`LegacyPath`), with the path on this site it now answers with a 301. `source` names what the
/// import made it for (a publication id, `category:slug`, `feed`), so a re-import replaces it.
struct CreateLegacyPaths: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("legacy_paths")
            .field("path", .string, .identifier(auto: false))
            .field("target", .string, .required)
            .field("source", .string, .required)
            .field("updated_at", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("legacy_paths").delete()
    }
}
