import Fluent
import SQLKit

/// Calls for input (a public form with a deadline) and the answers, sealed: staff read them, nobody else.
struct CreateCallsForInput: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("calls")
            .field("id", .string, .identifier(auto: false))
            .field("title", .string, .required)
            .field("text", .string, .required)  // Markdown
            .field("deadline", .string, .required)  // YYYY-MM-DD, the last day answers are taken
            .field("open", .bool, .required)  // published on the site
            .field("updated_by", .string, .required)
            .field("updated_at", .int64, .required)
            .create()
        try await database.schema("call_answers")
            .field("id", .string, .identifier(auto: false))
            .field("call_id", .string, .required)
            .field("answer_sealed", .string, .required)
            .field("who_sealed", .string, .required)  // name or organisation, as given
            .field("contact_sealed", .string, .required)
            .field("country_code", .string)
            .field("language", .string, .required)
            .field("created_at", .int64, .required)
            .create()
        try await database.sql.create(index: "call_answers_call").on("call_answers").column("call_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("call_answers").delete()
        try await database.schema("calls").delete()
    }
}
