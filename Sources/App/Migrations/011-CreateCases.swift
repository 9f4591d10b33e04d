import Fluent
import SQLKit

/// Case files: who is at risk, what happened, sources, attachments, messages with the reporter, requests for
/// verification and the internal timeline. Columns ending in `_sealed` hold AES-GCM ciphertext (`FieldCipher`),
/// never clear text. Times are whole seconds since 1970.
struct CreateCases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("cases")
            .field("id", .string, .identifier(auto: false))
            .field("status", .string, .required)
            .field("outcome", .string)
            .field("country_code", .string, .required)
            .field("risk_level", .string, .required)
            .field("origin", .string, .required)  // report (public form) | office
            .field("label_sealed", .string, .required)  // the officers' working title: may name people
            .field("notes_sealed", .string, .required)
            .field("receipt_hash", .string)  // the reporter's receipt code, hashed
            .field("opened_at", .int64, .required)
            .field("status_changed_at", .int64, .required)
            .field("last_activity_at", .int64, .required)
            .unique(on: "receipt_hash")
            .create()
        try await database.sql.create(index: "cases_status").on("cases").column("status").column("last_activity_at")
            .run()
        try await database.schema("case_people")
            .field("id", .string, .identifier(auto: false))
            .field("case_id", .string, .required)
            .field("position", .int, .required)
            .field("kind", .string, .required)  // defender | organisation
            .field("name_sealed", .string, .required)
            .field("consents_to_be_named", .bool, .required)
            .field("public_description", .string, .required)  // how the public texts describe them when not named
            .field("contact_sealed", .string, .required)
            .create()
        try await database.schema("case_acts")
            .field("id", .string, .identifier(auto: false))
            .field("case_id", .string, .required)
            .field("type", .string, .required)
            .field("occurred_on", .string)
            .field("place", .string, .required)
            .field("perpetrator", .string, .required)
            .field("perpetrator_detail", .string, .required)
            .create()
        try await database.schema("case_sources")
            .field("id", .string, .identifier(auto: false))
            .field("case_id", .string, .required)
            .field("description_sealed", .string, .required)
            .field("contact_sealed", .string, .required)
            .field("added_at", .int64, .required)
            .create()
        try await database.schema("case_attachments")
            .field("id", .string, .identifier(auto: false))
            .field("case_id", .string, .required)
            .field("filename_sealed", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("data_sealed", .data, .required)
            .field("added_at", .int64, .required)
            .field("added_by", .string, .required)
            .create()
        try await database.schema("case_messages")
            .field("id", .string, .identifier(auto: false))
            .field("case_id", .string, .required)
            .field("at", .int64, .required)
            .field("author", .string, .required)  // "reporter" or the officer's e-mail
            .field("from_reporter", .bool, .required)
            .field("body_sealed", .string, .required)
            .create()
        try await database.schema("case_events")
            .field("id", .int64, .identifier(auto: true))
            .field("case_id", .string, .required)
            .field("at", .int64, .required)
            .field("actor", .string, .required)
            .field("summary", .string, .required)  // written by the code, never holds a confidential value
            .create()
        try await database.schema("verifications")
            .field("id", .string, .identifier(auto: false))
            .field("case_id", .string, .required)
            .field("organisation_id", .string, .required)
            .field("shared_sealed", .string, .required)  // exactly what the partner may read
            .field("asked_at", .int64, .required)
            .field("asked_by", .string, .required)
            .field("answer", .string)
            .field("note_sealed", .string)
            .field("answered_at", .int64)
            .field("answered_by", .string)
            .create()
        for (table, column) in [
            ("case_people", "case_id"), ("case_acts", "case_id"), ("case_sources", "case_id"),
            ("case_attachments", "case_id"), ("case_messages", "case_id"), ("case_events", "case_id"),
            ("verifications", "case_id"), ("verifications", "organisation_id")
        ] {
            try await database.sql.create(index: "\(table)_\(column)").on(table).column(column).run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in [
            "verifications", "case_events", "case_messages", "case_attachments", "case_sources", "case_acts",
            "case_people", "cases"
        ] {
            try await database.schema(table).delete()
        }
    }
}
