import Fluent
import SQLKit

/// Campaign pages: a text, an image, and the publications and cases they gather (cases through their published
/// interventions only).
struct CreateCampaigns: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("campaigns")
            .field("id", .string, .identifier(auto: false))  // the address: /campaigns/{id}
            .field("title", .string, .required)
            .field("text", .string, .required)  // Markdown
            .field("image", .data)
            .field("image_type", .string)
            .field("publication_ids", .string, .required)  // "obs-1,obs-2"
            .field("case_ids", .string, .required)
            .field("published", .bool, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("campaigns").delete()
    }
}
