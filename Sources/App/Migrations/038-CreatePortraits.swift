import Fluent
import SQLKit

/// Issue 19, portraits and sponsorship: portraits of defenders who agreed to be named (consent with its date, a
/// photograph without metadata, a text per language), the series that gather them, their sponsors (public figures
/// with a statement), and the sealed offers sent through the "sponsor a defender" form.
struct CreatePortraits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("portraits")
            // managed fields
            .field("id", .string, .identifier(auto: false))  // the address: /portraits/{id}
            .field("updated_by", .string, .required)
            .field("updated_at", .int64, .required)
            // data fields
            .field("name", .string, .required)  // the name the defender agreed to
            .field("text_en", .string, .required)
            .field("text_fr", .string, .required)
            .field("text_es", .string, .required)
            .field("text_ar", .string, .required)
            .field("consent_on", .string)  // YYYY-MM-DD, or none recorded
            .field("consent_by", .string)  // who recorded it
            .field("withdrawn_at", .int64)
            .field("withdrawn_by", .string)
            .field("photo", .data)  // re-encoded by mat2: no metadata
            .field("photo_type", .string)
            .field("photo_sha256", .string)  // of the public copy: part of what is approved
            .field("publication_ids", .string, .required)
            .field("case_ids", .string, .required)
            .field("published", .bool, .required)
            .create()
        try await database.schema("portrait_series")
            .field("id", .string, .identifier(auto: false))
            .field("updated_by", .string, .required)
            .field("updated_at", .int64, .required)
            .field("title", .string, .required)
            .field("text", .string, .required)  // Markdown
            .field("portrait_ids", .string, .required)  // in their order on the page
            .field("published", .bool, .required)
            .create()
        try await database.schema("portrait_sponsors")
            .field("id", .string, .identifier(auto: false))
            .field("updated_by", .string, .required)
            .field("updated_at", .int64, .required)
            .field("portrait_id", .string, .required)
            .field("name", .string, .required)
            .field("description", .string, .required)  // "writer", "member of parliament"
            .field("statement", .string, .required)
            .field("published", .bool, .required)
            .create()
        try await database.sql.create(index: "portrait_sponsors_portrait").on("portrait_sponsors")
            .column("portrait_id").run()
        try await database.schema("sponsor_offers")
            .field("id", .string, .identifier(auto: false))
            .field("created_at", .int64, .required)
            .field("name_sealed", .string, .required)
            .field("contact_sealed", .string, .required)
            .field("message_sealed", .string, .required)
            .field("language", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sponsor_offers").delete()
        try await database.schema("portrait_sponsors").delete()
        try await database.schema("portrait_series").delete()
        try await database.schema("portraits").delete()
    }
}
