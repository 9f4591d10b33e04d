import FluentKit
import SQLKit

/// Rows read with raw SQL, decoded into a `Decodable` row type whose properties are the columns in camel case
/// (`case_id` is `caseId`). The key strategy is set here, once for every query of the app.
extension SQLDatabase {
    /// Every row of `query`, decoded as `Row`.
    func rows<Row: Decodable>(_ query: SQLQueryString, as type: Row.Type) async throws -> [Row] {
        try await raw(query).all(decoding: type, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The first row of `query`, decoded as `Row`, or nil when there is none.
    func row<Row: Decodable>(_ query: SQLQueryString, as type: Row.Type) async throws -> Row? {
        try await raw(query).first(decoding: type, keyDecodingStrategy: .convertFromSnakeCase)
    }
}

extension Database {
    /// Every row of `query`, decoded as `Row` (see `SQLDatabase.rows(_:as:)`).
    func rows<Row: Decodable>(_ query: SQLQueryString, as type: Row.Type) async throws -> [Row] {
        try await sql.rows(query, as: type)
    }

    /// The first row of `query`, decoded as `Row`, or nil when there is none.
    func row<Row: Decodable>(_ query: SQLQueryString, as type: Row.Type) async throws -> Row? {
        try await sql.row(query, as: type)
    }
}
