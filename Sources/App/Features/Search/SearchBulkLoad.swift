import Fluent
import SQLKit

/// A large import on PostgreSQL (issue 22): without the GIN index's pending list (migration 049), every word of
/// every imported text is one insertion into the index, and 100,000 publications took nine minutes instead of one.
/// During the load the index keeps its pending list, which is merged in sorted runs; at the end the list is merged
/// in and the index goes back to having none, so the rule of migration 049 holds again before the import returns.
/// A search during the load may meet the race that rule prevents: `SearchQueries.postgres` drops a publication
/// found twice, so the page shows it once.
///
/// A loader holds a session lock of its schema (`loadLock`) for the whole load (review r16, finding 3): a second
/// loader then loads without touching the option, and the upkeep (`tidyUp`: at start-up and every minute on each
/// server) turns the list off only while no loader runs, so an import that was killed, or whose clean-up failed,
/// leaves the list on for a minute at most. The option's changes wait at most 5 s for the index's lock, so that
/// searches and writes never queue behind them for long.
extension SearchIndex {
    static let bulkLoadBytes = 1_000_000

    static func bulkLoad<T: Sendable>(
        on db: any Database, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard isPostgres(db.sql) else { return try await body() }
        return try await db.withConnection { connection in
            guard try await tryLoadLock(on: connection.sql) else { return try await body() }  // another loader
            do {
                let on = (try? await setPendingList(true, on: db)) != nil  // busy: load without it, slower
                let result = try await body()
                // The load is stored: should the list not go off now (a busy index), the upkeep turns it off within
                // a minute, and the import still reports what it stored (review r17, finding 1).
                if on { try? await withoutPendingList(on: db) }
                try? await unlockLoadLock(on: connection.sql)
                return result
            } catch {
                try? await withoutPendingList(on: db)
                try? await unlockLoadLock(on: connection.sql)
                throw error
            }
        }
    }

    /// Start-up and every minute: with no loader running, the index has no pending list and nothing pending.
    static func tidyUp(on db: any Database) async throws {
        guard isPostgres(db.sql) else { return }
        try await db.withConnection { connection in
            guard try await tryLoadLock(on: connection.sql) else { return }  // a load runs: it tidies up itself
            do {
                try await withoutPendingList(on: db)
                try await unlockLoadLock(on: connection.sql)
            } catch {
                try? await unlockLoadLock(on: connection.sql)
                throw error
            }
        }
    }

    /// Turns the pending list off if it is on, and merges whatever it still holds (cheap when it holds nothing).
    static func withoutPendingList(on db: any Database) async throws {
        struct Options: Decodable { let on: Bool }
        let on =
            try await db.sql.raw(
                """
                SELECT COALESCE('fastupdate=on' = ANY(reloptions), false) AS on FROM pg_class
                WHERE oid = to_regclass('publication_search_document')
                """
            ).first(decoding: Options.self)?.on ?? false
        if on { try await setPendingList(false, on: db) }
        try await db.sql.raw("SELECT gin_clean_pending_list(to_regclass('publication_search_document'))").run()
    }

    private static func setPendingList(_ on: Bool, on db: any Database) async throws {
        try await db.transaction { tx in
            try await tx.sql.raw("SET LOCAL lock_timeout = '5s'").run()
            try await tx.sql.raw(
                "ALTER INDEX publication_search_document SET (fastupdate = \(unsafeRaw: on ? "on" : "off"))"
            ).run()
        }
    }

    private static let loadLockKey: SQLQueryString =
        "hashtext('observatory-search-load:' || coalesce(current_schema(), ''))"

    private static func tryLoadLock(on sql: any SQLDatabase) async throws -> Bool {
        struct Got: Decodable { let got: Bool }
        return try await sql.raw("SELECT pg_try_advisory_lock(\(loadLockKey)) AS got").first(decoding: Got.self)?
            .got ?? false
    }

    private static func unlockLoadLock(on sql: any SQLDatabase) async throws {
        try await sql.raw("SELECT pg_advisory_unlock(\(loadLockKey))").run()
    }
}
