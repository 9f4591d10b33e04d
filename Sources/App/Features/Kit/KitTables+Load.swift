import Fluent
import Foundation
import ObservatoryCore
import SQLKit

extension KitTables {
    /// Writes a kit's rows into a database (a fresh local copy), each sealed value sealed again with `cipher`;
    /// columns the database does not have are left out, as are tables it does not have.
    static func load(_ contents: KitContents, cipher: FieldCipher, on db: any Database) async throws {
        for table in contents.tables where !table.rows.isEmpty {
            let local = try await columns(table.name, on: db)
            let kinds = Dictionary(local.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
            let kept = table.columns.enumerated().filter { kinds[$0.element] != nil }
            guard let idIndex = table.columns.firstIndex(of: "id") else { continue }
            let sealed = Dictionary(
                SealedColumn.all.filter { $0.table == table.name }.map { ($0.column, $0) },
                uniquingKeysWith: { a, _ in a })
            for row in table.rows {
                let id = text(row[idIndex])
                let values: [any SQLExpression] = kept.map { index, name in
                    var value = row[index]
                    if let column = sealed[name] { value = reseal(value, column, id, cipher) }
                    return bind(value, kinds[name] ?? .text)
                }
                try await db.sql.insert(into: table.name).columns(kept.map(\.element)).values(values).run()
            }
        }
    }

    static func reseal(
        _ value: KitContents.Value, _ column: SealedColumn, _ row: String,
        _ cipher: FieldCipher
    ) -> KitContents.Value {
        switch value {
        case .text(let text): .text(cipher.seal(text, in: column, row: row))
        case .bytes(let data): .bytes(cipher.seal(bytes: Array(data), in: column, row: row))
        default: value
        }
    }

    static func bind(_ value: KitContents.Value, _ kind: Kind) -> any SQLExpression {
        switch (value, kind) {
        case (.null, _): SQLLiteral.null
        case (.integer(let number), .bool): SQLBind(number != 0)
        case (.integer(let number), _): SQLBind(number)
        case (.real(let number), _): SQLBind(number)
        case (.text(let text), _): SQLBind(text)
        case (.bytes(let data), _): SQLBind(data)
        }
    }
}
