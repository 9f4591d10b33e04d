import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Requests to partner organisations to verify a case, and their answers. A partner reads only what was
/// shared with its organisation: `shared` is written for it by the case officer.
enum VerificationStore {
    static func ask(
        case file: CaseFile, organisationID: String, shared: String, days: Int = 14, by actor: String, now: Date,
        cipher: FieldCipher, on db: any Database
    ) async throws -> String {
        let id = RandomID.make("verification")
        let name = try await organisationName(organisationID, on: db) ?? organisationID
        try await db.write { tx in
            try await tx.sql.insert(into: "verifications")
                .columns("id", "case_id", "organisation_id", "shared_sealed", "asked_at", "asked_by", "expires_at")
                .values(
                    id, file.id, organisationID, cipher.seal(shared, in: .verificationShared, row: id), now.seconds,
                    actor,
                    now.seconds + Int64(days) * 86_400
                )
                .run()
            let access = Translations.$current.withValue(.of(.en)) { t("count.days", count: days) }  // stored: English
            try await Timeline.add(
                "Verification asked of \(name) (access for \(access))",
                actor: actor, case: file.id, now: now, on: tx)
            try await PartnerMail.queueRequest(id, organisationID: organisationID, now: now, on: tx)
            try await CaseStore.touch(file.id, now: now, on: tx)
        }
        try await CaseStore.advance(file, to: .underVerification, by: actor, now: now, on: db)
        return id
    }

    struct Row: Decodable {
        let id: String, caseId: String, organisationId: String, name: String?, sharedSealed: String, askedAt: Int64,
            askedBy: String
        let answer: String?, noteSealed: String?, answeredAt: Int64?, answeredBy: String?, expiresAt: Int64?
    }

    static let select = """
        SELECT v.id, v.case_id, v.organisation_id, o.name, v.shared_sealed, v.asked_at, v.asked_by, v.answer, \
        v.note_sealed,
        v.answered_at, v.answered_by, v.expires_at FROM verifications v LEFT JOIN organisations o ON o.id = \
        v.organisation_id
        """

    static func verification(_ row: Row, cipher: FieldCipher) throws -> Verification {
        Verification(
            id: row.id, caseID: row.caseId, organisationID: row.organisationId,
            organisationName: row.name ?? row.organisationId,
            shared: try cipher.open(row.sharedSealed, in: .verificationShared, row: row.id), askedAt: row.askedAt,
            askedBy: row.askedBy,
            answer: row.answer.flatMap(VerificationAnswer.init(rawValue:)),
            note: try row.noteSealed.map { try cipher.open($0, in: .verificationNote, row: row.id) },
            answeredAt: row.answeredAt, answeredBy: row.answeredBy, expiresAt: row.expiresAt)
    }

    static func forCase(_ caseID: String, cipher: FieldCipher, on db: any Database) async throws -> [Verification] {
        try await db.rows(
            "\(unsafeRaw: select) WHERE v.case_id = \(bind: caseID) ORDER BY v.asked_at, v.id", as: Row.self
        ).map {
            try verification($0, cipher: cipher)
        }
    }

    /// The requests addressed to one organisation, unanswered first.
    static func forOrganisation(
        _ organisationID: String, cipher: FieldCipher, on db: any Database
    ) async throws -> [Verification] {
        try await db.rows(
            """
            \(unsafeRaw: select) WHERE v.organisation_id = \(bind: organisationID)
            ORDER BY CASE WHEN v.answer IS NULL THEN 0 ELSE 1 END, v.asked_at DESC LIMIT 500
            """, as: Row.self
        ).map {
            try verification($0, cipher: cipher)
        }
    }

    /// One request, only if it is addressed to `organisationID` (a partner never reads another's).
    static func find(
        _ id: String, organisationID: String, cipher: FieldCipher, on db: any Database
    ) async throws -> Verification? {
        try await db.row(
            "\(unsafeRaw: select) WHERE v.id = \(bind: id) AND v.organisation_id = \(bind: organisationID)",
            as: Row.self
        ).map {
            try verification($0, cipher: cipher)
        }
    }

    /// The request's access ended before its answer was stored.
    struct AccessEnded: Error {}

    static func answer(
        _ v: Verification, answer: VerificationAnswer, note: String, by actor: String, now: Date,
        cipher: FieldCipher, on db: any Database
    ) async throws {
        let sealed = cipher.seal(note, in: .verificationNote, row: v.id)
        try await db.write { tx in
            // The access is checked again in the write (review r15, nit): should its last second pass while the answer
            // waits for the write, nothing is stored. (A partner moved to another organisation meanwhile is refused
            // by the office checks of the write, before this.)
            struct Answered: Decodable { let id: String }
            let answered = try await tx.sql.raw(
                """
                UPDATE verifications SET answer = \(bind: answer.rawValue), note_sealed = \(bind: sealed),
                answered_at = \(bind: now.seconds), answered_by = \(bind: actor)
                WHERE id = \(bind: v.id) AND (expires_at IS NULL OR expires_at > \(bind: now.seconds)) RETURNING id
                """
            ).all(decoding: Answered.self)
            guard !answered.isEmpty else { throw AccessEnded() }
            try await Timeline.add(
                "\(v.organisationName) answered: \(answer.label)", actor: actor, case: v.caseID, now: now, on: tx)
            try await CaseStore.touch(v.caseID, now: now, on: tx)
            try await StaffAlerts.raise(
                .verificationAnswered, case: v.caseID, subject: "\(v.id):\(UUID().uuidString)",
                link: OfficeRoute.caseFile(id: v.caseID).path, now: now, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "verification.answer", recordType: "case",
                    recordID: v.caseID,
                    detail: "\(v.organisationName): \(answer.rawValue)"), now: now, on: tx)
        }
    }

    static func organisationName(_ id: String, on db: any Database) async throws -> String? {
        struct Name: Decodable { let name: String }
        return try await db.sql.raw("SELECT name FROM organisations WHERE id = \(bind: id)").first(decoding: Name.self)?
            .name
    }

    /// Organisations a case officer can ask (those with at least one partner account first).
    static func partnerOrganisations(on db: any Database) async throws -> [(id: String, name: String)] {
        struct Row: Decodable { let id: String, name: String }
        return try await db.sql.raw(
            """
            SELECT o.id, o.name FROM organisations o WHERE EXISTS (SELECT 1 FROM users u WHERE u.organisation_id = \
            o.id AND u.disabled = \(bind: false))
            ORDER BY o.name LIMIT 1000
            """
        ).all(decoding: Row.self).map { ($0.id, $0.name) }
    }
}
