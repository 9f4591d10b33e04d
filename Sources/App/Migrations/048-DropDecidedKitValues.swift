import Fluent
import SQLKit

/// A kit's value is kept, sealed, only until an officer decides its flag: flags decided before that rule kept
/// theirs (review of issue 20, round 5, finding 5). They are dropped; a decision's record (who, when, which) stays.
struct DropDecidedKitValues: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw("UPDATE kit_conflicts SET kit_value_sealed = NULL WHERE decided_at IS NOT NULL")
            .run()
    }

    /// The values are gone for good: nothing to put back.
    func revert(on database: any Database) async throws {}
}
