import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// The year's report: the thematic analysis, every urgent intervention of the year with its follow-ups by region
/// and country, and statistics.
struct AnnualReport: Sendable {
    struct Entry: Sendable { let original: PublicationSummary; let followUps: [PublicationSummary] }
    struct Statistics: Sendable {
        var interventions = 0, followUps = 0, countries = 0, defenders = 0, organisations = 0
        var outcomes: [(Outcome, Int)] = []
        var assistance = AssistanceTotals(lines: [])
    }

    let year: Int
    let language: Language
    var analysis: String
    let entries: [Entry]
    let statistics: Statistics

    var grouped: Grouped<Entry> {
        Grouped(entries) { $0.original.countryCodes.split(separator: ",").first.map(String.init) }
    }
}

enum AnnualReportStore {
    /// The analysis written in `language` (`AnnualReportEditionStore`); empty when there is none.
    static func analysis(_ year: Int, _ language: Language, on db: any Database) async throws -> String {
        try await AnnualReportEditionStore.find(year, language, on: db).analysis
    }

    static func saveAnalysis(
        _ year: Int, _ text: String, language: Language = .en, by actor: String, now: Date, on db: any Database
    ) async throws {
        try await AnnualReportEditionStore.saveAnalysis(year, language, text, by: actor, now: now, on: db)
    }

    /// The year's published urgent interventions with their follow-ups, in `language` where translated.
    typealias Entries = (originals: [PublicationSummary], entries: [AnnualReport.Entry])

    static func entries(_ year: Int, language: Language, on db: any Database) async throws -> Entries {
        let sql = db.sql
        let originals = try await sql.raw(
            """
            SELECT \(unsafeRaw: PublicationSummary.columns) FROM publications p
            WHERE p.status = 'published' AND p.type = 'urgent-intervention' AND p.year = \(bind: year)
              AND p.translation_of IS NULL AND p.follow_up_of IS NULL
            ORDER BY p.published_on, p.id
            """
        ).all().map(PublicationSummary.init(row:))
        // Follow-ups of follow-ups too, whenever they were published.
        var followUps: [String: [PublicationSummary]] = [:],
            rootOf: [String: String] = Dictionary(uniqueKeysWithValues: originals.map { ($0.id, $0.id) })
        var frontier = originals.map(\.id)
        for _ in 0..<10 where !frontier.isEmpty {
            let rows = try await sql.raw(
                """
                SELECT \(unsafeRaw: PublicationSummary.columns), p.follow_up_of FROM publications p
                WHERE p.status = 'published' AND p.translation_of IS NULL AND p.follow_up_of IN (\(binds: frontier)) \
                ORDER BY p.published_on, p.id
                """
            ).all()
            frontier = []
            for row in rows {
                let parent = try row.decode(column: "follow_up_of", as: String.self),
                    summary = try PublicationSummary(row: row)
                guard let root = rootOf[parent], rootOf[summary.id] == nil else { continue }
                rootOf[summary.id] = root
                followUps[root, default: []].append(summary)
                frontier.append(summary.id)
            }
        }
        let translations = try await PublicationQueries.translations(of: Array(rootOf.keys), into: language, on: db)
        func local(_ p: PublicationSummary) -> PublicationSummary {
            p.language == language.rawValue ? p : (translations[p.id] ?? p)
        }
        let entries = originals.map {
            AnnualReport.Entry(original: local($0), followUps: (followUps[$0.id] ?? []).map(local))
        }
        return (originals, entries)
    }

    static func build(_ year: Int, language: Language, on db: any Database) async throws -> AnnualReport {
        let sql = db.sql
        let (originals, entries) = try await Self.entries(year, language: language, on: db)
        var stats = AnnualReport.Statistics()
        stats.interventions = originals.count
        stats.followUps = entries.reduce(0) { $0 + $1.followUps.count }
        stats.countries = Set(originals.flatMap { $0.countryCodes.split(separator: ",").map(String.init) }).count
        struct Count: Decodable { let kind: String, n: Int }
        if !originals.isEmpty {
            let people = try await sql.raw(
                """
                SELECT cp.kind, COUNT(DISTINCT cp.id) AS n FROM case_people cp JOIN interventions i ON i.case_id = \
                cp.case_id
                WHERE i.publication_id IN (\(binds: originals.map(\.id))) GROUP BY cp.kind
                """
            ).all(decoding: Count.self)
            stats.defenders = people.first { $0.kind == AtRiskKind.defender.rawValue }?.n ?? 0
            stats.organisations = people.first { $0.kind == AtRiskKind.organisation.rawValue }?.n ?? 0
        }
        let start = Int64(CivilDate(year: year, month: 1, day: 1)!.daysSinceEpoch) * 86_400
        let end = Int64(CivilDate(year: year + 1, month: 1, day: 1)!.daysSinceEpoch) * 86_400
        struct OutcomeRow: Decodable { let outcome: String, n: Int }
        stats.outcomes = try await sql.raw(
            """
            SELECT outcome, COUNT(*) AS n FROM cases WHERE status = 'closed' AND outcome IS NOT NULL
              AND status_changed_at >= \(bind: start) AND status_changed_at < \(bind: end) GROUP BY outcome
            """
        ).all(decoding: OutcomeRow.self).compactMap { row in Outcome(rawValue: row.outcome).map { ($0, row.n) } }
            .sorted { $0.1 > $1.1 }
        stats.assistance = try await AssistanceTotals.year(year, on: db)
        return AnnualReport(
            year: year, language: language, analysis: try await analysis(year, language, on: db), entries: entries,
            statistics: stats)
    }
}

/// Turns HTML into PDF (weasyprint in production).
protocol PDFRenderer: Sendable {
    func pdf(fromHTML html: String) async throws -> Data
}

/// weasyprint (Debian package `weasyprint`), run on a temporary file.
struct WeasyPrint: PDFRenderer {
    var executable = "/usr/bin/weasyprint"

    struct Failure: Error, CustomStringConvertible { let description: String }

    func pdf(fromHTML html: String) async throws -> Data {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Failure(description: "weasyprint is not installed (apt-get install weasyprint): cannot make the PDF")
        }
        let base = NSTemporaryDirectory() + "observatory-report-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: base + ".html");
            try? FileManager.default.removeItem(atPath: base + ".pdf")
        }
        try html.write(toFile: base + ".html", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--quiet", base + ".html", base + ".pdf"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let pdf = FileManager.default.contents(atPath: base + ".pdf") else {
            throw Failure(description: "weasyprint failed: \(String(decoding: message.prefix(500), as: UTF8.self))")
        }
        return pdf
    }
}
