import Fluent
import ObservatoryCore
import SQLKit

/// PostgreSQL's search, the same design as SQLite's (migration 034): `search_documents` gives each publication the
/// same lasting rowid that sorts by date, `publication_search` holds the published ones with their rowid and a
/// `tsvector` of FTS5's own tokens (`SearchLexemes`) under one GIN index, facets included, so every tier and every
/// filter is one index lookup and each tier is read newest first, 30 rows at most.
extension SearchIndex {
    /// Whether the index has its present form (migration 034 made it).
    static func hasOrderedLayout(_ sql: any SQLDatabase) async throws -> Bool {
        struct Found: Decodable { let found: Bool }
        return try await sql.raw("SELECT to_regclass('search_documents') IS NOT NULL AS found")
            .first(decoding: Found.self)?.found ?? false
    }

    static func updatePostgres(ids: [String], on sql: any SQLDatabase) async throws {
        // Rowids are the next free of their day: one writer at a time across instances (held to the commit).
        try await sql.raw("SELECT pg_advisory_xact_lock(74052034)").run()
        let rows = try await sql.rows(
            """
            SELECT id, published_on, status, type, language, year, country_codes, programme_slugs, title, summary, body
            FROM publications WHERE id IN (\(binds: ids))
            """, as: Row.self
        ).sorted { $0.id < $1.id }
        let existing = try await sql.rows(
            """
            SELECT rowid, publication_id FROM search_documents WHERE publication_id IN (\(binds: ids))
            """, as: Mapping.self
        )
        try await sql.raw("DELETE FROM publication_search WHERE publication_id IN (\(binds: ids))").run()
        guard !rows.isEmpty else { return }
        let rowids = try await assignRowids(rows, existing: existing, on: sql)
        // Only what is published is in the index: a draft or a scheduled text cannot be found, whatever the query.
        let published = rows.filter { $0.status == "published" }
        guard !published.isEmpty else { return }
        let tokens = try FTS5Text.tokens(published.map { [$0.title, $0.summary, $0.body, facets(of: $0)] })
        let documents = tokens.map {
            SearchLexemes.document(title: $0[0], summary: $0[1], body: $0[2], facets: $0[3])
        }
        try await sql.raw(
            """
            INSERT INTO publication_search (publication_id, rowid, document)
            SELECT i, r, CAST(d AS tsvector)
            FROM unnest(\(bind: published.map(\.id)), \(bind: published.map { rowids[$0.id]! }), \(bind: documents))
            AS x(i, r, d)
            """
        ).run()
    }
}

extension SearchQueries {
    /// The search on PostgreSQL, in a transaction that keeps the planner on the GIN index: the documents are
    /// TOASTed, so a sequential scan (or a walk of the rowid index) that reads them costs far more than the planner
    /// counts (10,000 publications: 500 ms against 2 ms), and the index answers every tier without reading any.
    static func postgres(
        _ query: SearchQuery, _ filter: PublicationFilter,
        on db: any Database
    ) async throws -> (total: Int, results: [SearchResult]) {
        try await db.transaction { tx in
            try await tx.sql.raw("SET LOCAL enable_seqscan = off").run()
            try await tx.sql.raw("SET LOCAL enable_indexscan = off").run()
            return try await postgres(query, filter, on: tx.sql)
        }
    }

    static func postgres(
        _ query: SearchQuery, _ filter: PublicationFilter,
        on sql: any SQLDatabase
    ) async throws -> (total: Int, results: [SearchResult]) {
        let terms = try FTS5Text.terms(query)
        guard let anywhere = SearchLexemes.all(terms, in: .anywhere),
            let title = SearchLexemes.all(terms, in: .title),
            let summary = SearchLexemes.all(terms, in: .summary)
        else { return (0, []) }
        let facets = facetTokens(filter).compactMap {
            SearchLexemes.query(.init(tokens: [$0], isPrefix: false), in: .facets)
        }
        let all = ([anywhere] + facets).joined(separator: " & ")
        let tiers = ["\(all) & \(title)", "\(all) & \(summary) & !\(title)", "\(all) & !\(title) & !\(summary)"]
        struct CountRow: Decodable { let n: Int }
        struct Found: Decodable { let publicationId: String }
        func count(_ expression: String) async throws -> Int {
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM publication_search WHERE document @@ CAST(\(bind: expression) AS tsquery)
                """
            ).first(decoding: CountRow.self)?.n ?? 0
        }
        func page(_ expression: String, limit: Int, offset: Int) async throws -> [String] {
            try await sql.rows(
                """
                SELECT publication_id FROM publication_search WHERE document @@ CAST(\(bind: expression) AS tsquery)
                ORDER BY rowid DESC LIMIT \(literal: limit) OFFSET \(literal: offset)
                """, as: Found.self
            ).map(\.publicationId)
        }
        let total = try await count(all)
        let ids = try await walkTiers(tiers, total: total, offset: filter.offset, count: count, page: page)
        guard !ids.isEmpty else { return (total, []) }
        let rows = try await sql.raw(
            """
            SELECT \(unsafeRaw: PublicationSummary.columns), p.status, p.year, p.body
            FROM publications p WHERE p.id IN (\(binds: ids))
            """
        ).all()
        var byID: [String: (PublicationSummary, SearchIndex.Row)] = [:]
        for row in rows {
            let summary = try PublicationSummary(row: row)
            let texts = try row.decode(model: SearchIndex.Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            byID[summary.id] = (summary, texts)
        }
        // Once each, should the index answer a publication in two tiers (it can while a large import keeps the
        // pending list on: `SearchIndex.bulkLoad`).
        var seen = Set<String>()
        let found = ids.filter { seen.insert($0).inserted }.compactMap { byID[$0] }
        // The snippets SQLite makes, from the same texts and query.
        let documents = found.map { [$0.1.title, $0.1.summary, $0.1.body, SearchIndex.facets(of: $0.1)] }
        let snippets = try FTS5Text.snippets(documents, match: query.fts5)
        return (total, zip(found, snippets).map { SearchResult(publication: $0.0, snippet: Snippet.html($1)) })
    }
}
