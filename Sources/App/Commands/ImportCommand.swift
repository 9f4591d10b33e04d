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
    }

    var help: String { "Imports an archive of publications and organisations; importing the same ids again updates them." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let started = Date()
        var importer = ArchiveImporter(db: app.db)
        importer.batchSize = max(1, min(signature.batch ?? 500, 2_000))
        importer.report = { problem in standardError("\(problem)") }
        let file = URL(fileURLWithPath: signature.file).lastPathComponent
        importer.audit = { stored, updated in
            AuditEvent(actor: "system", action: "archive.import.batch", recordType: "file", recordID: file,
                       detail: "stored \(stored), updated \(updated) (command line)")
        }
        importer.progress = { summary in
            standardError("… \(summary) (\(Int(Date().timeIntervalSince(started)))s)")
        }
        let summary = try await importer.importFile(at: signature.file)
        let seconds = Date().timeIntervalSince(started)
        try await AuditLog.record(AuditEvent(actor: "system", action: "archive.import", recordType: "file",
                                             recordID: URL(fileURLWithPath: signature.file).lastPathComponent,
                                             detail: "\(summary) (command line)"), now: app.site.clock.now(), on: app.db)
        context.console.print("Imported \(signature.file): \(summary) in \(String(format: "%.1f", seconds)) s")
        if summary.rejected > 0 { throw ImportRejected(count: summary.rejected) }
    }
}

/// The import finished but skipped some lines: the exit status says so.
struct ImportRejected: Error, CustomStringConvertible {
    let count: Int
    var description: String { "\(count) line\(count == 1 ? " was" : "s were") rejected (see above); every other line was stored" }
}

func standardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
