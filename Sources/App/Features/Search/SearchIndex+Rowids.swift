import SQLKit

extension SearchIndex {
    /// The next free rowid of each day base (see `dayBase`), for every day of a batch in one query: one query per
    /// day made an import of 100,000 lines send nearly as many (issue 22). Both engines, like the rowids.
    static func nextFreeRowids(_ bases: [Int64], on sql: any SQLDatabase) async throws -> [Int64: Int64] {
        struct Row: Decodable { let base: Int64; let m: Int64? }
        let unique = Array(Set(bases)).sorted()
        var next: [Int64: Int64] = [:]
        for start in stride(from: 0, to: unique.count, by: 500) {
            let values: [SQLQueryString] = unique[start..<min(start + 500, unique.count)].map { "(\(bind: $0))" }
            let rows = try await sql.raw(
                """
                WITH b(base) AS (VALUES \(values.joined(separator: ", ")))
                SELECT b.base AS base, (SELECT MAX(rowid) FROM search_documents
                    WHERE rowid >= b.base AND rowid < b.base + 1000000) AS m FROM b
                """
            ).all(decoding: Row.self)
            for row in rows { next[row.base] = (row.m ?? row.base) + 1 }
        }
        return next
    }
}
