import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Drafts, approves and publishes interventions. The draft is sealed; the public version is fixed at approval.
enum InterventionStore {
    struct Draft: Sendable {
        var kind: InterventionKind, language: Language, followUpOf: String?, translationOf: String?
        /// As typed, before redaction.
        var title: Confidential, summary: Confidential, body: Confidential
    }

    static func create(
        _ d: Draft, case caseID: String, by actor: String, now: Date, cipher: FieldCipher, on db: any Database
    ) async throws -> String {
        let id = RandomID.make("intervention")
        try await db.write { tx in
            try await tx.sql.insert(into: "interventions")
                .columns(
                    "id", "case_id", "kind", "language", "follow_up_of", "translation_of", "title_sealed",
                    "summary_sealed",
                    "body_sealed", "status", "drafted_by", "drafted_at"
                )
                .values(
                    id, caseID, d.kind.rawValue, d.language.rawValue, d.followUpOf, d.translationOf,
                    cipher.seal(d.title, in: .interventionTitle, row: id),
                    cipher.seal(d.summary, in: .interventionSummary, row: id),
                    cipher.seal(d.body, in: .interventionBody, row: id), InterventionStatus.draft.rawValue, actor,
                    now.seconds
                )
                .run()
            let what =
                d.translationOf != nil
                ? "Translation (\(d.language.rawValue.uppercased()))"
                : (d.followUpOf != nil ? "Follow-up" : d.kind.englishLabel)
            try await Timeline.add("\(what) drafted", actor: actor, case: caseID, now: now, on: tx)
            try await CaseStore.touch(caseID, now: now, on: tx)
            try await FourEyesStore.recordChange(
                "intervention:\(id)",
                hash: ContentHash.of([
                    d.title.reveal(),
                    d.summary.reveal(),
                    d.body.reveal()
                ]), by: actor, now: now, on: tx)
            try await StaffAlerts.raise(
                .interventionApproval, case: caseID, subject: id,
                link: OfficeRoute.intervention(id: id).path, except: actor, now: now, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "intervention.draft",
                    recordType: "intervention", recordID: id), now: now, on: tx)
        }
        return id
    }

    struct Row: Decodable {
        let id: String, caseId: String, kind: String, language: String, followUpOf: String?, translationOf: String?
        let titleSealed: String, summarySealed: String, bodySealed: String, status: String, draftedBy: String,
            draftedAt: Int64
        let approvedBy: String?, approvedAt: Int64?, reference: String?, publicTitle: String?, publicSummary: String?
        let publicBody: String?, publicationId: String?, publishedAt: Int64?
    }

    static func find(_ id: String, cipher: FieldCipher, on db: any Database) async throws -> Intervention? {
        guard
            let r = try await db.row("SELECT * FROM interventions WHERE id = \(bind: id)", as: Row.self)
        else { return nil }
        let version = try await FourEyesStore.version("intervention:\(r.id)", fallback: r.draftedBy, on: db)
        var found = Intervention(
            id: r.id, caseID: r.caseId, kind: InterventionKind(rawValue: r.kind) ?? .urgentAppeal,
            language: Language(rawValue: r.language) ?? .en, followUpOf: r.followUpOf, translationOf: r.translationOf,
            title: try cipher.open(r.titleSealed, in: .interventionTitle, row: r.id),
            summary: try cipher.open(r.summarySealed, in: .interventionSummary, row: r.id),
            body: try cipher.open(r.bodySealed, in: .interventionBody, row: r.id),
            status: InterventionStatus(rawValue: r.status) ?? .draft, draftedBy: r.draftedBy, draftedAt: r.draftedAt,
            approvedBy: r.approvedBy, approvedAt: r.approvedAt, reference: r.reference, publicTitle: r.publicTitle,
            publicSummary: r.publicSummary, publicBody: r.publicBody, publicationID: r.publicationId,
            publishedAt: r.publishedAt)
        found.revision = version.revision
        found.lastChangedBy = version.changedBy ?? r.draftedBy
        return found
    }

    static func summaries(case caseID: String, on db: any Database) async throws -> [InterventionSummary] {
        try await db.rows(
            """
            SELECT id, kind, language, status, reference, follow_up_of, translation_of, drafted_by, drafted_at, \
            publication_id, published_at
            FROM interventions WHERE case_id = \(bind: caseID) ORDER BY drafted_at, id
            """, as: InterventionSummary.self
        )
    }

    /// Saves a new text. A change after approval sends the intervention back to draft: it must be approved
    /// again (the reference code stays with it).
    static func update(
        _ i: Intervention, title: String, summary: String, body: String, by actor: String, now: Date,
        cipher: FieldCipher, on db: any Database
    ) async throws {
        try await db.write { db in
            try await db.sql.update("interventions")
                .set("title_sealed", to: cipher.seal(title, in: .interventionTitle, row: i.id))
                .set("summary_sealed", to: cipher.seal(summary, in: .interventionSummary, row: i.id))
                .set("body_sealed", to: cipher.seal(body, in: .interventionBody, row: i.id))
                .set("status", to: InterventionStatus.draft.rawValue).set(
                    "approved_by",
                    to: String?.none
                ).set("approved_at", to: Int64?.none)
                .set("public_title", to: String?.none).set("public_summary", to: String?.none).set(
                    "public_body",
                    to: String?.none
                )
                .where("id", .equal, i.id).where("status", .notEqual, InterventionStatus.published.rawValue).run()
            // A new revision by this author: every earlier approval and "not the person" record is void.
            try await FourEyesStore.recordChange(
                i.subject, hash: ContentHash.of([title, summary, body]), by: actor,
                now: now, on: db)
        }
        if i.status == .approved {
            try await Timeline.add(
                "Approved text changed: back to draft", actor: actor, case: i.caseID, now: now, on: db)
        }
    }

    /// Every intervention of a case as a redactor would need it: the original's publication for links.
    static func publicationID(of interventionID: String?, on db: any Database) async throws -> String? {
        guard let interventionID else { return nil }
        struct Row: Decodable { let publicationId: String? }
        return try await db.row(
            "SELECT publication_id FROM interventions WHERE id = \(bind: interventionID)", as: Row.self)?.publicationId
    }

    static func reference(
        of interventionID: String, on db: any Database
    ) async throws -> (status: String, reference: String?)? {
        struct Row: Decodable { let status: String, reference: String? }
        return try await db.sql.raw("SELECT status, reference FROM interventions WHERE id = \(bind: interventionID)")
            .first(decoding: Row.self).map { ($0.status, $0.reference) }
    }
}
