import Fluent
import SQLKit

/// Missions (fact-finding, trial observation, solidarity) and the cases they concern. Members, objectives,
/// logistics, security plan and findings are sealed; the public sees only the publications linked once published.
struct CreateMissions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("missions")
            .field("id", .string, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("country_code", .string, .required)
            .field("starts_on", .string, .required)  // YYYY-MM-DD
            .field("ends_on", .string, .required)
            .field("title_sealed", .string, .required)  // the staff's working title
            .field("members_sealed", .string, .required)
            .field("objectives_sealed", .string, .required)
            .field("logistics_sealed", .string, .required)
            .field("security_plan_sealed", .string, .required)
            .field("findings_sealed", .string, .required)
            .field("preliminary_publication_id", .string)  // published preliminary findings, if any
            .field("report_publication_id", .string)  // the mission report (a publication of type report)
            .field("created_by", .string, .required)
            .field("updated_at", .int64, .required)
            .create()
        try await database.sql.create(index: "missions_dates").on("missions").column("starts_on").run()
        try await database.schema("mission_cases")
            .field("id", .string, .identifier(auto: false))
            .field("mission_id", .string, .required)
            .field("case_id", .string, .required)
            .field("concern_sealed", .string, .required)  // the defender or the trial concerned (court, hearing)
            .field("added_at", .int64, .required)
            .unique(on: "mission_id", "case_id")
            .create()
        try await database.sql.create(index: "mission_cases_case").on("mission_cases").column("case_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("mission_cases").delete()
        try await database.schema("missions").delete()
    }
}
