import Fluent
import ObservatoryCore
import SQLKit

/// The mail server's error texts repeat the subscriber's address ("550 <ana@example.org>: no such user"): from now on
/// `outbox.last_error` is sealed like every other confidential value. This seals the texts stored in clear before.
struct SealOutboxErrors: AsyncMigration {
    static let context = "outbox.last_error"
    let cipher: FieldCipher

    struct Row: Decodable { let id: Int64, lastError: String }

    func prepare(on database: any Database) async throws {
        for row in try await rows(on: database) where !row.lastError.hasPrefix("v1:") {
            let sealed = cipher.seal(row.lastError, context: Self.context)
            try await database.sql.update("outbox").set("last_error", to: sealed).where("id", .equal, row.id).run()
        }
    }

    func revert(on database: any Database) async throws {
        for row in try await rows(on: database) where row.lastError.hasPrefix("v1:") {
            let text = (try? cipher.open(row.lastError, context: Self.context)) ?? "(could not be opened)"
            try await database.sql.update("outbox").set("last_error", to: text).where("id", .equal, row.id).run()
        }
    }

    func rows(on database: any Database) async throws -> [Row] {
        try await database.sql.raw("SELECT id, last_error FROM outbox WHERE last_error IS NOT NULL")
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
}
