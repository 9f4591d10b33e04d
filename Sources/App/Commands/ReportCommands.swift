import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// `observatory bulletin 2026-10 --language fr --output FILE`: the month's bulletin as an HTML document.
struct BulletinCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "month", help: "The month, as YYYY-MM.")
        var month: String
        @Option(name: "language", help: "en, fr, es or ar (default en).")
        var language: String?
        @Option(name: "output", help: "The HTML file to write.")
        var output: String?
    }

    var help: String { "Writes the monthly bulletin (every action of the month by region and country) as HTML." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrateStorage(app)
        guard let month = BulletinMonth(signature.month) else {
            throw CommandFailure("bulletin: month: expected YYYY-MM, e.g. 2026-10, got \(signature.month.prefix(20))")
        }
        guard let language = Language(rawValue: signature.language ?? "en") else {
            throw CommandFailure("bulletin: --language: expected en, fr, es or ar")
        }
        guard let output = signature.output else { throw CommandFailure("bulletin: --output FILE is required") }
        let bulletin = try await BulletinStore.find(month, language: language, on: app.db)
        let base = try exportBaseURL(app, "bulletin")
        let html = Translations.$current.withValue(.of(language)) {
            AbsoluteLinks.html(BulletinView.document(bulletin, baseURL: base).rendered, base: base)
        }
        try html.write(toFile: output, atomically: true, encoding: .utf8)
        context.console.print("Wrote \(output): \(bulletin.items.count) actions in \(month) (\(language.rawValue)).")
    }
}

/// `observatory report annual 2025 --output FILE.html|FILE.pdf [--language en]`.
struct ReportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "kind", help: "annual")
        var kind: String
        @Argument(name: "year", help: "The year, e.g. 2025.")
        var year: String
        @Option(name: "output", help: "The file to write: .html or .pdf.")
        var output: String?
        @Option(name: "language", help: "en, fr, es or ar (default en).")
        var language: String?
    }

    var help: String {
        "Writes the annual report (analysis, every urgent intervention with its follow-ups, statistics) as HTML or PDF."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrateStorage(app)
        guard signature.kind == "annual" else {
            throw CommandFailure("report: unknown report \(signature.kind.prefix(20)); use: report annual YEAR")
        }
        guard let year = Int(signature.year), (1990...2200).contains(year) else {
            throw CommandFailure("report: year: expected a year like 2025")
        }
        guard let language = Language(rawValue: signature.language ?? "en") else {
            throw CommandFailure("report: --language: expected en, fr, es or ar")
        }
        guard let output = signature.output, output.hasSuffix(".html") || output.hasSuffix(".pdf") else {
            throw CommandFailure("report: --output FILE ending in .html or .pdf is required")
        }
        let report = try await AnnualReportStore.build(year, language: language, on: app.db)
        let html = Translations.$current.withValue(.of(language)) {
            AnnualReportView.document(report, baseURL: app.site.config.publicURL ?? "").rendered
        }
        if output.hasSuffix(".pdf") {
            try await WeasyPrint().pdf(fromHTML: html).write(to: URL(fileURLWithPath: output))
        } else {
            try html.write(toFile: output, atomically: true, encoding: .utf8)
        }
        context.console.print(
            """
            Wrote \(output): \(report.statistics.interventions) urgent interventions and \
            \(report.statistics.followUps) follow-ups in \(year).
            """
        )
    }
}

struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The public address every link of an exported document is made on: read away from the site (a file, a PDF),
/// a relative link leads nowhere, so the command refuses without one.
func exportBaseURL(_ app: Application, _ command: String) throws -> String {
    guard let base = app.site.config.publicURL else {
        throw CommandFailure(
            "\(command): OBSERVATORY_PUBLIC_URL is not set: the links of the document would "
                + "lead nowhere; "
                + "set it to the site's address, e.g. OBSERVATORY_PUBLIC_URL=https://observatory.example")
    }
    return base
}
