import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// `observatory import FILE.jsonl`: stores an archive (publications and organisations), reporting each bad line.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "A JSON Lines archive in the interchange format (shared/corpus/FORMAT.md).")
        var file: String

        @Option(name: "batch", help: "Lines stored per transaction (default 500).")
        var batch: Int?

        @Option(
            name: "mapping",
            help: "WordPress: the file saying what each category and tag becomes (see --write-mapping).")
        var mapping: String?

        @Option(
            name: "write-mapping",
            help: "WordPress: write every category and tag with a guessed mapping to this file, import nothing.")
        var writeMapping: String?
    }

    var help: String {
        "Imports an archive (JSON Lines, a WordPress WXR export or CSV, recognised by content); "
            + "the same ids again update."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if try await InterchangeImport.run(signature, on: app, console: context.console) { return }
        try await migrateStorage(app)
        let started = Date()
        var importer = ArchiveImporter(db: app.db)
        importer.batchSize = max(1, min(signature.batch ?? 500, 2_000))
        importer.report = { problem in standardError("\(problem)") }
        let file = URL(fileURLWithPath: signature.file).lastPathComponent
        importer.audit = { stored, updated in
            AuditEvent(
                actor: "system", action: "archive.import.batch", recordType: "file", recordID: file,
                detail: "stored \(stored), updated \(updated) (command line)")
        }
        importer.progress = { summary in
            standardError("… \(summary) (\(Int(Date().timeIntervalSince(started)))s)")
        }
        let summary = try await importer.importFile(at: signature.file)
        try await PlannerStatistics.refresh(on: app.db)
        let seconds = Date().timeIntervalSince(started)
        try await AuditLog.record(
            AuditEvent(
                actor: "system", action: "archive.import", recordType: "file",
                recordID: URL(fileURLWithPath: signature.file).lastPathComponent,
                detail: "\(summary) (command line)"), now: app.site.clock.now(), on: app.db)
        context.console.print("Imported \(signature.file): \(summary) in \(String(format: "%.1f", seconds)) s")
        if summary.rejected > 0 { throw ImportRejected(count: summary.rejected) }
    }
}

/// The import finished but skipped some lines: the exit status says so.
struct ImportRejected: Error, CustomStringConvertible {
    let count: Int
    var description: String {
        "\(count) line\(count == 1 ? " was" : "s were") rejected (see above); every other line was stored"
    }
}

func standardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
