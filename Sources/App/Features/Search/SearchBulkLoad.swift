import Fluent
import SQLKit

/// A large import on PostgreSQL (issue 22): without the GIN index's pending list (migration 049), every word of
/// every imported text is one insertion into the index, and 100,000 publications took nine minutes instead of one.
/// During the load the index keeps its pending list, which is merged in sorted runs; at the end the list is merged
/// in and the index goes back to having none, so the rule of migration 049 holds again before the import returns.
/// A search during the load may meet the race that rule prevents: `SearchQueries.postgres` drops a publication
/// found twice, so the page shows it once.
extension SearchIndex {
    static let bulkLoadBytes = 1_000_000

    static func bulkLoad<T: Sendable>(on db: any Database, _ body: () async throws -> T) async throws -> T {
        guard isPostgres(db.sql) else { return try await body() }
        try await db.sql.raw("ALTER INDEX publication_search_document SET (fastupdate = on)").run()
        do {
            let result = try await body()
            try await withoutPendingList(on: db.sql)
            return result
        } catch {
            try? await withoutPendingList(on: db.sql)
            throw error
        }
    }

    /// Turns the pending list off and merges what it holds; also at start-up, after an import that was killed.
    static func withoutPendingList(on sql: any SQLDatabase) async throws {
        guard isPostgres(sql) else { return }
        struct Options: Decodable { let on: Bool }
        let on =
            try await sql.raw(
                """
                SELECT COALESCE('fastupdate=on' = ANY(reloptions), false) AS on FROM pg_class
                WHERE oid = to_regclass('publication_search_document')
                """
            ).first(decoding: Options.self)?.on ?? false
        guard on else { return }
        try await sql.raw("ALTER INDEX publication_search_document SET (fastupdate = off)").run()
        try await sql.raw("SELECT gin_clean_pending_list('publication_search_document')").run()
    }
}
