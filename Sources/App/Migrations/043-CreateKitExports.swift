import Fluent
import SQLKit

/// The office's own record of each offline kit it exported (issue 20, review finding 1): a returned kit is
/// checked against it, since whoever holds a kit and its passphrase can change anything in it and seal it again.
/// The digests are keyed hashes (`FieldCipher.lookupHash`) of each exported row: they confirm nothing without the
/// database's key.
struct CreateKitExports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("kit_exports")
            // managed fields
            .field("id", .string, .identifier(auto: false))  // the kit's id (kit-…)
            .field("created_at", .int64, .required)
            .field("exported_by", .string, .required)
            // data fields
            .field("mission_id", .string, .required)
            .field("expires_at", .int64, .required)
            .field("case_ids", .string, .required)  // comma-separated
            .field("attachment_ids", .string, .required)  // comma-separated
            .field("row_digests", .string, .required)  // one "table id digest" a line
            .field("merged_case_ids", .string, .required)  // cases made offline, once merged (comma-separated)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("kit_exports").delete()
    }
}
