import Fluent
import SQLKit
import Vapor

/// Every command migrates through here (`serve` through `prepareStorage`, under the same lock): under the migration
/// lock, so that a command started during another instance's upgrade waits for it, the repairs of an interrupted
/// upgrade first, then Fluent's migrations.
func migrateStorage(_ app: Application) async throws {
    try await withMigrationLock(app) {
        try await UpgradeRepair.run(on: app.db)
        try await app.autoMigrate()
    }
}

/// What an upgrade cut short left behind, which the next start must undo before the migrations run again. It runs
/// before every migration batch (a migration could not do it: Fluent records each migration as soon as it
/// returns, so a repair listed before the one it repairs is spent before that one fails; review r16, finding 1).
enum UpgradeRepair {
    static func run(on db: any Database) async throws {
        try await interruptedTokenReasons(on: db)
    }

    /// Review r15, finding 2: migration 050 (shipped, so unchanged) adds `access_tokens.revoked_reason`, then
    /// revokes in a write of its own. Should that write fail (a lock timeout, a lost connection, a stopped
    /// process), the column stays while 050 is not recorded, and every later start failed on adding it again. The
    /// column is dropped so that 050 runs again whole, only when 050 is not recorded and no reason was stored in
    /// it (its write rolled back, so none was). A column holding any value is left for a person to look at.
    static func interruptedTokenReasons(on db: any Database) async throws {
        struct Found: Decodable { let n: Int }
        let sql = db.sql
        guard try await SealedStorage.tableExists("_fluent_migrations", on: db) else { return }
        let name = String(reflecting: RevokeTokensOfChangedAccounts.self)
        let recorded =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM _fluent_migrations WHERE name = \(bind: name)"
            ).first(decoding: Found.self)?.n ?? 0
        guard recorded == 0 else { return }
        let query: SQLQueryString =
            sql.dialect.name == "sqlite"
            ? "SELECT COUNT(*) AS n FROM pragma_table_info('access_tokens') WHERE name = 'revoked_reason'"
            : """
            SELECT COUNT(*) AS n FROM information_schema.columns WHERE table_schema = current_schema()
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
}
