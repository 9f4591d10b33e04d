import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// A month, as bulletins name it: `2026-10`.
struct BulletinMonth: Sendable, Hashable, CustomStringConvertible {
    let year: Int, month: Int

    init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]),
            let month = Int(parts[1]),
            (1990...2200).contains(year), (1...12).contains(month)
        else { return nil }
        self.year = year; self.month = month
    }

    var description: String { String(format: "%04d-%02d", year, month) }
    var label: String { Translations.current.month(month, of: year) }
    var first: String { description + "-01" }
    var next: String {
        month == 12 ? String(format: "%04d-01-01", year + 1) : String(format: "%04d-%02d-01", year, month + 1)
    }
}

/// A month's bulletin: its introduction, and every action of the month (in the bulletin's language when translated).
struct Bulletin: Sendable {
    let month: BulletinMonth
    let language: Language
    var introduction: String
    var status: String
    var publishedAt: Int64?
    let items: [PublicationSummary]

    var grouped: Grouped<PublicationSummary> {
        Grouped(items) { $0.countryCodes.split(separator: ",").first.map(String.init) }
    }
}

enum BulletinStore {
    /// The types that are the Observatory's actions.
    static let actionTypes = ["urgent-intervention", "statement", "report"]

    /// The month's actions: originals published in the month, each replaced by its translation in `language` when there
    /// is one.
    static func items(
        _ month: BulletinMonth, language: Language, on db: any Database
    ) async throws -> [PublicationSummary] {
        let types = actionTypes.map { "'\($0)'" }.joined(separator: ",")
        let originals = try await db.sql.raw(
            """
            SELECT \(unsafeRaw: PublicationSummary.columns) FROM publications p
            WHERE p.status = 'published' AND p.translation_of IS NULL AND p.type IN (\(unsafeRaw: types))
              AND p.published_on >= \(bind: month.first) AND p.published_on < \(bind: month.next)
            ORDER BY p.published_on, p.id
            """
        ).all().map(PublicationSummary.init(row:))
        guard !originals.isEmpty else { return [] }
        let byOriginal = try await PublicationQueries.translations(of: originals.map(\.id), into: language, on: db)
        return originals.map { $0.language == language.rawValue ? $0 : (byOriginal[$0.id] ?? $0) }
    }

    struct Row: Decodable { let introduction: String, status: String, publishedAt: Int64? }

    static func find(_ month: BulletinMonth, language: Language, on db: any Database) async throws -> Bulletin {
        let row = try await db.row(
            """
            SELECT introduction, status, published_at FROM bulletins
            WHERE id = \(bind: "\(month)-\(language.rawValue)")
            """,
            as: Row.self
        )
        return Bulletin(
            month: month, language: language, introduction: row?.introduction ?? "", status: row?.status ?? "draft",
            publishedAt: row?.publishedAt, items: try await items(month, language: language, on: db))
    }

    static func save(
        _ month: BulletinMonth, language: Language, introduction: String, publish: Bool, by actor: String, now: Date,
        on db: any Database
    ) async throws {
        let existing = try await db.row(
            """
            SELECT introduction, status, published_at FROM bulletins
            WHERE id = \(bind: "\(month)-\(language.rawValue)")
            """,
            as: Row.self
        )
        let status = publish || existing?.status == "published" ? "published" : "draft"
        let publishedAt = existing?.publishedAt ?? (publish ? now.seconds : nil)
        try await db.sql.insert(into: "bulletins")
            .columns("id", "month", "language", "introduction", "status", "published_at", "updated_by", "updated_at")
            .values(
                "\(month)-\(language.rawValue)", month.description, language.rawValue, introduction, status,
                publishedAt, actor, now.seconds
            )
            .onConflict(with: ["id"]) {
                $0.set(excludedValueOf: "introduction").set(excludedValueOf: "status")
                    .set(excludedValueOf: "published_at").set(excludedValueOf: "updated_by").set(
                        excludedValueOf: "updated_at")
            }
            .run()
        if publish && existing?.status != "published" {
            try await ContentVersion.bump(on: db, now: now)
            // Each bulletin subscriber gets one bulletin a month, in the first of their languages published by then.
            let items = try await SubscriberStore.activePreferences(on: db).filter { $0.preferences.bulletin }.map {
                MailQueue.Item(
                    dedupe: "bulletin:\(month):\($0.id)", kind: "bulletin", subscriberID: $0.id,
                    subjectID: month.description, notBefore: now.seconds)
            }
            try await MailQueue.add(items, now: now, on: db)
        }
    }

    /// Published bulletins, newest first: (month, languages).
    static func archive(on db: any Database) async throws -> [(month: BulletinMonth, languages: [Language])] {
        struct Row: Decodable { let month: String, language: String }
        let rows = try await db.sql.raw(
            "SELECT month, language FROM bulletins WHERE status = 'published' ORDER BY month DESC, language"
        )
        .all(decoding: Row.self)
        var result: [(BulletinMonth, [Language])] = []
        for row in rows {
            guard let month = BulletinMonth(row.month), let language = Language(rawValue: row.language) else {
                continue
            }
            if result.last?.0 == month {
                result[result.count - 1].1.append(language)
            } else {
                result.append((month, [language]))
            }
        }
        return result
    }

    static func publishedLanguages(_ month: BulletinMonth, on db: any Database) async throws -> [Language] {
        struct Row: Decodable { let language: String }
        return try await db.sql.raw(
            "SELECT language FROM bulletins WHERE status = 'published' AND month = \(bind: month.description)"
        )
        .all(decoding: Row.self).compactMap { Language(rawValue: $0.language) }
    }
}
