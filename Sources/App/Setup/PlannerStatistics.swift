import Fluent
import SQLKit

/// After a bulk import, PostgreSQL's planner has no statistics on the new rows until autovacuum gets to them (up
/// to a minute later), and the filtered lists right after an import ran on guessed plans (9 requests/s at 100,000
/// publications in one run, 155 in the next). `ANALYZE` gives it the statistics at once. SQLite plans its queries
/// from the indexes' shapes and is left as it is.
enum PlannerStatistics {
    static func refresh(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("ANALYZE").run()
    }
}
