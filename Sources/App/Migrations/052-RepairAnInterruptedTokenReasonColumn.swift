import Fluent
import SQLKit

/// Repairs what an interrupted migration 050 left (review r15, finding 2). 050 adds `access_tokens.revoked_reason`,
/// then revokes in a write of its own; should that write fail (a lock timeout, a missing key), the column stays
/// while 050 is not recorded, and every later start failed on adding it again. This migration runs just before
/// 050 (`Migrations.all` lists it there, the one exception to "at the end": 050 is shipped and may not change).
/// - 050 recorded, or no such column: nothing to do (every database but an interrupted one).
/// - The column there without 050, and empty: it is dropped, so that 050 runs again whole. Its write rolled back,
///   so no reason was ever stored in it; a column holding any value is left for a person to look at.
struct RepairAnInterruptedTokenReasonColumn: AsyncMigration {
    static let guarded = String(reflecting: RevokeTokensOfChangedAccounts.self)

    func prepare(on database: any Database) async throws {
        struct Found: Decodable { let n: Int }
        let sql = database.sql
        let recorded =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM _fluent_migrations WHERE name = \(bind: Self.guarded)"
            ).first(decoding: Found.self)?.n ?? 0
        guard recorded == 0 else { return }
        let query: SQLQueryString =
            sql.dialect.name == "sqlite"
            ? "SELECT COUNT(*) AS n FROM pragma_table_info('access_tokens') WHERE name = 'revoked_reason'"
            : """
            SELECT COUNT(*)::int AS n FROM information_schema.columns WHERE table_schema = current_schema()
              AND table_name = 'access_tokens' AND column_name = 'revoked_reason'
            """
        guard try await sql.raw(query).first(decoding: Found.self)?.n ?? 0 > 0 else { return }
        let kept =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM access_tokens WHERE revoked_reason IS NOT NULL"
            ).first(decoding: Found.self)?.n ?? 0
        guard kept == 0 else { return }
        try await sql.raw("ALTER TABLE access_tokens DROP COLUMN revoked_reason").run()
    }

    func revert(on database: any Database) async throws {}
}
