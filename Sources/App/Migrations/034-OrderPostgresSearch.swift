import Fluent
import SQLKit

/// PostgreSQL's search index in SQLite's design (see `PostgresSearch.swift`): `search_documents` (each
/// publication's lasting rowid, sorting by date) and `publication_search` (published rows: rowid and a `tsvector`
/// of FTS5's tokens, one GIN index), filled from every publication stored. SQLite already has this design (010).
struct OrderPostgresSearch: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard SearchIndex.isPostgres(database.sql) else { return }
        try await database.transaction { tx in
            let sql = tx.sql
            try await sql.raw("DROP TABLE publication_search").run()
            try await sql.raw(
                """
                CREATE TABLE search_documents (rowid BIGINT PRIMARY KEY, publication_id TEXT NOT NULL UNIQUE)
                """
            ).run()
            try await sql.raw(
                """
                CREATE TABLE publication_search (publication_id TEXT PRIMARY KEY, rowid BIGINT NOT NULL UNIQUE,
                document TSVECTOR NOT NULL)
                """
            ).run()
            try await SearchIndex.rebuild(on: sql)
            // Built once the rows are in (faster than row by row), then statistics, so the first plans are good.
            try await sql.raw("CREATE INDEX publication_search_document ON publication_search USING GIN (document)")
                .run()
        }
        try await database.sql.raw("ANALYZE publication_search").run()
    }

    /// Back to 010's form: a weighted `tsvector` per publication.
    func revert(on database: any Database) async throws {
        guard SearchIndex.isPostgres(database.sql) else { return }
        try await database.transaction { tx in
            let sql = tx.sql
            try await sql.raw("DROP TABLE publication_search").run()
            try await sql.raw("DROP TABLE search_documents").run()
            try await sql.raw(
                """
                CREATE TABLE publication_search (publication_id TEXT PRIMARY KEY, document TSVECTOR NOT NULL)
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO publication_search (publication_id, document)
                SELECT p.id, \(unsafeRaw: SearchIndex.postgresDocument) FROM publications p
                """
            ).run()
            try await sql.raw("CREATE INDEX publication_search_document ON publication_search USING GIN (document)")
                .run()
        }
    }
}
