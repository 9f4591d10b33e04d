import Fluent
import SQLKit

/// Keeps the full-text index in step with the publications: called in the same transaction as every write of
/// publication text (import, editor), so a search never sees a stale document. Status is not indexed: searches
/// join the publications and keep only the published ones, so publishing and unpublishing need no re-indexing.
enum SearchIndex {
    static func isPostgres(_ sql: any SQLDatabase) -> Bool { sql.dialect.name == "postgresql" }

    /// The PostgreSQL document: title weighted A, summary B, body D, accents removed.
    static let postgresDocument = """
        setweight(to_tsvector('simple', public.unaccent('public.unaccent', p.title)), 'A') ||
        setweight(to_tsvector('simple', public.unaccent('public.unaccent', p.summary)), 'B') ||
        setweight(to_tsvector('simple', public.unaccent('public.unaccent', p.body)), 'D')
        """

    /// Re-indexes the given publications (their text as stored now).
    static func update(ids: [String], on sql: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        try await index(where: "p.id IN (\(binds: ids))", on: sql)
    }

    /// Indexes every publication again (after the index is created).
    static func rebuild(on sql: any SQLDatabase) async throws {
        try await index(where: "1 = 1", on: sql)
    }

    /// (Re)writes the index rows of the publications `p` matching `condition`.
    private static func index(where condition: SQLQueryString, on sql: any SQLDatabase) async throws {
        if isPostgres(sql) {
            try await sql.raw("""
                INSERT INTO publication_search (publication_id, document)
                SELECT p.id, \(unsafeRaw: postgresDocument) FROM publications p WHERE \(condition)
                ON CONFLICT (publication_id) DO UPDATE SET document = excluded.document
                """).run()
            return
        }
        try await sql.raw("INSERT OR IGNORE INTO search_documents (publication_id) SELECT p.id FROM publications p WHERE \(condition)").run()
        try await sql.raw("""
            DELETE FROM publication_search WHERE rowid IN
            (SELECT d.rowid FROM search_documents d JOIN publications p ON p.id = d.publication_id WHERE \(condition))
            """).run()
        try await sql.raw("""
            INSERT INTO publication_search (rowid, title, summary, body)
            SELECT d.rowid, p.title, p.summary, p.body FROM publications p JOIN search_documents d ON d.publication_id = p.id
            WHERE \(condition)
            """).run()
    }
}
