import Fluent
import SQLKit

/// The offline mission kit's merge (issue 20): what a returned kit could not apply by itself, for a case officer
/// to decide on the case page: a field changed both in the kit and at the office (both values kept: the office's
/// in its record, the kit's here, sealed), or a record deleted on one side and changed on the other (kept).
struct CreateKitConflicts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("kit_conflicts")
            // managed fields
            .field("id", .string, .identifier(auto: false))
            .field("created_at", .int64, .required)
            .field("decided_by", .string)
            .field("decided_at", .int64)
            // data fields
            .field("kit_id", .string, .required)
            .field("mission_id", .string, .required)
            .field("case_id", .string)  // nil for the mission's own records
            .field("table_name", .string, .required)
            .field("row_id", .string, .required)
            .field("column_name", .string, .required)  // "" for a whole record
            .field("kind", .string, .required)  // both-changed | deleted-in-kit | deleted-at-office
            .field("kit_value_sealed", .string)  // both-changed: the kit's value, sealed
            .field("actor", .string, .required)  // the mission member who worked offline
            .field("decision", .string)  // office | kit
            .unique(on: "kit_id", "table_name", "row_id", "column_name")
            .create()
        try await database.sql.create(index: "kit_conflicts_case").on("kit_conflicts").column("case_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("kit_conflicts").delete()
    }
}
