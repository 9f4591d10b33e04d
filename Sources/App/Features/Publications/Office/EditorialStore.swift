import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// A publication's editorial state: a draft, public, or waiting for its scheduled moment.
enum EditorialStatus: String, Sendable, CaseIterable {
    case draft, published, scheduled
    var label: String { self == .draft ? "Draft" : (self == .published ? "Published" : "Scheduled") }
    /// The label in the reader's language (`label` stays English for the audit trail).
    var localizedLabel: String { t("publications.status.\(rawValue)") }
}

/// A publication as editors see it: every status, with its schedule.
struct EditorialRecord: Sendable {
    var publication: ArchivePublication
    var status: EditorialStatus
    var publishAt: Int64?
}

/// Reads and writes publications for the back office (every status). Public pages never use this.
enum EditorialStore {
    struct Row: Decodable {
        let id: String, status: String, type: String, kind: String?, language: String, publishedOn: String,
            title: String
        let countryCodes: String, programmeSlugs: String, reference: String?, followUpOf: String?,
            translationOf: String?
        let eventDate: String?, summary: String, body: String, publishAt: Int64?

        var record: EditorialRecord {
            EditorialRecord(
                publication: ArchivePublication(
                    id: id, type: PublicationType(rawValue: type) ?? .news,
                    kind: kind.flatMap(InterventionKind.init(rawValue:)),
                    language: Language(rawValue: language) ?? .en,
                    published: CivilDate(publishedOn) ?? CivilDate(daysSinceEpoch: 0),
                    title: title, summary: summary, body: body,
                    countries: countryCodes.split(separator: ",").map(String.init),
                    programmes: programmeSlugs.split(separator: ",").compactMap { Programme(rawValue: String($0)) },
                    reference: reference, followUpOf: followUpOf, translationOf: translationOf,
                    eventDate: eventDate.flatMap(CivilDate.init)),
                status: EditorialStatus(rawValue: status) ?? .draft, publishAt: publishAt)
        }
    }

    static let columns = """
        id, status, type, kind, language, published_on, title, country_codes, programme_slugs, reference, follow_up_of,
        translation_of, event_date, summary, body, publish_at
        """

    static func find(_ id: String, on db: any Database) async throws -> EditorialRecord? {
        try await db.row("SELECT \(unsafeRaw: columns) FROM publications WHERE id = \(bind: id)", as: Row.self)?.record
    }

    static func exists(_ id: String, on db: any Database) async throws -> Bool {
        struct IDRow: Decodable { let id: String }
        return try await db.sql.raw("SELECT id FROM publications WHERE id = \(bind: id)").first(decoding: IDRow.self)
            != nil
    }

    struct ListItem: Decodable, Sendable {
        let id: String, status: String, type: String, language: String, publishedOn: String, title: String,
            publishAt: Int64?
    }

    /// Newest first; `text` matches titles, `status` narrows to one status.
    static func list(
        text: String, status: EditorialStatus?, page: Int, pageSize: Int, on db: any Database
    ) async throws -> [ListItem] {
        var conditions: [SQLQueryString] = ["1 = 1"]
        if let status { conditions.append("status = \(bind: status.rawValue)") }
        if !text.isEmpty {
            conditions.append(
                "LOWER(title) LIKE \(bind: "%" + text.lowercased().replacingOccurrences(of: "%", with: "") + "%")")
        }
        return try await db.rows(
            """
            SELECT id, status, type, language, published_on, title, publish_at FROM publications WHERE \
            \(conditions.joined(separator: " AND "))
            ORDER BY CASE status WHEN 'published' THEN 1 ELSE 0 END, published_on DESC, id DESC
            LIMIT \(unsafeRaw: String(pageSize + 1)) OFFSET \(unsafeRaw: String((page - 1) * pageSize))
            """, as: ListItem.self
        )
    }

    /// Stores the publication with its status and schedule, then records the change for public pages.
    static func save(
        _ p: ArchivePublication, status: EditorialStatus, publishAt: Int64?, now: Date, on db: any Database
    ) async throws {
        let before = try await find(p.id, on: db)?.status
        _ = try await PublicationStore.upsert([p], status: status.rawValue, on: db, now: now)
        try await db.sql.update("publications").set("publish_at", to: publishAt).where("id", .equal, p.id).run()
        try await ContentVersion.bump(on: db, now: now)
        // Subscribers hear of a publication when it becomes public, not at each later correction.
        if status == .published && before != .published {
            try await MailQueue.publicationPublished(p.id, now: now, on: db)
        }
    }

    /// Changes only the status (and schedule), in the publication and in its facet rows.
    static func setStatus(
        _ id: String, _ status: EditorialStatus, publishAt: Int64?, now: Date, on db: any Database
    ) async throws {
        try await db.write { tx in
            try await tx.sql.update("publications").set("status", to: status.rawValue).set("publish_at", to: publishAt)
                .set("updated_at", to: now).where("id", .equal, id).run()
            for table in ["publication_countries", "publication_programmes"] {
                try await tx.sql.update(table).set("status", to: status.rawValue).where("publication_id", .equal, id)
                    .run()
            }
            try await SearchIndex.update(ids: [id], on: tx.sql)
        }
        try await ContentVersion.bump(on: db, now: now)
        if status == .published { try await MailQueue.publicationPublished(id, now: now, on: db) }
    }

    /// Publishes every scheduled publication whose moment has come; returns their ids.
    static func publishDue(now: Date, on db: any Database) async throws -> [String] {
        struct IDRow: Decodable { let id: String }
        let due = try await db.sql.raw(
            """
            SELECT id FROM publications WHERE status = 'scheduled' AND publish_at <= \
            \(bind: Int64(now.timeIntervalSince1970))
            """
        ).all(decoding: IDRow.self).map(\.id)
        let exempt = try await FourEyesStore.exemptTypes(on: db)
        var published: [String] = []
        for id in due {
            // Only the exact version a second person approved goes out; anything else goes back to draft, audited.
            // Read and checked inside the write, so an edit cannot land between the check and the publishing.
            let went: Bool = try await db.write { tx in
                if tx.sql.dialect.name == "postgresql" {
                    try await tx.sql.raw("SELECT id FROM publications WHERE id = \(bind: id) FOR UPDATE").run()
                }
                guard let record = try await find(id, on: tx), record.status == .scheduled,
                    let at = record.publishAt, at <= Int64(now.timeIntervalSince1970)
                else { return false }
                let p = record.publication
                let refused = try await FourEyesStore.check(
                    EditorialFourEyes.subject(id),
                    hash: EditorialFourEyes.hash(p), fallback: nil,
                    exempt: exempt.contains(p.type) && p.type != .urgentIntervention, on: tx)
                if let refused {
                    try await setStatus(id, .draft, publishAt: nil, now: now, on: tx)
                    try await AuditLog.record(
                        AuditEvent(
                            actor: "system", action: "publication.unschedule",
                            recordType: "publication", recordID: id,
                            detail: "scheduled time reached, not published: "
                                + "\(refused.description)"), now: now, on: tx)
                } else {
                    try await setStatus(id, .published, publishAt: nil, now: now, on: tx)
                    try await AuditLog.record(
                        AuditEvent(
                            actor: "system", action: "publication.publish",
                            recordType: "publication", recordID: id,
                            detail: "scheduled time reached"), now: now, on: tx)
                }
                return refused == nil
            }
            if went { published.append(id) }
        }
        return published
    }

    /// A new publication id: `obs-` and 12 random letters and digits.
    static func newID() -> String { RandomID.make("obs") }
}
