import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import VaporCSQLite

/// SQLite FTS5's own tokenizer and snippets, on a table in memory (the SQLite library is in the binary whatever
/// the database): PostgreSQL's index and queries are made of exactly the tokens SQLite's index holds
/// (`SearchLexemes`), and its snippets are SQLite's.
enum FTS5Text {
    /// The four indexed columns of a publication: title, summary, body, facets.
    typealias Columns = [String]

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// One connection, used one caller at a time (each use is a few milliseconds of C, no I/O).
    private final class Scratch: @unchecked Sendable {
        var handle: OpaquePointer?
        let lock = NIOLock()

        func exec(_ statement: String) throws {
            guard sqlite_nio_sqlite3_exec(handle, statement, nil, nil, nil) == SQLITE_OK else {
                throw Failure(description: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
            }
        }

        func open() throws {
            guard handle == nil else { return }
            guard sqlite_nio_sqlite3_open(":memory:", &handle) == SQLITE_OK else {
                throw Failure(description: "no memory database")
            }
            try exec(
                """
                CREATE VIRTUAL TABLE t USING fts5(title, summary, body, facets,
                tokenize = 'unicode61 remove_diacritics 2')
                """)
            try exec("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        }

        /// Runs `statement` with text `binds` (an Int64 for "?1" when `rowid` is given), calling `row` per result.
        func run(
            _ statement: String, rowid: Int64? = nil, _ binds: [String] = [],
            row: (OpaquePointer) -> Void = { _ in }
        ) throws {
            var prepared: OpaquePointer?
            guard sqlite_nio_sqlite3_prepare_v2(handle, statement, -1, &prepared, nil) == SQLITE_OK, let prepared else {
                throw Failure(description: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
            }
            defer { sqlite_nio_sqlite3_finalize(prepared) }
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            var index: Int32 = 1
            if let rowid { sqlite_nio_sqlite3_bind_int64(prepared, 1, rowid); index = 2 }
            for bind in binds {
                sqlite_nio_sqlite3_bind_text(prepared, index, bind, -1, transient)
                index += 1
            }
            while true {
                let status = sqlite_nio_sqlite3_step(prepared)
                if status == SQLITE_DONE { return }
                guard status == SQLITE_ROW else {
                    throw Failure(description: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
                }
                row(prepared)
            }
        }
    }

    private static let scratch = Scratch()

    static func text(_ statement: OpaquePointer, _ column: Int32) -> String {
        sqlite_nio_sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
    }

    /// Runs `body` with the scratch table `t` (same columns and tokenizer as `publication_search` on SQLite) and
    /// its `fts5vocab` view `v` holding `documents` (rowids from 1), one caller at a time; emptied afterwards.
    private static func withTable<T>(_ documents: [Columns], _ body: (Scratch) throws -> T) throws -> T {
        try scratch.lock.withLock {
            try scratch.open()
            defer { try? scratch.exec("DELETE FROM t") }
            for (offset, columns) in documents.enumerated() {
                try scratch.run(
                    "INSERT INTO t (rowid, title, summary, body, facets) VALUES (?1, ?2, ?3, ?4, ?5)",
                    rowid: Int64(offset + 1), columns)
            }
            return try body(scratch)
        }
    }

    /// FTS5's tokens of each document's four columns, in order.
    static func tokens(_ documents: [Columns]) throws -> [[[String]]] {
        guard !documents.isEmpty else { return [] }
        return try withTable(documents) { scratch in
            let index = ["title": 0, "summary": 1, "body": 2, "facets": 3]
            var result = Array(repeating: Array(repeating: [String](), count: 4), count: documents.count)
            // One row per column (the pairs joined in C), not one per token.
            let statement = "SELECT doc, col, group_concat(offset || ' ' || term, ' ') FROM v GROUP BY doc, col"
            try scratch.run(statement) { row in
                let doc = Int(sqlite_nio_sqlite3_column_int64(row, 0))
                guard let column = index[text(row, 1)], doc >= 1, doc <= documents.count else { return }
                let parts = text(row, 2).split(separator: " ", omittingEmptySubsequences: true)
                var tokens: [Int: String] = [:]
                for pair in stride(from: 0, to: parts.count - 1, by: 2) {
                    if let offset = Int(parts[pair]) { tokens[offset] = String(parts[pair + 1]) }
                }
                result[doc - 1][column] = tokens.keys.sorted().map { tokens[$0]! }
            }
            return result
        }
    }

    /// The terms of a search as FTS5 reads them (each word or phrase cut by its tokenizer).
    static func terms(_ query: SearchQuery) throws -> [SearchLexemes.Term] {
        let tokens = try tokens(query.terms.map { [$0.words.joined(separator: " "), "", "", ""] })
        return zip(query.terms, tokens).map { SearchLexemes.Term(tokens: $1[0], isPrefix: $0.isPrefix) }
    }

    /// SQLite's snippet of each document for the search `match` (an FTS5 expression), as `SearchQueries.sqlite`
    /// makes it; "" for a document it does not match.
    static func snippets(_ documents: [Columns], match: String) throws -> [String] {
        guard !documents.isEmpty else { return [] }
        return try withTable(documents) { scratch in
            var result = Array(repeating: "", count: documents.count)
            let statement = "SELECT rowid, snippet(t, -1, char(2), char(3), '…', 24) FROM t WHERE t MATCH ?1"
            try scratch.run(statement, [match]) { row in
                let rowid = Int(sqlite_nio_sqlite3_column_int64(row, 0))
                if rowid >= 1 && rowid <= documents.count { result[rowid - 1] = text(row, 1) }
            }
            return result
        }
    }
}
