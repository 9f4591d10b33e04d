import Fluent
import SQLKit

/// Staff alerts: each person's choices (events, at once or daily digest; on call, set by an administrator), and
/// the alerts raised for each recipient (what the message and the digest are built from at send time: the event,
/// the case's id and the office page; never a value of the case). A row with an empty `user_id` marks an event
/// already handled, so a scan of expired requests or overdue reports raises it once.
struct CreateStaffAlerts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("alert_settings")
            .field("user_id", .string, .identifier(auto: false))
            .field("events", .string, .required)
            .field("digest", .bool, .required)
            .field("on_call", .bool, .required)
            .field("changed_at", .int64, .required)
            .create()
        try await database.schema("staff_alerts")
            .field("id", .string, .identifier(auto: false))
            .field("event", .string, .required)
            .field("subject_id", .string, .required)
            .field("case_id", .string, .required)
            .field("link", .string, .required)
            .field("user_id", .string, .required)
            .field("day", .int64, .required)
            .field("digest", .bool, .required)
            .field("digest_key", .string, .required)
            .field("created_at", .int64, .required)
            .create()
        try await database.sql.create(index: "staff_alerts_subject").on("staff_alerts")
            .column("event").column("subject_id").run()
        try await database.sql.create(index: "staff_alerts_user_day").on("staff_alerts")
            .column("user_id").column("day").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("staff_alerts").delete()
        try await database.schema("alert_settings").delete()
    }
}
