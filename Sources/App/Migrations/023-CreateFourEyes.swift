import Fluent
import SQLKit

/// Four eyes on every path to publication: the latest change of each text (revision, author), approvals of one
/// exact version, publication types an administrator exempts, and "not the person" records for redaction.
struct CreateFourEyes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("four_eyes_versions")
            .field("subject", .string, .identifier(auto: false))  // intervention:<id>, publication:<id>, bulletin:<id>
            .field("revision", .int, .required)  // raised by every change
            .field("hash", .string, .required)  // ContentHash of the text at that revision
            .field("changed_by", .string)  // nil: imported, nobody in the office
            .field("changed_at", .int64, .required)
            .create()
        try await database.schema("four_eyes_approvals")
            .field("id", .string, .identifier(auto: false))
            .field("subject", .string, .required)
            .field("revision", .int, .required)
            .field("hash", .string, .required)  // the exact public version approved
            .field("approved_by", .string, .required)
            .field("approved_at", .int64, .required)
            .unique(on: "subject", "revision", "approved_by")
            .create()
        try await database.sql.create(index: "four_eyes_approvals_subject").on("four_eyes_approvals")
            .column("subject").run()
        try await database.schema("four_eyes_exemptions")
            .field(
                "type", .string,
                .identifier(auto: false)
            )  // a publication type published without a second person
            .field("set_by", .string, .required)
            .field("set_at", .int64, .required)
            .create()
        try await database.schema("redaction_exceptions")
            .field("id", .string, .identifier(auto: false))
            .field("intervention_id", .string, .required)
            .field("revision", .int, .required)  // the exact version it was recorded for
            .field("value_sealed", .string, .required)  // the occurrence, as the matcher folds it
            .field("reason_sealed", .string, .required)
            .field("recorded_by", .string, .required)
            .field("recorded_at", .int64, .required)
            .create()
        try await database.sql.create(index: "redaction_exceptions_intervention").on("redaction_exceptions")
            .column("intervention_id").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["redaction_exceptions", "four_eyes_exemptions", "four_eyes_approvals", "four_eyes_versions"] {
            try await database.schema(table).delete()
        }
    }
}
