import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// One stored file of a case, as the evidence pages and the export see it.
struct EvidenceFile: Sendable {
    var id: String
    var caseID: String
    var filename: Confidential
    var contentType: String
    var size: Int
    var addedAt: Int64
    var addedBy: String
    /// The SHA-256 recorded when it arrived (nil only for a row that escaped migration 037).
    var sha256: String?
    /// For a copy: the original it was made from, and how.
    var derivedFrom: String?
    var derivation: String?
}

/// Case attachments as evidence: stored once with their SHA-256, never changed afterwards (there is no UPDATE of
/// `case_attachments` in the app; key rotation re-seals the same bytes), read back only after checking the hash,
/// and a custody history of audit entries (`CustodyEvent`) written in the transaction of what they record.
enum EvidenceStore {
    /// Stores a file that arrived (or a copy made from one, `derivedFrom`), with its hash, and appends its first
    /// custody entry; `db` is the caller's write transaction. Returns the new file's id.
    @discardableResult
    static func insert(
        _ upload: Upload, by actor: String, to caseID: String,
        derivedFrom: (id: String, derivation: String)? = nil,
        now: Date, cipher: FieldCipher, on tx: any Database
    ) async throws -> String {
        let id = RandomID.make("file"), hash = Evidence.sha256(upload.data)
        try await tx.sql.insert(into: "case_attachments")
            .columns(
                "id", "case_id", "filename_sealed", "content_type", "size", "data_sealed", "added_at", "added_by",
                "sha256_sealed", "derived_from", "derivation"
            )
            .values(
                id, caseID, cipher.seal(upload.filename, in: .attachmentName, row: id), upload.contentType,
                upload.data.count, cipher.seal(bytes: upload.data, in: .attachmentData, row: id),
                now.seconds, actor, cipher.seal(hash, in: .attachmentSHA256, row: id),
                derivedFrom?.id, derivedFrom?.derivation
            )
            .run()
        let event: CustodyEvent = derivedFrom == nil ? .received : .derived
        let detail =
            "case \(caseID), \(upload.contentType), size \(upload.data.count)"
            + (derivedFrom.map { ", from \($0.id) (\($0.derivation))" } ?? "")
        try await AuditLog.record(
            AuditEvent(
                actor: actor, action: event.rawValue, recordType: "attachment",
                recordID: id, detail: detail), now: now, on: tx)
        if let derivedFrom {
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: CustodyEvent.copyMade.rawValue,
                    recordType: "attachment", recordID: derivedFrom.id,
                    detail: "copy \(id) (\(derivedFrom.derivation))"), now: now, on: tx)
        }
        return id
    }

    private struct Row: Decodable {
        let id: String, caseId: String, filenameSealed: String, contentType: String, size: Int, addedAt: Int64
        let addedBy: String, sha256Sealed: String?, derivedFrom: String?, derivation: String?
    }
    private static let columns =
        "id, case_id, filename_sealed, content_type, size, added_at, added_by, sha256_sealed, "
        + "derived_from, derivation"

    private static func file(_ row: Row, cipher: FieldCipher) throws -> EvidenceFile {
        EvidenceFile(
            id: row.id, caseID: row.caseId,
            filename: try cipher.open(row.filenameSealed, in: .attachmentName, row: row.id),
            contentType: row.contentType, size: row.size, addedAt: row.addedAt, addedBy: row.addedBy,
            // A recorded hash changed without the key does not open: the file is then unchecked and is never
            // served ("no SHA-256 was recorded"), rather than every page of its case failing.
            sha256: row.sha256Sealed.flatMap {
                try? cipher.open($0, in: .attachmentSHA256, row: row.id).reveal()
            },
            derivedFrom: row.derivedFrom, derivation: row.derivation)
    }

    /// The file, only if it belongs to the case (any other pair of ids is nil, as for an id that never existed).
    static func find(
        _ id: String, case caseID: String, cipher: FieldCipher, on db: any Database
    ) async throws
        -> EvidenceFile?
    {
        try await db.row(
            """
            SELECT \(unsafeRaw: columns) FROM case_attachments WHERE id = \(bind: id) AND case_id = \(bind: caseID)
            """, as: Row.self
        )
        .map { try file($0, cipher: cipher) }
    }

    static func files(case caseID: String, cipher: FieldCipher, on db: any Database) async throws -> [EvidenceFile] {
        try await db.rows(
            """
            SELECT \(unsafeRaw: columns) FROM case_attachments WHERE case_id = \(bind: caseID) ORDER BY added_at, id
            """, as: Row.self
        )
        .map { try file($0, cipher: cipher) }
    }

    /// The stored bytes and whether they still hash to what was recorded on arrival.
    static func contents(
        _ file: EvidenceFile, cipher: FieldCipher, on db: any Database
    ) async throws
        -> (bytes: [UInt8], integrity: Evidence.Integrity)
    {
        struct Data_: Decodable { let dataSealed: Data }
        guard
            let row = try await db.row(
                "SELECT data_sealed FROM case_attachments WHERE id = \(bind: file.id)", as: Data_.self)
        else {
            return ([], .altered(expected: file.sha256 ?? "", found: "(no bytes stored)"))
        }
        // Bytes changed in the database without the key no longer open (AES-GCM): that is an altered file too, named
        // as one on every read path (409, "Altered"), never a server error.
        guard let opened = try? cipher.open(bytes: row.dataSealed, in: .attachmentData, row: file.id) else {
            return ([], .altered(expected: file.sha256 ?? "", found: "(the stored bytes no longer open)"))
        }
        let bytes = Array(opened)
        return (bytes, Evidence.check(bytes, recorded: file.sha256))
    }

    /// The file's custody history: its entries of the audit chain, oldest first.
    static func custody(_ file: EvidenceFile, on db: any Database) async throws -> [EvidenceManifest.Custody] {
        struct Entry: Decodable { let sequence: Int64, at: String, actor: String, action: String, detail: String }
        return try await db.sql.raw(
            """
            SELECT sequence, at, actor, action, detail FROM audit_log
            WHERE (record_type = 'attachment' AND record_id = \(bind: file.id))
               OR (record_type = 'case' AND record_id = \(bind: file.caseID)
                   AND action = \(bind: CustodyEvent.viewed.rawValue) AND detail = \(bind: file.id))
            ORDER BY sequence
            """
        ).all(decoding: Entry.self).map {
            EvidenceManifest.Custody(
                sequence: $0.sequence, at: $0.at, actor: $0.actor, event: $0.action,
                detail: $0.detail)
        }
    }

    /// Shares a file of the case under one of the case's verification requests; false when the request is not the
    /// case's. Sharing twice changes nothing (and records nothing again).
    static func share(
        _ file: EvidenceFile, verification: Verification, by actor: String, now: Date,
        on tx: any Database
    ) async throws -> Bool {
        guard verification.caseID == file.caseID else { return false }
        struct Found: Decodable { let id: String }
        let existing = try await tx.sql.raw(
            """
            SELECT id FROM attachment_shares WHERE verification_id = \(bind: verification.id)
              AND attachment_id = \(bind: file.id)
            """
        ).first(decoding: Found.self)
        guard existing == nil else { return true }
        try await tx.sql.insert(into: "attachment_shares")
            .columns("id", "verification_id", "attachment_id", "case_id", "shared_at", "shared_by")
            .values(RandomID.make("share"), verification.id, file.id, file.caseID, now.seconds, actor).run()
        try await AuditLog.record(
            AuditEvent(
                actor: actor, action: CustodyEvent.shared.rawValue,
                recordType: "attachment", recordID: file.id,
                detail: "verification \(verification.id), organisation "
                    + verification.organisationID), now: now, on: tx)
        try await Timeline.add(
            "File shared with \(verification.organisationName)", actor: actor, case: file.caseID,
            now: now, on: tx)
        return true
    }

    /// The ids of the files shared under a verification request.
    static func shared(with verificationID: String, on db: any Database) async throws -> Set<String> {
        struct Found: Decodable { let attachmentId: String }
        return Set(
            try await db.rows(
                """
                SELECT attachment_id FROM attachment_shares WHERE verification_id = \(bind: verificationID)
                """, as: Found.self
            ).map(\.attachmentId))
    }

    /// The verification requests each file of the case is shared under.
    static func shares(case caseID: String, on db: any Database) async throws -> [String: [String]] {
        struct Found: Decodable { let attachmentId: String, verificationId: String }
        return try await db.rows(
            """
            SELECT attachment_id, verification_id FROM attachment_shares WHERE case_id = \(bind: caseID)
            ORDER BY shared_at, id
            """, as: Found.self
        )
        .reduce(into: [:]) { $0[$1.attachmentId, default: []].append($1.verificationId) }
    }
}
