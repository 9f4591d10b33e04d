import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Reads and writes rows of the tables a mission kit carries, column by column as the database describes them,
/// so that a column added by a later migration travels without a change here.
enum KitTables {
    /// The tables a kit holds, in the order they are written back, and the column that ties each to the mission
    /// (`id` of the mission, or of one of its cases). Nothing else leaves the office: no message with a reporter,
    /// no verification shared with a partner, no account.
    static let carried: [(table: String, by: Link)] = [
        ("missions", .mission("id")), ("mission_cases", .mission("mission_id")), ("cases", .cases("id")),
        ("case_people", .cases("case_id")), ("case_person_languages", .cases("case_id")),
        ("case_acts", .cases("case_id")), ("case_sources", .cases("case_id")),
        ("case_attachments", .cases("case_id")), ("case_events", .cases("case_id"))
    ]

    enum Link { case mission(String), cases(String) }

    /// The carried table whose ids are numbers given by each database (a timeline entry made offline gets a new
    /// id when merged).
    static let numbered = "case_events"

    enum Kind { case integer, bool, real, bytes, text }

    /// The columns of a table and the kind of each, in their order.
    static func columns(_ table: String, on db: any Database) async throws -> [(name: String, kind: Kind)] {
        struct Column: Decodable { let name: String, type: String }
        let query: SQLQueryString =
            db.sql.dialect.name == "sqlite"
            ? "SELECT name, type FROM pragma_table_info(\(bind: table)) ORDER BY cid"
            : """
            SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(bind: table) ORDER BY ordinal_position
            """
        return try await db.sql.raw(query).all(decoding: Column.self).map { column in
            let type = column.type.lowercased()
            let kind: Kind =
                type.contains("bool")
                ? .bool
                : type.contains("int")
                    ? .integer
                    : (type.contains("blob") || type.contains("bytea"))
                        ? .bytes
                        : (type.contains("real") || type.contains("double") || type.contains("float")
                            || type.contains("numeric"))
                            ? .real
                            : .text
            return (column.name, kind)
        }
    }

    /// The columns of `table` that may not be NULL; with `leftOut`, only those of them without a default, which a
    /// new row must give (one added since with a default may be left out; round 6, finding 6).
    static func required(_ table: String, leftOut: Bool = false, on db: any Database) async throws -> Set<String> {
        struct Column: Decodable { let name: String }
        let query: SQLQueryString =
            db.sql.dialect.name == "sqlite"
            ? """
            SELECT name FROM pragma_table_info(\(bind: table)) WHERE "notnull" = 1
            AND (\(bind: !leftOut) OR dflt_value IS NULL)
            """
            : """
            SELECT column_name::text AS name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(bind: table) AND is_nullable = 'NO'
            AND (\(bind: !leftOut) OR column_default IS NULL)
            """
        return Set(try await db.sql.raw(query).all(decoding: Column.self).map(\.name))
    }

    /// The rows of `table` whose `column` is one of `ids`, every sealed value opened with `cipher`.
    static func read(
        _ table: String, where column: String, in ids: [String], cipher: FieldCipher,
        numeric: Bool = false, lock: Bool = false, on db: any Database
    ) async throws -> KitContents.Table {
        let columns = try await columns(table, on: db)
        guard !ids.isEmpty, !columns.isEmpty else {
            return KitContents.Table(name: table, columns: columns.map(\.name), rows: [])
        }
        let query = db.sql.select().columns(columns.map { SQLIdentifier($0.name) as any SQLExpression }).from(
            table
        )
        .where(
            SQLIdentifier(column), .in,
            numeric ? SQLBind.group(ids.compactMap { Int64($0) }) : SQLBind.group(ids)
        )
        .orderBy(SQLIdentifier(columns[0].name))
        if lock { query.for(.update) }
        let rows = try await query.all()
        let sealed = Dictionary(
            SealedColumn.all.filter { $0.table == table }.map { ($0.column, $0) },
            uniquingKeysWith: { a, _ in a })
        return KitContents.Table(
            name: table, columns: columns.map(\.name),
            rows: try rows.map { row in
                var values = try columns.map { try value(of: row, $0.name, $0.kind) }
                for (index, name) in columns.map(\.name).enumerated() {
                    guard let column = sealed[name],
                        let idIndex = columns.firstIndex(where: { $0.name == column.idColumn })
                    else { continue }
                    let id: String
                    switch values[idIndex] {
                    case .text(let text): id = text
                    case .integer(let number): id = String(number)
                    default: continue
                    }
                    switch values[index] {
                    case .text(let text):
                        guard case .text(let clear) = try cipher.openAny(.text(text), in: column, row: id) else {
                            continue
                        }
                        values[index] = .text(clear)
                    case .bytes(let data):
                        guard case .bytes(let clear) = try cipher.openAny(.bytes(data), in: column, row: id) else {
                            continue
                        }
                        values[index] = .bytes(clear)
                    default: continue
                    }
                }
                return values
            })
    }

    static func value(of row: any SQLRow, _ column: String, _ kind: Kind) throws -> KitContents.Value {
        if try row.decodeNil(column: column) { return .null }
        switch kind {
        case .bool: return .integer(try row.decode(column: column, as: Bool.self) ? 1 : 0)
        case .integer: return .integer(try row.decode(column: column, as: Int64.self))
        case .real: return .real(try row.decode(column: column, as: Double.self))
        case .bytes: return .bytes(try row.decode(column: column, as: Data.self))
        case .text: return .text(try row.decode(column: column, as: String.self))
        }
    }

    /// Everything a kit holds of `mission`, in clear (sealed again as a whole by `MissionKit`).
    static func contents(
        mission: String, by actor: String, now: Int64, cipher: FieldCipher,
        on db: any Database
    ) async throws -> KitContents {
        struct Linked: Decodable { let caseId: String }
        let caseIDs = try await db.sql.raw(
            """
            SELECT case_id FROM mission_cases WHERE mission_id = \(bind: mission) ORDER BY case_id
            """
        ).all(decoding: Linked.self, keyDecodingStrategy: .convertFromSnakeCase).map(\.caseId)
        var tables: [KitContents.Table] = []
        for (table, link) in carried {
            switch link {
            case .mission(let column):
                tables.append(try await read(table, where: column, in: [mission], cipher: cipher, on: db))
            case .cases(let column):
                tables.append(try await read(table, where: column, in: caseIDs, cipher: cipher, on: db))
            }
        }
        return KitContents(missionID: mission, exportedBy: actor, exportedAt: now, tables: tables)
    }

    /// A value as the text of an id.
    static func text(_ value: KitContents.Value) -> String {
        switch value {
        case .text(let text): text
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .bytes, .null: ""
        }
    }

    /// The ids of a table's rows.
    static func ids(_ table: KitContents.Table?) -> [String] {
        guard let table, let index = table.columns.firstIndex(of: "id") else { return [] }
        return table.rows.map { text($0[index]) }
    }
}
