import Fluent
import Foundation
import Vapor

/// `observatory export --format jsonl|csv [--what publications|organisations] [--to FILE]`: the public archive
/// in the interchange format or as CSV, on standard output or into a new file, streaming.
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "format", help: "jsonl (the interchange format, shared/corpus/FORMAT.md) or csv.")
        var format: String?

        @Option(name: "what", help: "publications (default) or organisations.")
        var what: String?

        @Option(name: "to", help: "A file to write (it must not exist yet); standard output by default.")
        var to: String?
    }

    var help: String { "Exports the published publications or the organisations, as JSON Lines or CSV." }

    struct Invalid: Error, CustomStringConvertible { let description: String }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let format = ArchiveExporter.Format(rawValue: (signature.format ?? "jsonl").lowercased()) else {
            throw Invalid(description: "--format: \"\(signature.format ?? "")\" is not jsonl or csv")
        }
        guard let what = ArchiveExporter.What(rawValue: (signature.what ?? "publications").lowercased()) else {
            throw Invalid(description: "--what: \"\(signature.what ?? "")\" is not publications or organisations")
        }
        let app = context.application
        // No migration here: its log lines would mix with the export on standard output.
        guard try await SealedStorage.tableExists("publications", on: app.db) else {
            throw Invalid(
                description: "the database is empty (nothing was ever imported or written): "
                    + "nothing to export")
        }
        let out: FileHandle
        var partial: String? = nil
        if let path = signature.to {
            guard !FileManager.default.fileExists(atPath: path) else {
                throw Invalid(description: "--to: \(path) exists already (nothing was written)")
            }
            let temporary = path + ".part"
            guard FileManager.default.createFile(atPath: temporary, contents: nil),
                let handle = FileHandle(forWritingAtPath: temporary)
            else {
                throw Invalid(description: "--to: cannot create \(path)")
            }
            out = handle
            partial = temporary
        } else {
            out = FileHandle.standardOutput
        }
        var pending = Data()
        let count = try await ArchiveExporter(db: app.db).export(what, as: format) { text in
            pending.append(contentsOf: Array(text.utf8))
            if pending.count >= 256 * 1024 {
                try out.write(contentsOf: pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        try out.write(contentsOf: pending)
        if let partial, let path = signature.to {
            try out.synchronize()
            try out.close()
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        }
        let place = signature.to.map { " to \($0)" } ?? ""
        standardError("Exported \(count) \(what.rawValue) as \(format.rawValue)\(place)")
    }
}
