import Fluent
import SQLKit

/// A partner's access to what was shared for verification ends at a date (null: requests made before this).
struct AddVerificationExpiry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("verifications").field("expires_at", .int64).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("verifications").deleteField("expires_at").update()
    }
}
