import Fluent
import SQLKit

/// A publication can be scheduled: status `scheduled` with the moment (seconds since 1970) it goes public.
struct AddPublicationSchedule: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("publications").field("publish_at", .int64).update()
        try await database.sql.create(index: "publications_publish_at").on("publications").column("status").column("publish_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "publications_publish_at").run()
        try await database.schema("publications").deleteField("publish_at").update()
    }
}
