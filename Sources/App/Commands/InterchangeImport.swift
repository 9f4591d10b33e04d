import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// `observatory import` for a WordPress export or a CSV file, told apart from JSON Lines by the file's first bytes.
enum InterchangeImport {
    enum Kind: Equatable { case jsonl, wxr, csv, xml }

    /// What the file is: JSON Lines when it starts with `{` (or is empty), WXR for a WordPress RSS document,
    /// CSV for anything else that is text.
    static func kind(ofFile path: String) throws -> Kind {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportError.cannotOpen(path) }
        defer { try? handle.close() }
        let prefix = Array(try handle.read(upToCount: 8_192) ?? Data())
        var bytes = prefix[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return .jsonl }
        if first == UInt8(ascii: "{") { return .jsonl }
        if first == UInt8(ascii: "<") { return WXRReader.looksLikeWXR(prefix) ? .wxr : .xml }
        return .csv
    }

    struct NotWordPress: Error, CustomStringConvertible {
        var description: String { "an XML file that is not a WordPress export (WXR): nothing was imported" }
    }

    /// Runs the import when the file is not JSON Lines; false leaves it to the JSON Lines importer.
    static func run(
        _ signature: ImportCommand.Signature, on app: Application,
        console: any Console
    ) async throws -> Bool {
        let path = signature.file
        let kind = try kind(ofFile: path)
        if kind == .jsonl {
            if signature.mapping != nil || signature.writeMapping != nil {
                throw ExportCommand.Invalid(description: "--mapping and --write-mapping are for WordPress exports only")
            }
            return false
        }
        if kind == .xml { throw NotWordPress() }
        let started = Date()
        @Sendable func elapsed() -> String { String(format: "%.1f", Date().timeIntervalSince(started)) }
        if kind == .wxr, let target = signature.writeMapping {
            guard !FileManager.default.fileExists(atPath: target) else {
                throw ExportCommand.Invalid(
                    description: "--write-mapping: \(target) exists already "
                        + "(edit it, or name a new file)")
            }
            let (terms, site) = try WXRImporter.terms(inFile: path)
            try Data(WXRMapping.file(terms: terms, site: site).utf8).write(to: URL(fileURLWithPath: target))
            console.print(
                "Wrote \(terms.count) categories and tags with guessed mappings to \(target): edit it, then "
                    + "import with --mapping \(target)")
            return true
        }
        try await migrateStorage(app)
        let batch = max(1, min(signature.batch ?? 500, 2_000))
        switch kind {
        case .wxr:
            var importer = WXRImporter(db: app.db)
            if let file = signature.mapping {
                guard
                    let text = try? String(
                        contentsOfFile: file,
                        encoding: .utf8)
                else { throw ImportError.cannotOpen(file) }
                importer.mapping = try WXRMapping.parse(text)
            }
            importer.batchSize = batch
            importer.now = { app.site.clock.now() }
            importer.report = { standardError($0) }
            importer.progress = { standardError("… \($0) (\(elapsed())s)") }
            let summary = try await importer.importFile(at: path)
            try await PlannerStatistics.refresh(on: app.db)
            console.print("Imported \(path) (WordPress): \(summary) in \(elapsed()) s")
            if summary.rejected > 0 { throw ImportRejected(count: summary.rejected) }
        default:
            if signature.mapping != nil || signature.writeMapping != nil {
                throw ExportCommand.Invalid(description: "--mapping and --write-mapping are for WordPress exports only")
            }
            var importer = CSVImporter(db: app.db)
            importer.batchSize = batch
            importer.now = { app.site.clock.now() }
            importer.report = { standardError($0) }
            importer.progress = { standardError("… \($0) (\(elapsed())s)") }
            let summary = try await importer.importFile(at: path)
            try await PlannerStatistics.refresh(on: app.db)
            console.print("Imported \(path) (CSV): \(summary) in \(elapsed()) s")
            if summary.rejected > 0 { throw ImportRejected(count: summary.rejected) }
        }
        return true
    }
}
