import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// The parts of a case file: people at risk, acts, sources, messages and attachments.
enum CaseRecords {
    static func addPerson(
        _ p: NewPerson, by actor: String, to caseID: String, now: Date, cipher: FieldCipher, on db: any Database
    ) async throws {
        struct Count: Decodable { let n: Int }
        let position =
            try await db.sql.raw("SELECT COUNT(*) AS n FROM case_people WHERE case_id = \(bind: caseID)").first(
                decoding: Count.self)?.n ?? 0
        let id = RandomID.make("person")
        try await db.sql.insert(into: "case_people")
            .columns(
                "id", "case_id", "position", "kind", "name_sealed", "consents_to_be_named", "public_description",
                "contact_sealed"
            )
            .values(
                id, caseID, position, p.kind.rawValue, cipher.seal(p.name, in: .personName, row: id),
                p.consents, cipher.seal(p.description, in: .personDescription, row: id),
                cipher.seal(p.contact, in: .personContact, row: id)
            )
            .run()
        try await Timeline.add(
            "\(p.kind.label) at risk added (\(p.consents ? "agrees" : "does not agree") to be named)",
            actor: actor, case: caseID, now: now, on: db)
    }

    /// Changes whether a person agrees to be named, and how public texts describe them. Approved texts keep
    /// the version that was approved; new drafts and approvals use the new choice.
    static func updatePerson(
        _ personID: String, of caseID: String, consents: Bool, description: String, contact: String,
        by actor: String, now: Date, cipher: FieldCipher, on db: any Database
    ) async throws -> Bool {
        struct Found: Decodable { let id: String }
        let found = try await db.sql.raw(
            """
            UPDATE case_people SET consents_to_be_named = \(bind: consents),
            public_description = \(bind: cipher.seal(description, in: .personDescription, row: personID)),
            contact_sealed = \(bind: cipher.seal(contact, in: .personContact, row: personID))
            WHERE id = \(bind: personID) AND case_id = \(bind: caseID) RETURNING id
            """
        ).first(decoding: Found.self)
        guard found != nil else { return false }
        try await Timeline.add(
            "Person at risk updated (\(consents ? "agrees" : "does not agree") to be named)", actor: actor,
            case: caseID, now: now, on: db)
        return true
    }

    static func addAct(_ a: NewAct, to caseID: String, cipher: FieldCipher, on db: any Database) async throws {
        let id = RandomID.make("act")
        try await db.sql.insert(into: "case_acts")
            .columns("id", "case_id", "type", "occurred_on", "place", "perpetrator", "perpetrator_detail")
            .values(
                id, caseID, a.type.rawValue, a.occurredOn.map { cipher.seal($0, in: .actDate, row: id) },
                cipher.seal(a.place, in: .actPlace, row: id), a.perpetrator.rawValue,
                cipher.seal(a.detail, in: .actPerpetratorDetail, row: id)
            )
            .run()
    }

    static func addSource(
        _ s: NewSource, to caseID: String, now: Date, cipher: FieldCipher, on db: any Database
    ) async throws {
        let id = RandomID.make("source")
        try await db.sql.insert(into: "case_sources").columns(
            "id", "case_id", "description_sealed", "contact_sealed", "added_at"
        )
        .values(
            id, caseID, cipher.seal(s.description, in: .sourceDescription, row: id),
            cipher.seal(s.contact, in: .sourceContact, row: id), now.seconds
        )
        .run()
    }

    static func addMessage(
        _ body: String, fromReporter: Bool, author: String, to caseID: String, now: Date,
        cipher: FieldCipher, on db: any Database
    ) async throws {
        let id = RandomID.make("message")
        try await db.sql.insert(into: "case_messages").columns(
            "id", "case_id", "at", "author", "from_reporter", "body_sealed"
        )
        .values(
            id, caseID, now.seconds, fromReporter ? "reporter" : author, fromReporter,
            cipher.seal(body, in: .messageBody, row: id)
        )
        .run()
        try await Timeline.add(
            fromReporter ? "The reporter sent information" : "Question sent to the reporter",
            actor: fromReporter ? "reporter" : author, case: caseID, now: now, on: db)
        try await CaseStore.touch(caseID, now: now, on: db)
    }

    static func addAttachment(
        _ upload: Upload, by actor: String, to caseID: String, now: Date, cipher: FieldCipher, on db: any Database
    ) async throws {
        // Hashed as it arrives, and its first custody entry written in this transaction (issue 20).
        try await EvidenceStore.insert(upload, by: actor, to: caseID, now: now, cipher: cipher, on: db)
        let size = t("count.bytes", count: upload.data.count)
        try await Timeline.add(
            "Attachment added (\(upload.contentType), \(size))",
            actor: actor, case: caseID, now: now, on: db)
    }

