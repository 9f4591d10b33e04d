import Fluent
import SQLKit

/// A publication can be scheduled: status `scheduled` with the moment (seconds since 1970) it goes public.
struct AddPublicationSchedule: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("publications").field("publish_at", .int64).update()
        // Partial: only scheduled rows, so the planner never prefers it for the usual `status = 'published'`.
        try await database.sql.raw(
            "CREATE INDEX publications_scheduled ON publications (publish_at) WHERE status = 'scheduled'"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "publications_scheduled").run()
        try await database.schema("publications").deleteField("publish_at").update()
    }
}
