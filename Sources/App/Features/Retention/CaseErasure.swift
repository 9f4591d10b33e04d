import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Anonymising and deleting a case file with everything that hangs on it, in the caller's transaction.
///
/// The rows that reference a case (found by reading every migration): its people and their other-language
/// spellings, acts, sources, attachments and their shares with partners, messages, timeline, verification
/// requests, interventions (with their four-eyes versions, approvals and "not the person" records), missions'
/// links, material assistance (approvals and payments), bulk triage, staff alerts and their mail, and the
/// campaigns' lists of cases. A published intervention's publication is public already and stays; so does its
/// reference code (`reference_codes`), which must never be given to another text.
enum CaseErasure {
    /// Removes every personal value and keeps what the figures count (see `CaseAnonymisation`): the case's country,
    /// status, outcome and dates; each person's kind; each act's type and perpetrator's kind; the interventions'
    /// publication and status; assistance amounts and payment dates.
    static func anonymise(_ caseID: String, cipher: FieldCipher, on tx: any Database) async throws {
        let sql = tx.sql
        let blank = CaseAnonymisation.placeholder
        try await KitRecord.lockCases([caseID], on: tx)
        try await KitRecord.forget(caseID, on: tx)
        try await sql.update("cases").set("label_sealed", to: cipher.seal(blank, in: .caseLabel, row: caseID))
            .set("notes_sealed", to: cipher.seal("", in: .caseNotes, row: caseID))
            .set("receipt_hash", to: SQLLiteral.null).where("id", .equal, caseID).run()
        for id in try await ids("case_people", caseID, on: tx) {
            try await sql.update("case_people").set("name_sealed", to: cipher.seal(blank, in: .personName, row: id))
                .set("contact_sealed", to: cipher.seal("", in: .personContact, row: id))
                .set("public_description", to: cipher.seal("", in: .personDescription, row: id))
                .set("consents_to_be_named", to: false).where("id", .equal, id).run()
        }
        for id in try await ids("case_acts", caseID, on: tx) {
            try await sql.update("case_acts").set("occurred_on", to: SQLLiteral.null)
                .set("place", to: cipher.seal("", in: .actPlace, row: id))
                .set("perpetrator_detail", to: cipher.seal("", in: .actPerpetratorDetail, row: id))
                .where("id", .equal, id).run()
        }
        for id in try await ids("interventions", caseID, on: tx) {
            try await sql.update("interventions").set(
                "title_sealed",
                to: cipher.seal(
                    blank, in: .interventionTitle,
                    row: id)
            )
            .set("summary_sealed", to: cipher.seal("", in: .interventionSummary, row: id))
            .set("body_sealed", to: cipher.seal("", in: .interventionBody, row: id))
            .where("id", .equal, id).run()
            try await sql.delete(from: "redaction_exceptions").where("intervention_id", .equal, id).run()
        }
        try await sql.raw(
            """
            UPDATE interventions SET public_title = NULL, public_summary = NULL, public_body = NULL
            WHERE case_id = \(bind: caseID) AND status <> 'published'
            """
        ).run()
        for id in try await ids("assistance_requests", caseID, on: tx) {
            try await sql.update("assistance_requests")
                .set("purpose_sealed", to: cipher.seal("", in: .assistancePurpose, row: id))
                .set("rejection_sealed", to: SQLLiteral.null).set("report_note_sealed", to: SQLLiteral.null)
                .where("id", .equal, id).run()
            for payment in try await ids("assistance_payments", id, column: "request_id", on: tx) {
                try await sql.update("assistance_payments")
                    .set("reference_sealed", to: cipher.seal("", in: .paymentReference, row: payment))
                    .where("id", .equal, payment).run()
            }
        }
        for id in try await ids("mission_cases", caseID, on: tx) {
            try await sql.update("mission_cases").set(
                "concern_sealed",
                to: cipher.seal(
                    "", in: .missionConcern,
                    row: id)
            )
            .where("id", .equal, id).run()
        }
        try await removeAttachments(caseID, on: tx)
        // The offline kit's values in conflict are the case's values too (sealed, but not kept past the decision).
        for table in [
            "case_person_languages", "case_sources", "case_messages", "verifications", "intake_bulk",
            "kit_conflicts"
        ] {
            try await sql.delete(from: table).where("case_id", .equal, caseID).run()
        }
        try await removeAlerts(caseID, on: tx)
    }

