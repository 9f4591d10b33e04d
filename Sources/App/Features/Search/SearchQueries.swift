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
    static let postgresHeadline =
        "StartSel=\u{2}, StopSel=\u{3}, MaxFragments=1, MaxWords=30, MinWords=12, FragmentDelimiter=…"

    /// The number of matches and the page `filter.page` of them.
    static func search(
        _ query: SearchQuery, _ filter: PublicationFilter, on db: any Database
    ) async throws -> (total: Int, results: [SearchResult]) {
        guard !query.isEmpty else { return (0, []) }
        if SearchIndex.isPostgres(db.sql) { return try await postgres(query, filter, on: db) }
        return try await sqlite(query, filter, on: db.sql)
    }

    // MARK: SQLite: three ranked tiers, each read newest first straight from the index.

    /// The FTS5 expression of the active list filters, or nil.
    static func facetExpression(_ filter: PublicationFilter) -> String? {
        let tokens = facetTokens(filter)
        return tokens.isEmpty ? nil : "{facets} : (" + tokens.joined(separator: " ") + ")"
    }

    /// The facet tokens of the active list filters (both engines).
    static func facetTokens(_ filter: PublicationFilter) -> [String] {
        var tokens: [String] = []
        if let type = filter.type { tokens.append(SearchIndex.facet("type", type.rawValue)) }
        if let language = filter.language { tokens.append(SearchIndex.facet("language", language.rawValue)) }
        if let year = filter.year { tokens.append(SearchIndex.facet("year", String(year))) }
        if let country = filter.country { tokens.append(SearchIndex.facet("country", country.code)) }
        if let programme = filter.programme { tokens.append(SearchIndex.facet("programme", programme.rawValue)) }
        return tokens
    }

    /// Drafts and scheduled publications are never found.
    static let unpublished =
        "{facets} : (" + SearchIndex.facet("status", "draft") + " OR " + SearchIndex.facet("status", "scheduled") + ")"

    static func sqlite(
        _ query: SearchQuery, _ filter: PublicationFilter, on sql: any SQLDatabase
    ) async throws -> (total: Int, results: [SearchResult]) {
        // User words can only ever match titles, summaries and bodies (facet tokens are not words anyone types
        // into a search, and would do no harm), so "anywhere" needs no column filter, which keeps it cheap.
        let terms = query.fts5
        let filtered = facetExpression(filter).map { "(\(terms)) AND \($0)" } ?? "(\(terms))"
        let inTitle = "{title} : (\(terms))", inSummary = "{summary} : (\(terms))"
        let all = "(\(filtered)) NOT \(unpublished)"
        let tiers = [
            "(\(all)) AND \(inTitle)", "((\(all)) AND \(inSummary)) NOT \(inTitle)",
            "(((\(all)) NOT \(inTitle)) NOT \(inSummary))"
        ]
        struct CountRow: Decodable { let n: Int }
        struct RowID: Decodable { let rowid: Int64 }
        func count(_ expression: String) async throws -> Int {
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM publication_search WHERE publication_search MATCH \(bind: expression)"
            )
            .first(decoding: CountRow.self)?.n ?? 0
        }
        func page(_ expression: String, limit: Int, offset: Int) async throws -> [Int64] {
            try await sql.raw(
                """
                SELECT rowid FROM publication_search WHERE publication_search MATCH \(bind: expression)
                ORDER BY rowid DESC LIMIT \(literal: limit) OFFSET \(literal: offset)
                """
            ).all(decoding: RowID.self).map(\.rowid)
        }
        let total = try await count(all)
        let rowids = try await walkTiers(tiers, total: total, offset: filter.offset, count: count, page: page)
        guard !rowids.isEmpty else { return (total, []) }
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: PublicationSummary.columns), s.rowid AS search_rowid,
            snippet(publication_search, -1, char(2), char(3), '…', 24) AS snippet
            FROM publication_search s JOIN search_documents d ON d.rowid = s.rowid JOIN publications p ON p.id = \
            d.publication_id
            WHERE publication_search MATCH \(bind: terms) AND s.rowid BETWEEN \(bind: rowids.min()!) AND \
            \(bind: rowids.max()!)
            AND s.rowid + 0 IN (\(binds: rowids))
            """
        ).all()  // one pass over a rowid range ("+ 0" keeps SQLite from running the MATCH once per rowid)
        var byRowID: [Int64: SearchResult] = [:]
        for row in rows {
            byRowID[try row.decode(column: "search_rowid", as: Int64.self)] = SearchResult(
                publication: try PublicationSummary(row: row),
                snippet: Snippet.html(try row.decode(column: "snippet", as: String.self)))
        }
        return (total, rowids.compactMap { byRowID[$0] })
    }

    /// The keys of one page: walks the tiers in order (both engines). A tier is counted only when the page may
    /// start beyond it (page 2 on), so the first page costs one count and a read of at most 30 rows per tier.
    static func walkTiers<Key>(
        _ tiers: [String], total: Int, offset: Int, count: (String) async throws -> Int,
        page: (String, Int, Int) async throws -> [Key]
    ) async throws -> [Key] {
        var skip = offset, wanted = PublicationFilter.pageSize
        var keys: [Key] = []
        for (index, tier) in tiers.enumerated() where wanted > 0 && skip < total {
            if skip > 0, index < tiers.count - 1 {
                let size = try await count(tier)
                if skip >= size { skip -= size; continue }
            }
            let found = try await page(tier, wanted, skip)
            keys += found
            wanted -= found.count
            skip = 0
        }
        return keys
    }
}
