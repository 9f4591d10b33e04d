import Fluent
import SQLKit

/// The kit merge's safeguards (review of issue 20's kit, findings 1, 7 and 9): when a returned kit was merged and
/// the SHA-256 of the merged file (any other file with that kit's id is refused afterwards, the same file again
/// changes nothing), and an index on audit_log(record_id) so that a merge asks whether the office ever knew an id
/// without a scan of the log.
struct HardenKitMerge: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        for statement in [
            "ALTER TABLE kit_exports ADD COLUMN merged_at BIGINT",
            "ALTER TABLE kit_exports ADD COLUMN merged_sha256 TEXT"
        ] {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
        try await sql.create(index: "audit_log_record_id").on("audit_log").column("record_id").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.drop(index: "audit_log_record_id").run()
        for column in ["merged_at", "merged_sha256"] {
            try await sql.raw("ALTER TABLE kit_exports DROP COLUMN \(unsafeRaw: column)").run()
        }
    }
}