    /// Deletes the case and every row that references it.
    static func delete(_ caseID: String, on tx: any Database) async throws {
        let sql = tx.sql
        // A kit's digests of the case's rows go with it; their ids stay, so no kit brings them back (finding 4).
        try await KitRecord.lockCases([caseID], on: tx)
        try await KitRecord.forget(caseID, on: tx)
        for id in try await ids("interventions", caseID, on: tx) {
            try await sql.delete(from: "redaction_exceptions").where("intervention_id", .equal, id).run()
            for table in ["four_eyes_approvals", "four_eyes_versions"] {
                try await sql.delete(from: table).where("subject", .equal, "intervention:\(id)").run()
            }
        }
        for id in try await ids("assistance_requests", caseID, on: tx) {
            for table in ["assistance_approvals", "assistance_payments"] {
                try await sql.delete(from: table).where("request_id", .equal, id).run()
            }
        }
        let verifications = try await ids("verifications", caseID, on: tx)
        if !verifications.isEmpty {
            try await sql.delete(from: "outbox").where("subject_id", .in, verifications).run()
        }
        try await removeAttachments(caseID, on: tx)
        try await removeAlerts(caseID, on: tx)
        for table in [
            "case_person_languages", "case_people", "case_acts", "case_sources", "case_messages",
            "case_events", "verifications", "interventions", "mission_cases", "assistance_requests",
            "intake_bulk", "kit_conflicts"
        ] {
            try await sql.delete(from: table).where("case_id", .equal, caseID).run()
        }
        struct Listed: Decodable { let id: String, caseIds: String }
        let campaigns = try await sql.raw(
            """
            SELECT id, case_ids FROM campaigns WHERE case_ids LIKE \(bind: "%" + caseID + "%")
            """
        ).all(decoding: Listed.self, keyDecodingStrategy: .convertFromSnakeCase)
        for campaign in campaigns {
            let kept = campaign.caseIds.split(separator: ",").filter { $0 != caseID }.joined(separator: ",")
            try await sql.update("campaigns").set("case_ids", to: kept).where("id", .equal, campaign.id).run()
        }
        try await sql.delete(from: "cases").where("id", .equal, caseID).run()
    }

    /// A retention decision is the one deliberate destruction of an original the app makes (see `EvidenceTests`):
    /// the files of a case that is deleted or anonymised, with their shares, go for good.
    private static func removeAttachments(_ caseID: String, on tx: any Database) async throws {
        try await tx.sql.delete(from: "attachment_shares").where("case_id", .equal, caseID).run()
        try await tx.sql.delete(from: "case_attachments").where("case_id", .equal, caseID).run()
    }

    private static func removeAlerts(_ caseID: String, on tx: any Database) async throws {
        let alerts = try await ids("staff_alerts", caseID, on: tx)
        for start in stride(from: 0, to: alerts.count, by: 500) {
            let chunk = Array(alerts[start..<min(start + 500, alerts.count)])
            try await tx.sql.delete(from: "outbox").where("subject_id", .in, chunk).run()
        }
        try await tx.sql.delete(from: "staff_alerts").where("case_id", .equal, caseID).run()
    }

    static func ids(
        _ table: String, _ value: String, column: String = "case_id",
        on db: any Database
    ) async throws -> [String] {
        struct Row: Decodable { let id: String }
        return try await db.sql.select().column("id").from(table).where(SQLColumn(column), .equal, SQLBind(value))
            .all(decoding: Row.self).map(\.id)
    }
}
