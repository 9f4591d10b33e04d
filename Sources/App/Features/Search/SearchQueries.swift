import Fluent
import ObservatoryCore
import SQLKit

/// A publication found by a search, with the passage that matched.
struct SearchResult: Sendable {
    let publication: PublicationSummary
    let snippet: HTML
}

/// Full-text search of published publications, combined with the list filters. Same semantics on SQLite (FTS5)
/// and PostgreSQL: every term required, prefixes and phrases, accents and case ignored, title above summary
/// above body.
enum SearchQueries {
    static let postgresHeadline = "StartSel=\u{2}, StopSel=\u{3}, MaxFragments=1, MaxWords=30, MinWords=12, FragmentDelimiter=…"

    static func results(_ query: SearchQuery, _ filter: PublicationFilter, on db: any Database) async throws -> [SearchResult] {
        guard !query.isEmpty else { return [] }
        let sql = db.sql
        let statement: SQLQueryString
        if SearchIndex.isPostgres(sql) {
            statement = """
                SELECT \(unsafeRaw: PublicationSummary.columns),
                ts_headline('simple', CASE WHEN p.body = '' THEN p.summary ELSE p.body END, q.query, \(bind: postgresHeadline)) AS snippet
                FROM publication_search s JOIN publications p ON p.id = s.publication_id,
                (SELECT to_tsquery('simple', public.unaccent('public.unaccent', \(bind: query.tsquery))) AS query) q
                WHERE s.document @@ q.query AND \(PublicationQueries.conditions(filter))
                ORDER BY ts_rank(s.document, q.query) DESC, p.published_on DESC, p.id DESC
                LIMIT \(literal: PublicationFilter.pageSize) OFFSET \(literal: filter.offset)
                """
        } else {
            statement = """
                SELECT \(unsafeRaw: PublicationSummary.columns), snippet(publication_search, -1, char(2), char(3), '…', 24) AS snippet
                FROM publication_search s JOIN search_documents d ON d.rowid = s.rowid JOIN publications p ON p.id = d.publication_id
                WHERE publication_search MATCH \(bind: query.fts5) AND \(PublicationQueries.conditions(filter))
                ORDER BY bm25(publication_search, 10.0, 4.0, 1.0), p.published_on DESC, p.id DESC
                LIMIT \(literal: PublicationFilter.pageSize) OFFSET \(literal: filter.offset)
                """
        }
        return try await sql.raw(statement).all().map { row in
            SearchResult(publication: try PublicationSummary(row: row), snippet: Snippet.html(try row.decode(column: "snippet", as: String.self)))
        }
    }

    static func count(_ query: SearchQuery, _ filter: PublicationFilter, on db: any Database) async throws -> Int {
        guard !query.isEmpty else { return 0 }
        struct CountRow: Decodable { let n: Int }
        let sql = db.sql
        let statement: SQLQueryString = SearchIndex.isPostgres(sql)
            ? """
              SELECT COUNT(*) AS n FROM publication_search s JOIN publications p ON p.id = s.publication_id
              WHERE s.document @@ to_tsquery('simple', public.unaccent('public.unaccent', \(bind: query.tsquery))) AND \(PublicationQueries.conditions(filter))
              """
            : """
              SELECT COUNT(*) AS n FROM publication_search s JOIN search_documents d ON d.rowid = s.rowid JOIN publications p ON p.id = d.publication_id
              WHERE publication_search MATCH \(bind: query.fts5) AND \(PublicationQueries.conditions(filter))
              """
        return try await sql.raw(statement).first(decoding: CountRow.self)?.n ?? 0
    }
}
