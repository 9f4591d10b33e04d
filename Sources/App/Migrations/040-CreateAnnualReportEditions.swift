import Fluent
import SQLKit

/// The annual report per year and language: its thematic analysis (Markdown), whether it is public, and the PDF
/// made when it was published (so a public request never runs weasyprint). The analyses written before (one per
/// year, in `annual_reports`) become the English drafts; that table stays as it was.
struct CreateAnnualReportEditions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("annual_report_editions")
            // managed fields
            .field("id", .string, .identifier(auto: false))  // 2025-fr
            .field("updated_by", .string, .required)
            .field("updated_at", .int64, .required)
            // data fields
            .field("year", .int, .required)
            .field("language", .string, .required)
            .field("analysis", .string, .required)  // Markdown
            .field("status", .string, .required)  // draft | published
            .field("published_at", .int64)
            .field("published_by", .string)
            .field("pdf", .data)
            .create()
        try await database.sql.create(index: "annual_report_editions_status")
            .on("annual_report_editions").column("status").column("year").run()
        try await database.sql.raw(
            """
            INSERT INTO annual_report_editions (id, updated_by, updated_at, year, language, analysis, status)
            SELECT CAST(year AS TEXT) || '-en', updated_by, updated_at, year, 'en', analysis, 'draft'
            FROM annual_reports
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("annual_report_editions").delete()
    }
}
