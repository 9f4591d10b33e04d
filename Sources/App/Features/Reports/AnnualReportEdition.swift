import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// The annual report in one language: the analysis an editor wrote in it, and whether it is public.
struct AnnualReportEdition: Sendable, Equatable {
    let year: Int
    let language: Language
    var analysis: String
    var status: String
    var publishedAt: Int64?

    var isPublished: Bool { status == "published" }
}

/// `annual_report_editions`: one row per year and language (`2025-fr`), the PDF made at publication beside it.
enum AnnualReportEditionStore {
    static func id(_ year: Int, _ language: Language) -> String { "\(year)-\(language.rawValue)" }

    private struct Row: Decodable {
        let year: Int, language: String, analysis: String, status: String, publishedAt: Int64?
    }

    private static let columns = "year, language, analysis, status, published_at"

    /// The year's editions, by language; a language nobody wrote in has none.
    static func all(_ year: Int, on db: any Database) async throws -> [Language: AnnualReportEdition] {
        let rows = try await db.rows(
            """
            SELECT \(unsafeRaw: columns) FROM annual_report_editions WHERE year = \(bind: year)
            """, as: Row.self
        )
        var result: [Language: AnnualReportEdition] = [:]
        for row in rows {
            guard let language = Language(rawValue: row.language) else { continue }
            result[language] = AnnualReportEdition(
                year: row.year, language: language, analysis: row.analysis,
                status: row.status, publishedAt: row.publishedAt)
        }
        return result
    }

    static func find(_ year: Int, _ language: Language, on db: any Database) async throws -> AnnualReportEdition {
        try await all(year, on: db)[language]
            ?? AnnualReportEdition(year: year, language: language, analysis: "", status: "draft", publishedAt: nil)
    }

    /// Writes the analysis of a draft; false, writing nothing, when the edition is public. The test of its status
    /// is the write itself, so a save that read a draft does not change an edition published in between.
    @discardableResult
    static func saveAnalysis(
        _ year: Int, _ language: Language, _ text: String, by actor: String, now: Date,
        on db: any Database
    ) async throws -> Bool {
        struct Saved: Decodable { let id: String }
        let saved = try await db.sql.raw(
            """
            INSERT INTO annual_report_editions (id, updated_by, updated_at, year, language, analysis, status)
            VALUES (\(bind: id(year, language)), \(bind: actor), \(bind: now.seconds), \(bind: year),
            \(bind: language.rawValue), \(bind: text), 'draft')
            ON CONFLICT (id) DO UPDATE SET analysis = EXCLUDED.analysis, updated_by = EXCLUDED.updated_by,
            updated_at = EXCLUDED.updated_at WHERE annual_report_editions.status = 'draft' RETURNING id
            """
        ).first(decoding: Saved.self)
        return saved != nil
    }

    /// Makes the edition public with its PDF, if it is still the draft whose analysis is `analysis` (the text that
    /// was approved and printed); false, writing nothing, otherwise. The public pages change (`ContentVersion`).
    static func publish(
        _ year: Int, _ language: Language, analysis: String, pdf: Data, by actor: String, now: Date,
        on db: any Database
    ) async throws -> Bool {
        struct Published: Decodable { let id: String }
        let published = try await db.sql.raw(
            """
            UPDATE annual_report_editions SET status = 'published', published_at = \(bind: now.seconds),
            published_by = \(bind: actor), pdf = \(bind: pdf), updated_by = \(bind: actor),
            updated_at = \(bind: now.seconds)
            WHERE id = \(bind: id(year, language)) AND status = 'draft' AND analysis = \(bind: analysis) RETURNING id
            """
        ).first(decoding: Published.self)
        guard published != nil else { return false }
        try await ContentVersion.bump(on: db, now: now)
        return true
    }

    /// Every published year, newest first, with its languages.
    static func archive(on db: any Database) async throws -> [(year: Int, languages: [Language])] {
        struct Row: Decodable { let year: Int, language: String }
        let rows = try await db.sql.raw(
            """
            SELECT year, language FROM annual_report_editions WHERE status = 'published' ORDER BY year DESC, language
            """
        ).all(decoding: Row.self)
        var result: [(year: Int, languages: [Language])] = []
        for row in rows {
            guard let language = Language(rawValue: row.language) else { continue }
            if result.last?.year == row.year {
                result[result.count - 1].languages.append(language)
            } else {
                result.append((row.year, [language]))
            }
        }
        return result.map { entry in (entry.year, Language.allCases.filter { entry.languages.contains($0) }) }
    }

    /// The PDF stored when the edition was published; nil for an edition that is not public.
    static func pdf(_ year: Int, _ language: Language, on db: any Database) async throws -> Data? {
        let row = try await db.sql.raw(
            """
            SELECT pdf FROM annual_report_editions
            WHERE id = \(bind: id(year, language)) AND status = 'published' AND pdf IS NOT NULL
            """
        ).first()
        return try row?.decode(column: "pdf", as: Data.self)
    }
}

/// Four eyes on the annual report, as on the bulletin: the analysis is the text an editor writes; the interventions
/// it lists are publications already approved on their own path. The hash names the year, language and analysis.
enum AnnualReportFourEyes {
    static func subject(_ year: Int, _ language: Language) -> String { "annual-report:\(year)-\(language.rawValue)" }

    static func hash(_ year: Int, _ language: Language, _ analysis: String) -> String {
        ContentHash.of([String(year), language.rawValue, analysis])
    }

    static func state(_ e: AnnualReportEdition, on db: any Database) async throws -> BulletinFourEyes.State {
        try await BulletinFourEyes.state(
            subject(e.year, e.language), hash: hash(e.year, e.language, e.analysis), on: db)
    }
}
