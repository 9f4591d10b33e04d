import Fluent
import SQLKit

/// The full-text index of publications: SQLite FTS5 (unicode61, accents removed) on the embedded engine; a
/// `tsvector` with a GIN index (simple configuration, accents removed with `unaccent`) on PostgreSQL. Both
/// match whole words and prefixes without stemming, so a search finds the same publications on either.
struct CreateSearchIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        if SearchIndex.isPostgres(sql) {
            // Extensions are database-wide: several instances (or test schemas) migrating at once would race on
            // "IF NOT EXISTS", so creation is serialised with a transaction-scoped advisory lock.
            try await database.transaction { tx in
                try await tx.sql.raw("SELECT pg_advisory_xact_lock(74052002)").run()
                try await tx.sql.raw("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public").run()
            }
            try await sql.raw(
                "CREATE TABLE publication_search (publication_id TEXT PRIMARY KEY, document TSVECTOR NOT NULL)"
            ).run()
            try await sql.raw("CREATE INDEX publication_search_document ON publication_search USING GIN (document)")
                .run()
        } else {
            // search_documents gives each publication a lasting integer that sorts by date (see SearchIndex.rowid),
            // the FTS row's rowid, so "newest first" is the index's own order. `facets` holds one token per filter
            // value (status, type, language, year, countries, programmes), so filters are index lookups too.
            try await sql.raw(
                "CREATE TABLE search_documents (rowid INTEGER PRIMARY KEY, publication_id TEXT NOT NULL UNIQUE)"
            ).run()
            try await sql.raw(
                """
                CREATE VIRTUAL TABLE publication_search USING fts5(title, summary, body, facets, tokenize = 'unicode61 remove_diacritics 2')
                """
            ).run()
        }
        try await SearchIndex.rebuild(on: sql)
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP TABLE publication_search").run()
        if !SearchIndex.isPostgres(database.sql) { try await database.sql.raw("DROP TABLE search_documents").run() }
    }
}
