import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// The outbox: what is to be sent to whom, one row per message, never two for the same subscriber and subject.
enum MailQueue {
    struct Item: Sendable {
        var dedupe: String; var kind: String; var subscriberID: String; var subjectID: String?; var notBefore: Int64
    }

    /// Adds messages; those already in the outbox (same key) are left as they are.
    static func add(_ items: [Item], now: Date, on db: any Database) async throws {
        for batch in stride(from: 0, to: items.count, by: 500).map({ Array(items[$0..<min($0 + 500, items.count)]) }) {
            let insert = db.sql.insert(into: "outbox")
                .columns(
                    "dedupe_key", "kind", "subscriber_id", "subject_id", "status", "attempts", "not_before",
                    "created_at")
            for item in batch {
                insert.values(
                    item.dedupe, item.kind, item.subscriberID, item.subjectID, "queued", 0, item.notBefore, now.seconds)
            }
            try await insert.ignoringConflicts(with: ["dedupe_key"]).run()
        }
    }

    /// A confirmation (or "manage your subscription") message, at most a few a day for one address.
    static func addAccountMessage(
        _ kind: String, for subscriber: Subscriber, now: Date, on db: any Database
    ) async throws {
        let day = now.seconds / 86_400
        struct Count: Decodable { let n: Int }
        let today =
            try await db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM outbox WHERE subscriber_id = \(bind: subscriber.id) AND kind IN ('confirm', \
                'manage') AND created_at >= \(bind: day * 86_400)
                """
            ).first(decoding: Count.self)?.n ?? 0
        guard today < 3 else { return }
        try await add(
            [
                Item(
                    dedupe: "\(kind):\(subscriber.id):\(day):\(today)", kind: kind, subscriberID: subscriber.id,
                    subjectID: nil,
                    notBefore: now.seconds)
            ], now: now, on: db)
    }

    /// A publication just became public: every active subscriber who wants it gets one message (in their language
    /// when a translation exists by the time it is sent: the worker waits `OBSERVATORY_MAIL_DELAY_MINUTES` for
    /// translations). Translations and later edits add nothing.
    static func publicationPublished(_ id: String, now: Date, on db: any Database) async throws {
        struct Facts: Decodable {
            let id: String, type: String, countryCodes: String, programmeSlugs: String, translationOf: String?,
                status: String
        }
        func facts(_ id: String) async throws -> Facts? {
            try await db.row(
                """
                SELECT id, type, country_codes, programme_slugs, translation_of, status FROM publications
                WHERE id = \(bind: id)
                """,
                as: Facts.self
            )
        }
        guard var publication = try await facts(id), publication.status == "published" else { return }
        if let original = publication.translationOf, let root = try await facts(original) { publication = root }
        guard let type = PublicationType(rawValue: publication.type) else { return }
        let countries = publication.countryCodes.split(separator: ",").map(String.init)
        let programmes = publication.programmeSlugs.split(separator: ",").compactMap { Programme(rawValue: String($0)) }
        let items = try await SubscriberStore.activePreferences(on: db)
            .filter { $0.preferences.wants(type: type, countries: countries, programmes: programmes) }
            .map {
                Item(
                    dedupe: "publication:\(publication.id):\($0.id)", kind: "publication", subscriberID: $0.id,
                    subjectID: publication.id,
                    notBefore: now.seconds)
            }
        try await add(items, now: now, on: db)
    }

    struct Counts: Sendable { var byStatus: [String: Int]; var subscribers: [String: Int] }

    static func counts(on db: any Database) async throws -> Counts {
        struct Row: Decodable { let status: String, n: Int }
        let outbox = try await db.sql.raw("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status").all(
            decoding: Row.self)
        let subscribers = try await db.sql.raw("SELECT status, COUNT(*) AS n FROM subscribers GROUP BY status").all(
            decoding: Row.self)
        return Counts(
            byStatus: Dictionary(uniqueKeysWithValues: outbox.map { ($0.status, $0.n) }),
            subscribers: Dictionary(uniqueKeysWithValues: subscribers.map { ($0.status, $0.n) }))
    }

    struct Line: Sendable, Decodable {
        let id: Int64, kind: String, subjectId: String?, status: String, attempts: Int, lastError: String?
        let sentAt: Int64?, notBefore: Int64
        /// The line with its error text opened (sealed in the database: it names the subscriber's address).
        func opened(_ cipher: FieldCipher) -> Line {
            let text = lastError.map {
                (try? cipher.open($0, in: .outboxError, row: String(id)).reveal()) ?? "(cannot be opened with this key)"
            }
            return Line(
                id: id, kind: kind, subjectId: subjectId, status: status, attempts: attempts, lastError: text,
                sentAt: sentAt, notBefore: notBefore)
        }
    }

    /// The newest messages in these states, their error texts opened (administrators' mail page only).
    static func recent(status: [String], limit: Int, cipher: FieldCipher, on db: any Database) async throws -> [Line] {
        try await db.rows(
            """
            SELECT id, kind, subject_id, status, attempts, last_error, sent_at, not_before FROM outbox
            WHERE status IN (\(unsafeRaw: status.map { "'\($0)'" }.joined(separator: ","))) ORDER BY id DESC LIMIT \(unsafeRaw: String(limit))
            """, as: Line.self
        ).map { $0.opened(cipher) }
    }
}
