import Fluent
import SQLKit

/// After a bulk import, PostgreSQL's planner has no statistics on the new rows until autovacuum gets to them (up
/// to a minute later), and the filtered lists right after an import ran on guessed plans (9 requests/s at 100,000
/// publications in one run, 155 in the next). `ANALYZE` gives it the statistics at once. Only the tables of
/// Observatory's own schema are analysed: a bare `ANALYZE` walks every schema of the database, which may hold other
/// applications (or, in the tests, hundreds of other test schemas). SQLite plans its queries from the indexes'
/// shapes and is left as it is.
enum PlannerStatistics {
    private struct Table: Decodable { let name: String }

    static func refresh(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        let tables = try await sql.raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()")
            .all(decoding: Table.self)
        guard !tables.isEmpty else { return }
        let list = tables.map { "\"" + $0.name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        try await sql.raw(SQLQueryString("ANALYZE " + list.joined(separator: ", "))).run()
    }
}