    /// An attachment's name, type and decrypted bytes, if it belongs to the case.
    static func attachment(
        _ id: String, case caseID: String, cipher: FieldCipher, on db: any Database
    ) async throws -> Upload? {
        struct Row: Decodable { let filenameSealed: String, contentType: String, dataSealed: Data }
        guard
            let row = try await db.row(
                """
                SELECT filename_sealed, content_type, data_sealed FROM case_attachments WHERE id = \(bind: id) AND \
                case_id = \(bind: caseID)
                """, as: Row.self
            )
        else { return nil }
        return Upload(
            filename: try cipher.open(row.filenameSealed, in: .attachmentName, row: id).reveal(),
            contentType: row.contentType,
            data: Array(try cipher.open(bytes: row.dataSealed, in: .attachmentData, row: id)))
    }

    static func load(into file: inout CaseFile, cipher: FieldCipher, on db: any Database) async throws {
        let sql = db.sql, id = file.id
        struct PersonRow: Decodable {
            let id: String, kind: String, nameSealed: String, consentsToBeNamed: Bool, publicDescription: String,
                contactSealed: String
        }
        file.people = try await sql.rows(
            """
            SELECT id, kind, name_sealed, consents_to_be_named, public_description, contact_sealed FROM case_people
            WHERE case_id = \(bind: id) ORDER BY position, id
            """,
            as: PersonRow.self
        ).map {
            AtRisk(
                id: $0.id, kind: AtRiskKind(rawValue: $0.kind) ?? .defender,
                name: try cipher.open($0.nameSealed, in: .personName, row: $0.id),
                consentsToBeNamed: $0.consentsToBeNamed,
                publicDescription: try cipher.open(
                    $0.publicDescription, in: .personDescription,
                    row: $0.id
                ).reveal(),
                contact: try cipher.open($0.contactSealed, in: .personContact, row: $0.id))
        }
        try await PersonLanguages.load(into: &file, cipher: cipher, on: db)
        struct ActRow: Decodable {
            let id: String, type: String, occurredOn: String?, place: String, perpetrator: String,
                perpetratorDetail: String
        }
        file.acts = try await sql.rows(
            """
            SELECT id, type, occurred_on, place, perpetrator, perpetrator_detail FROM case_acts
            WHERE case_id = \(bind: id)
            """,
            as: ActRow.self
        ).map { row in
            Act(
                id: row.id, type: ActType(rawValue: row.type) ?? .other,
                occurredOn: try row.occurredOn.map { try cipher.open($0, in: .actDate, row: row.id).reveal() },
                place: try cipher.open(row.place, in: .actPlace, row: row.id),
                perpetrator: PerpetratorType(rawValue: row.perpetrator) ?? .unidentified,
                perpetratorDetail: try cipher.open(row.perpetratorDetail, in: .actPerpetratorDetail, row: row.id))
        }
        // Dates are sealed, so acts are put in order once opened: by date (none first), then id.
        .sorted { ($0.occurredOn ?? "", $0.id) < ($1.occurredOn ?? "", $1.id) }
        struct SourceRow: Decodable { let id: String, descriptionSealed: String, contactSealed: String, addedAt: Int64 }
        file.sources = try await sql.rows(
            """
            SELECT id, description_sealed, contact_sealed, added_at FROM case_sources
            WHERE case_id = \(bind: id) ORDER BY added_at, id
            """,
            as: SourceRow.self
        ).map {
            Source(
                id: $0.id,
                description: try cipher.open($0.descriptionSealed, in: .sourceDescription, row: $0.id),
                contact: try cipher.open($0.contactSealed, in: .sourceContact, row: $0.id), addedAt: $0.addedAt)
        }
        struct FileRow: Decodable {
            let id: String, filenameSealed: String, contentType: String, size: Int, addedAt: Int64, addedBy: String
        }
        file.attachments = try await sql.rows(
            """
            SELECT id, filename_sealed, content_type, size, added_at, added_by FROM case_attachments
            WHERE case_id = \(bind: id) ORDER BY added_at, id
            """,
            as: FileRow.self
        ).map {
            AttachmentInfo(
                id: $0.id, filename: try cipher.open($0.filenameSealed, in: .attachmentName, row: $0.id),
                contentType: $0.contentType, size: $0.size, addedAt: $0.addedAt, addedBy: $0.addedBy)
        }
        struct MessageRow: Decodable {
            let id: String, at: Int64, author: String, fromReporter: Bool, bodySealed: String
        }
        file.messages = try await sql.rows(
            """
            SELECT id, at, author, from_reporter, body_sealed FROM case_messages
            WHERE case_id = \(bind: id) ORDER BY at, id
            """,
            as: MessageRow.self
        ).map {
            Message(
                id: $0.id, at: $0.at, author: $0.author, fromReporter: $0.fromReporter,
                body: try cipher.open($0.bodySealed, in: .messageBody, row: $0.id))
        }
    }
}
