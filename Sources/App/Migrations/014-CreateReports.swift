import Fluent
import SQLKit

/// Monthly bulletins (their introduction and publication; the list of actions is read from the publications)
/// and the annual report's thematic analysis, per year.
struct CreateReports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("bulletins")
            .field("id", .string, .identifier(auto: false))  // 2026-10-fr
            .field("month", .string, .required)  // 2026-10
            .field("language", .string, .required)
            .field("introduction", .string, .required)  // Markdown
            .field("status", .string, .required)  // draft | published
            .field("published_at", .int64)
            .field("updated_by", .string, .required)
            .field("updated_at", .int64, .required)
            .create()
        try await database.sql.create(index: "bulletins_month").on("bulletins").column("status").column("month").run()
        try await database.schema("annual_reports")
            .field("year", .int, .identifier(auto: false))
            .field("analysis", .string, .required)  // Markdown
            .field("updated_by", .string, .required)
            .field("updated_at", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("annual_reports").delete()
        try await database.schema("bulletins").delete()
    }
}
