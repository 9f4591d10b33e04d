import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// "This occurrence is not the person": a value the redactor would replace ("Hope", the word) that an approver
/// records, with a reason, as not naming the person, for one exact revision of one intervention. Any edit raises
/// the revision and so voids it. Values and reasons are sealed; each record is audited and shown to the next
/// approver.
enum RedactionExceptions {
    struct Record: Sendable { let value: Confidential, reason: Confidential, by: String, at: Int64 }

    static func load(_ i: Intervention, cipher: FieldCipher, on db: any Database) async throws -> [Record] {
        struct Row: Decodable {
            let id: String, valueSealed: String, reasonSealed: String, recordedBy: String, recordedAt: Int64
        }
        return try await db.rows(
            """
            SELECT id, value_sealed, reason_sealed, recorded_by, recorded_at FROM redaction_exceptions
            WHERE intervention_id = \(bind: i.id) AND revision = \(bind: i.revision) ORDER BY recorded_at, id
            """, as: Row.self
        ).map {
            Record(
                value: try cipher.open($0.valueSealed, in: .redactionExceptionValue, row: $0.id),
                reason: try cipher.open($0.reasonSealed, in: .redactionExceptionReason, row: $0.id),
                by: $0.recordedBy, at: $0.recordedAt)
        }
    }

    /// The redactor of `file` with this revision's records applied.
    static func redactor(
        for i: Intervention, file: CaseFile, cipher: FieldCipher,
        on db: any Database
    ) async throws -> Redactor {
        var redactor = file.redactor(for: i)
        redactor.exceptions = Set(try await load(i, cipher: cipher, on: db).map { $0.value.reveal() })
        return redactor
    }

    enum Problem: Error, CustomStringConvertible {
        case noReason, notAName, ownChange, notDraft
        var description: String {
            switch self {
            case .noReason: "Say why this occurrence is not the person (at most 500 characters)."
            case .notAName: "That value is not one the redaction replaces in this version."
            case .ownChange:
                "You made the latest change to this text: another case officer records what is not "
                    + "the person."
            case .notDraft: "Only a draft's redaction is reviewed."
            }
        }
    }

    /// Records `occurrence` (as shown on the page) as not the person for the current revision of `i`.
    static func record(
        _ occurrence: String, reason: String, for i: Intervention, file: CaseFile, by actor: String,
        now: Date,
        cipher: FieldCipher, on db: any Database
    ) async throws -> Problem? {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard i.status == .draft else { return .notDraft }
        guard !reason.isEmpty, reason.count <= 500 else { return .noReason }
        guard actor.lowercased() != i.lastChangedBy.lowercased() else { return .ownChange }
        let key = Redactor.exceptionKey(occurrence)
        let text = [i.title, i.summary, i.body].map { $0.reveal() }.joined(separator: "\n")
        guard !key.isEmpty,
            file.redactor(for: i).nameMatches(in: text)
                .contains(where: { Redactor.exceptionKey($0.text) == key })
        else {
            return .notAName
        }
        let id = RandomID.make("exception")
        try await db.write { tx in
            try await tx.sql.insert(into: "redaction_exceptions")
                .columns(
                    "id", "intervention_id", "revision", "value_sealed", "reason_sealed", "recorded_by",
                    "recorded_at"
                )
                .values(
                    id, i.id, i.revision, cipher.seal(key, in: .redactionExceptionValue, row: id),
                    cipher.seal(reason, in: .redactionExceptionReason, row: id), actor, now.seconds
                )
                .run()
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "redaction.not-the-person",
                    recordType: "intervention",
                    recordID: i.id, detail: "revision \(i.revision), record \(id)"),
                now: now, on: tx)
        }
        return nil
    }
}
