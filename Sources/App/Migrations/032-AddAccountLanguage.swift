import Fluent
import SQLKit

/// The language of a person's office and partner pages and e-mails (`en`, `fr`, `es`, `ar`; null until chosen or
/// taken from the browser at the first sign-in).
struct AddAccountLanguage: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("language", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("language").update()
    }
}
