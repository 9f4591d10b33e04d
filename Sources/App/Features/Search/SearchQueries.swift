import Fluent
import ObservatoryCore
import SQLKit

/// A publication found by a search, with the passage that matched.
struct SearchResult: Sendable {
    let publication: PublicationSummary
    let snippet: HTML
}

/// Full-text search of published publications, combined with the list filters. Same semantics on SQLite (FTS5)
/// and PostgreSQL: every term required, prefixes and phrases, accents and case ignored. Ranking: publications
/// with every term in the title first, then in the summary, then in the body; newest first within each.
enum SearchQueries {
    static let postgresHeadline = "StartSel=\u{2}, StopSel=\u{3}, MaxFragments=1, MaxWords=30, MinWords=12, FragmentDelimiter=…"

    /// The number of matches and the page `filter.page` of them.
    static func search(_ query: SearchQuery, _ filter: PublicationFilter, on db: any Database) async throws -> (total: Int, results: [SearchResult]) {
        guard !query.isEmpty else { return (0, []) }
        return SearchIndex.isPostgres(db.sql) ? try await postgres(query, filter, on: db.sql) : try await sqlite(query, filter, on: db.sql)
    }

    // MARK: SQLite: three ranked tiers, each read newest first straight from the index.

    /// The FTS5 expression of the list filters (published only, plus every active filter).
    static func facetExpression(_ filter: PublicationFilter) -> String {
        var tokens = [SearchIndex.facet("status", "published")]
        if let type = filter.type { tokens.append(SearchIndex.facet("type", type.rawValue)) }
        if let language = filter.language { tokens.append(SearchIndex.facet("language", language.rawValue)) }
        if let year = filter.year { tokens.append(SearchIndex.facet("year", String(year))) }
        if let country = filter.country { tokens.append(SearchIndex.facet("country", country.code)) }
        if let programme = filter.programme { tokens.append(SearchIndex.facet("programme", programme.rawValue)) }
        return "{facets} : (" + tokens.joined(separator: " ") + ")"
    }

    static func sqlite(_ query: SearchQuery, _ filter: PublicationFilter, on sql: any SQLDatabase) async throws -> (total: Int, results: [SearchResult]) {
        let terms = query.fts5, facets = facetExpression(filter)
        let inTitle = "{title} : (\(terms))", inSummary = "{summary} : (\(terms))", anywhere = "{title summary body} : (\(terms))"
        let tiers = ["\(facets) AND \(inTitle)", "\(facets) AND (\(inSummary) NOT \(inTitle))",
                     "\(facets) AND ((\(anywhere) NOT \(inTitle)) NOT \(inSummary))"]
        struct CountRow: Decodable { let n: Int }
        struct RowID: Decodable { let rowid: Int64 }
        var counts: [Int] = []
        for tier in tiers {
            counts.append(try await sql.raw("SELECT COUNT(*) AS n FROM publication_search WHERE publication_search MATCH \(bind: tier)")
                .first(decoding: CountRow.self)?.n ?? 0)
        }
        var skip = filter.offset, wanted = PublicationFilter.pageSize
        var rowids: [Int64] = []
        for (tier, count) in zip(tiers, counts) where wanted > 0 {
            if skip >= count { skip -= count; continue }
            let page = try await sql.raw("""
                SELECT rowid FROM publication_search WHERE publication_search MATCH \(bind: tier)
                ORDER BY rowid DESC LIMIT \(literal: min(wanted, count - skip)) OFFSET \(literal: skip)
                """).all(decoding: RowID.self).map(\.rowid)
            rowids += page
            wanted -= page.count
            skip = 0
        }
        guard !rowids.isEmpty else { return (counts.reduce(0, +), []) }
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: PublicationSummary.columns), s.rowid AS search_rowid,
            snippet(publication_search, -1, char(2), char(3), '…', 24) AS snippet
            FROM publication_search s JOIN search_documents d ON d.rowid = s.rowid JOIN publications p ON p.id = d.publication_id
            WHERE publication_search MATCH \(bind: "\(facets) AND \(anywhere)") AND s.rowid IN (\(binds: rowids))
            """).all()
        var byRowID: [Int64: SearchResult] = [:]
        for row in rows {
            byRowID[try row.decode(column: "search_rowid", as: Int64.self)] = SearchResult(
                publication: try PublicationSummary(row: row), snippet: Snippet.html(try row.decode(column: "snippet", as: String.self)))
        }
        return (counts.reduce(0, +), rowids.compactMap { byRowID[$0] })
    }

    // MARK: PostgreSQL: the same tiers as a sort key.

    static func postgres(_ query: SearchQuery, _ filter: PublicationFilter, on sql: any SQLDatabase) async throws -> (total: Int, results: [SearchResult]) {
        let match: SQLQueryString = "to_tsquery('simple', public.unaccent('public.unaccent', \(bind: query.tsquery)))"
        struct CountRow: Decodable { let n: Int }
        let total = try await sql.raw("""
            SELECT COUNT(*) AS n FROM publication_search s JOIN publications p ON p.id = s.publication_id
            WHERE s.document @@ \(match) AND \(PublicationQueries.conditions(filter))
            """).first(decoding: CountRow.self)?.n ?? 0
        guard total > filter.offset else { return (total, []) }
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: PublicationSummary.columns),
            ts_headline('simple', CASE WHEN p.body = '' THEN p.summary ELSE p.body END, q.query, \(bind: postgresHeadline)) AS snippet
            FROM publication_search s JOIN publications p ON p.id = s.publication_id,
            (SELECT \(match) AS query,
                    to_tsquery('simple', public.unaccent('public.unaccent', \(bind: query.tsquery(weights: "A")))) AS title,
                    to_tsquery('simple', public.unaccent('public.unaccent', \(bind: query.tsquery(weights: "B")))) AS summary) q
            WHERE s.document @@ q.query AND \(PublicationQueries.conditions(filter))
            ORDER BY CASE WHEN s.document @@ q.title THEN 0 WHEN s.document @@ q.summary THEN 1 ELSE 2 END, p.published_on DESC, p.id DESC
            LIMIT \(literal: PublicationFilter.pageSize) OFFSET \(literal: filter.offset)
            """).all()
        return (total, try rows.map { row in
            SearchResult(publication: try PublicationSummary(row: row), snippet: Snippet.html(try row.decode(column: "snippet", as: String.self)))
        })
    }
}
