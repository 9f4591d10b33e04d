import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Walks every value of a registered sealed column (`SealedColumn.all`) in batches, each batch one transaction,
/// rewriting the values a transform changes. The transforms are idempotent, so an interrupted walk resumes by
/// running again: migration 025 and key rotation are both made of such walks.
enum SealedStorage {
    enum Value: Sendable, Equatable {
        case text(String)
        case bytes(Data)
    }

    /// Rewrites each value `transform` returns a new one for (into `target`, another column of the row, when
    /// given); returns how many were rewritten.
    @discardableResult
    static func rewrite(
        _ column: SealedColumn, into target: String? = nil, batch: Int = 200, on db: any Database,
        _ transform: @Sendable (_ value: Value, _ row: String) throws -> Value?
    ) async throws -> Int {
        // A column added after the migration that walks it (025 walks every column, 033's table comes later).
        guard try await columnExists(column, on: db) else { return 0 }
        var after = "", changed = 0
        while true {
            let rows = try await page(column, after: after, limit: batch, on: db)
            guard let last = rows.last else { return changed }
            let updates = try rows.compactMap { row in try transform(row.value, row.id).map { (row.id, $0) } }
            if !updates.isEmpty {
                try await db.transaction { tx in
                    for (id, value) in updates {
                        let key: any SQLExpression = column.hasNumericID ? SQLBind(Int64(id) ?? 0) : SQLBind(id)
                        let update = tx.sql.update(column.table).where(SQLIdentifier(column.idColumn), .equal, key)
                        let name = SQLIdentifier(target ?? column.column)
                        switch value {
                        case .text(let text): try await update.set(name, to: text).run()
                        case .bytes(let data): try await update.set(name, to: data).run()
                        }
                    }
                }
            }
            changed += updates.count
            after = last.id
        }
    }

    /// Whether any value of the column is stored (sealed or, before migration 025, clear).
    static func hasValues(_ column: SealedColumn, on db: any Database) async throws -> Bool {
        guard try await columnExists(column, on: db) else { return false }
        return try await !page(column, after: "", limit: 1, on: db).isEmpty
    }

    /// One stored value of the column, to check a key against before anything is written.
    static func sample(_ column: SealedColumn, on db: any Database) async throws -> (id: String, value: Value)? {
        guard try await columnExists(column, on: db) else { return nil }
        return try await page(column, after: "", limit: 1, on: db).first
    }

    static func tableExists(_ table: String, on db: any Database) async throws -> Bool {
        struct Found: Decodable { let n: Int }
        let query: SQLQueryString =
            db.sql.dialect.name == "sqlite"
            ? "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = \(bind: table)"
            : """
            SELECT COUNT(*)::int AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename = \
            \(bind: table)
            """
        return try await db.sql.raw(query).first(decoding: Found.self)?.n ?? 0 > 0
    }

    /// Whether the column's table has the column yet (037 adds columns to tables that 025 already walked).
    static func columnExists(_ column: SealedColumn, on db: any Database) async throws -> Bool {
        guard try await tableExists(column.table, on: db) else { return false }
        struct Found: Decodable { let n: Int }
        let query: SQLQueryString =
            db.sql.dialect.name == "sqlite"
            ? "SELECT COUNT(*) AS n FROM pragma_table_info(\(bind: column.table)) WHERE name = \(bind: column.column)"
            : """
            SELECT COUNT(*)::int AS n FROM information_schema.columns WHERE table_schema = current_schema()
              AND table_name = \(bind: column.table) AND column_name = \(bind: column.column)
            """
        return try await db.sql.raw(query).first(decoding: Found.self)?.n ?? 0 > 0
    }

    private static func page(
        _ column: SealedColumn, after: String, limit: Int,
        on db: any Database
    ) async throws -> [(id: String, value: Value)] {
        let select = db.sql.select().column(SQLIdentifier(column.idColumn), as: "id")
            .column(SQLIdentifier(column.column), as: "value").from(column.table)
            .where(SQLIdentifier(column.column), .isNot, SQLLiteral.null)
            .orderBy(SQLIdentifier(column.idColumn)).limit(limit)
        if column.hasNumericID {
            struct Row: Decodable { let id: Int64, value: String }
            select.where(SQLIdentifier(column.idColumn), .greaterThan, SQLBind(Int64(after) ?? Int64.min))
            return try await select.all(decoding: Row.self).map { (String($0.id), .text($0.value)) }
        }
        select.where(SQLIdentifier(column.idColumn), .greaterThan, SQLBind(after))
        if column.isBytes {
            struct Row: Decodable { let id: String, value: Data }
            return try await select.all(decoding: Row.self).map { ($0.id, .bytes($0.value)) }
        }
        struct Row: Decodable { let id: String, value: String }
        return try await select.all(decoding: Row.self).map { ($0.id, .text($0.value)) }
    }
}

extension FieldCipher {
    /// Whether a stored value opens under this key as a row-bound value of its column and row.
    func opens(_ value: SealedStorage.Value, in column: SealedColumn, row: String) -> Bool {
        switch value {
        case .text(let text): (try? open(text, in: column, row: row)) != nil
        case .bytes(let data): (try? open(bytes: data, in: column, row: row)) != nil
        }
    }

    /// The clear value of a stored one, whether row-bound under this key or as it was before migration 025.
    func openAny(_ value: SealedStorage.Value, in column: SealedColumn, row: String) throws -> SealedStorage.Value {
        switch value {
        case .text(let text):
            if let opened = try? open(text, in: column, row: row) { return .text(opened.reveal()) }
            // A clear column never held a `v2:` value before it was sealed: one that does not open is another key's.
            if case .clear = column.before, Self.looksSealed(text) {
                throw Failure.cannotOpen(context: "\(column) of \(row)")
            }
            return .text(try openLegacy(text, in: column, row: row))
        case .bytes(let data):
            if let opened = try? open(bytes: data, in: column, row: row) { return .bytes(opened) }
            return .bytes(try openLegacy(bytes: data, in: column, row: row))
        }
    }

    static func looksSealed(_ text: String) -> Bool {
        text.hasPrefix(textPrefix) && (Data(base64Encoded: String(text.dropFirst(3)))?.count ?? 0) >= 28
    }

    func sealValue(_ value: SealedStorage.Value, in column: SealedColumn, row: String) -> SealedStorage.Value {
        switch value {
        case .text(let text): .text(seal(text, in: column, row: row))
        case .bytes(let data): .bytes(seal(bytes: Array(data), in: column, row: row))
        }
    }
}
