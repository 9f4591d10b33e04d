import Fluent
import ObservatoryCore
import SQLKit

/// Keeps the full-text index in step with the publications: called in the same transaction as every write of
/// publication text or status (import, editor), so a search never sees a stale document.
///
/// Both engines: the row of a publication has a rowid that grows with its date (`search_documents`), so the index
/// returns the newest matches first, and facet tokens (`xxfcountrymx`, `xxfstatusdraft`, …) so every list filter
/// is a lookup in the same index. SQLite: FTS5 (`updateSQLite`). PostgreSQL: a `tsvector` of FTS5's tokens under
/// a GIN index (`PostgresSearch.swift`, migration 034).
enum SearchIndex {
    static func isPostgres(_ sql: any SQLDatabase) -> Bool { sql.dialect.name == "postgresql" }

    /// PostgreSQL's document before migration 034 (its revert): title weighted A, summary B, body D, no accents.
    static let postgresDocument = """
        setweight(to_tsvector('simple', public.unaccent('public.unaccent', p.title)), 'A') ||
        setweight(to_tsvector('simple', public.unaccent('public.unaccent', p.summary)), 'B') ||
        setweight(to_tsvector('simple', public.unaccent('public.unaccent', p.body)), 'D')
        """

    /// The token standing for one filter value in the `facets` column (letters and digits only, so the tokenizer
    /// keeps it whole; the prefix keeps it apart from any word).
    static func facet(_ name: String, _ value: String) -> String {
        "xxf" + name + value.lowercased().filter { $0.isLetter || $0.isNumber }
    }

    /// Re-indexes the given publications (their text and status as stored now).
    static func update(ids: [String], on sql: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        if isPostgres(sql) {
            try await updatePostgres(ids: ids, on: sql)
        } else {
            try await updateSQLite(ids: ids, on: sql)
        }
    }

    /// Indexes every publication again, 500 at a time (after the index is created).
    static func rebuild(on sql: any SQLDatabase) async throws {
        struct IDRow: Decodable { let id: String }
        // PostgreSQL's index takes its present form in migration 034, which builds it; before, there is none to fill.
        if isPostgres(sql), try await !hasOrderedLayout(sql) { return }
        var after = ""
        while true {
            let ids = try await sql.raw("SELECT id FROM publications WHERE id > \(bind: after) ORDER BY id LIMIT 500")
                .all(decoding: IDRow.self).map(\.id)
            guard let last = ids.last else { return }
            try await update(ids: ids, on: sql)
            after = last
        }
    }

    struct Row: Decodable {
        let id: String, publishedOn: String, status: String, type: String, language: String, year: Int
        let countryCodes: String, programmeSlugs: String, title: String, summary: String, body: String
    }

    /// A rowid that sorts by date: the day (counted from 1700) times a million, plus the order of arrival that day.
    static func dayBase(_ publishedOn: String) -> Int64 {
        Int64((CivilDate(publishedOn)?.daysSinceEpoch ?? 0) + 100_000) * 1_000_000
    }

    static func updateSQLite(ids: [String], on sql: any SQLDatabase) async throws {
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
        if !existing.isEmpty {
            try await sql.raw("DELETE FROM publication_search WHERE rowid IN (\(binds: existing.map(\.rowid)))").run()
        }
        guard !rows.isEmpty else { return }
        let rowids = try await assignRowids(rows, existing: existing, on: sql)
        let insert = sql.insert(into: "publication_search").columns("rowid", "title", "summary", "body", "facets")
        for row in rows { insert.values(rowids[row.id]!, row.title, row.summary, row.body, facets(of: row)) }
        try await insert.run()
    }

    struct Mapping: Decodable { let rowid: Int64; let publicationId: String }

    /// Each row's lasting rowid in `search_documents` (both engines): kept while its date stays, else the next free
    /// one of its day, given in the order of ids so that the same writes give the same order on either engine.
    static func assignRowids(
        _ rows: [Row], existing: [Mapping],
        on sql: any SQLDatabase
    ) async throws -> [String: Int64] {
        let known = Dictionary(existing.map { ($0.publicationId, $0.rowid) }, uniquingKeysWith: { a, _ in a })
        func keeps(_ row: Row) -> Bool {
            guard let rowid = known[row.id] else { return false }
            return rowid >= dayBase(row.publishedOn) && rowid < dayBase(row.publishedOn) + 1_000_000
        }
        var next = try await nextFreeRowids(rows.filter { !keeps($0) }.map { dayBase($0.publishedOn) }, on: sql)
        var assigned: [(String, Int64)] = []
        for row in rows {
            let base = dayBase(row.publishedOn)
            if keeps(row) { assigned.append((row.id, known[row.id]!)); continue }
            assigned.append((row.id, next[base]!))
            next[base]! += 1
        }
        let moved = assigned.filter { known[$0.0] != $0.1 }
        if !moved.isEmpty {
            try await sql.delete(from: "search_documents").where("publication_id", .in, moved.map(\.0)).run()
            let insert = sql.insert(into: "search_documents").columns("rowid", "publication_id")
            for (id, rowid) in moved { insert.values(rowid, id) }
            try await insert.run()
        }
        return Dictionary(assigned, uniquingKeysWith: { a, _ in a })
    }

    static func facets(of row: Row) -> String {
        // Published rows carry no status token (most rows are published: a token on each would make every search
        // walk a list as long as the archive); drafts and scheduled ones carry theirs, and searches exclude them.
        var tokens = row.status == "published" ? [] : [facet("status", row.status)]
        tokens += [facet("type", row.type), facet("language", row.language), facet("year", String(row.year))]
        tokens += row.countryCodes.split(separator: ",").map { facet("country", String($0)) }
        tokens += row.programmeSlugs.split(separator: ",").map { facet("programme", String($0)) }
        return tokens.joined(separator: " ")
    }
}
