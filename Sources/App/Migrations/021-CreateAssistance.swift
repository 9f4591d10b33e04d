import Fluent
import SQLKit

/// Material assistance: requests linked to a case and a person or organisation at risk, the criteria and ceiling
/// administrators set, approvals by two people, payments and the beneficiary's report. Amounts are in the
/// currency's smallest unit; `reference_amount` is the same in the ceiling's currency, for the ceiling and totals.
struct CreateAssistance: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("assistance_requests")
            .field("id", .string, .identifier(auto: false))
            .field("case_id", .string, .required)
            .field("beneficiary_id", .string, .required)  // case_people.id
            .field("kind", .string, .required)
            .field("currency", .string, .required)
            .field("amount", .int64, .required)
            .field("reference_amount", .int64, .required)
            .field("purpose_sealed", .string, .required)
            .field("criteria_met", .string, .required)  // criterion ids, comma separated
            .field("status", .string, .required)
            .field("requested_by", .string, .required)
            .field("requested_at", .int64, .required)
            .field("decided_at", .int64)
            .field("rejection_sealed", .string)
            .field("report_due_on", .string)  // YYYY-MM-DD
            .field("report_received_on", .string)
            .field("report_note_sealed", .string)
            .create()
        try await database.sql.create(index: "assistance_requests_case").on("assistance_requests").column("case_id")
            .run()
        try await database.schema("assistance_approvals")
            .field("request_id", .string, .required)
            .field("approver", .string, .required)
            .field("at", .int64, .required)
            .unique(on: "request_id", "approver")
            .create()
        try await database.schema("assistance_payments")
            .field("id", .string, .identifier(auto: false))
            .field("request_id", .string, .required)
            .field("amount", .int64, .required)
            .field("paid_on", .string, .required)
            .field("reference_sealed", .string, .required)  // how it was paid: transfer reference, intermediary
            .field("recorded_by", .string, .required)
            .field("recorded_at", .int64, .required)
            .create()
        try await database.sql.create(index: "assistance_payments_request").on("assistance_payments").column(
            "request_id"
        ).run()
        try await database.schema("assistance_criteria")
            .field("id", .string, .identifier(auto: false))
            .field("position", .int, .required)
            .field("text", .string, .required)
            .field("active", .bool, .required)
            .create()
        try await database.schema("assistance_settings")
            .field("key", .string, .identifier(auto: false))
            .field("value", .string, .required)
            .create()
        // Defaults an administrator can change.
        let criteria = [
            ("peaceful", "The person or organisation defends human rights by peaceful means"),
            ("linked-to-work", "The risk is a consequence of their human rights work"),
            ("urgent", "The need is urgent and cannot be met by other means"),
            ("verified", "The situation was verified with a partner organisation")
        ]
        for (position, (id, text)) in criteria.enumerated() {
            try await database.sql.insert(into: "assistance_criteria").columns("id", "position", "text", "active")
                .values(id, position, text, true).run()
        }
        try await database.sql.insert(into: "assistance_settings").columns("key", "value").values("currency", "EUR")
            .run()
        try await database.sql.insert(into: "assistance_settings").columns("key", "value").values("ceiling", "500000")
            .run()
    }

    func revert(on database: any Database) async throws {
        for table in [
            "assistance_settings", "assistance_criteria", "assistance_payments", "assistance_approvals",
            "assistance_requests"
        ] {
            try await database.schema(table).delete()
        }
    }
}
