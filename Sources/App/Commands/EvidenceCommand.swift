import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// `observatory evidence export --case ID --to DIR|FILE.tar` writes a case's files as evidence: the originals (and
/// the copies made from them, apart), `SHA256SUMS` that `sha256sum -c` checks, and `manifest.json` with each file's
/// hash and custody history. `observatory evidence verify [--case ID]` checks every stored file against its hash.
struct EvidenceCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "export or verify")
        var action: String

        @Option(name: "case", help: "The case (case-…): export requires it; verify checks every case without it")
        var caseID: String?

        @Option(name: "to", help: "A new or empty directory, or a new file ending in .tar")
        var to: String?
    }

    var help: String { "Exports a case's files with their hashes and custody history; checks stored files." }

    typealias Failure = UserCommand.Failure

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        switch signature.action {
        case "export":
            guard let caseID = signature.caseID, !caseID.isEmpty else {
                throw Failure(description: "evidence export: give the case with --case ID")
            }
            guard let to = signature.to, !to.isEmpty else {
                throw Failure(description: "evidence export: give where to write with --to DIR or --to FILE.tar")
            }
            try await migrateStorage(app)
            let actor = CommandLineActor.current
            let result = try await EvidenceExport.run(case: caseID, to: to, by: actor, app: app)
            context.console.print(
                "Exported \(result.files) files of \(caseID) to \(to) "
                    + "(audit entry \(result.entry)); check them with: sha256sum -c SHA256SUMS")
        case "verify":
            try await migrateStorage(app)
            let (checked, problems) = try await EvidenceExport.verify(case: signature.caseID, app: app)
            for problem in problems { context.console.error(problem) }
            guard problems.isEmpty else {
                throw Failure(description: "\(problems.count) of \(checked) files do not match their recorded SHA-256")
            }
            context.console.print("All \(checked) files match the SHA-256 recorded when they arrived.")
        default:
            throw Failure(description: "evidence: unknown action “\(signature.action)”; use export or verify")
        }
    }
}

enum EvidenceExport {
    typealias Failure = UserCommand.Failure

    /// Writes the bundle; the export and each file's "exported" entry are appended in one transaction with the
    /// writing of the bundle beside its destination, which is renamed into place once that commits.
    static func run(
        case caseID: String, to destination: String, by actor: String,
        app: Application
    ) async throws -> (files: Int, entry: String) {
        let cipher = app.site.cipher, manager = FileManager.default
        struct Found: Decodable { let id: String }
        guard
            try await app.db.sql.raw("SELECT id FROM cases WHERE id = \(bind: caseID)")
                .first(decoding: Found.self) != nil
        else {
            throw Failure(
                description: """
                    evidence export: there is no case “\(caseID.prefix(80))” (nothing was written)
                    """)
        }
        let asTar = destination.hasSuffix(".tar")
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: destination, isDirectory: &isDirectory) {
            let empty = isDirectory.boolValue && ((try? manager.contentsOfDirectory(atPath: destination)) ?? []).isEmpty
            guard !asTar, empty else {
                throw Failure(
                    description: "evidence export: \(destination) exists already and is not an empty "
                        + "directory (nothing was written)")
            }
        }
        let files = try await EvidenceStore.files(case: caseID, cipher: cipher, on: app.db)
        var contents: [String: [UInt8]] = [:], problems: [String] = []
        for file in files {
            let (bytes, integrity) = try await EvidenceStore.contents(file, cipher: cipher, on: app.db)
            if let problem = integrity.problem { problems.append("\(file.id): \(problem)") }
            contents[file.id] = bytes
        }
        guard problems.isEmpty else {
            throw Failure(
                description: "evidence export: nothing was written, because "
                    + problems.joined(separator: "; "))
        }
        let stored = contents
        let now = app.site.clock.now(), staging = destination + ".part-\(UUID().uuidString.prefix(8))"
        let name = (destination as NSString).lastPathComponent
        do {
            let entry: String = try await app.db.write { tx in
                for file in files {
                    try await AuditLog.record(
                        AuditEvent(
                            actor: actor, action: CustodyEvent.exported.rawValue,
                            recordType: "attachment", recordID: file.id,
                            detail: "evidence export of \(caseID) to \(name)"),
                        now: now, on: tx)
                }
                try await AuditLog.record(
                    AuditEvent(
                        actor: actor, action: "evidence.export", recordType: "case",
                        recordID: caseID,
                        detail: "\(files.count) files to \(name)"), now: now, on: tx)
                let head = try await AuditLog.head(on: tx).map(\.description) ?? ""
                var manifestFiles: [EvidenceManifest.File] = []
                for file in files {
                    manifestFiles.append(
                        EvidenceManifest.File(
                            id: file.id,
                            path: Evidence.bundlePath(
                                fileID: file.id, contentType: file.contentType,
                                derived: file.derivedFrom != nil),
                            name: file.filename.reveal(), contentType: file.contentType, bytes: file.size,
                            sha256: file.sha256 ?? "", receivedAt: iso8601(seconds: file.addedAt),
                            receivedBy: file.addedBy, derivedFrom: file.derivedFrom, derivation: file.derivation,
                            custody: try await EvidenceStore.custody(file, on: tx)))
                }
                let manifest = EvidenceManifest(
                    caseID: caseID, exportedAt: iso8601(seconds: now.seconds),
                    exportedBy: actor, auditEntry: head, files: manifestFiles)
                try write(manifest, contents: stored, to: staging, asTar: asTar, modified: now.seconds)
                return head
            }
            if asTar || !manager.fileExists(atPath: destination) {
                try manager.moveItem(atPath: staging, toPath: destination)
            } else {
                for item in try manager.contentsOfDirectory(atPath: staging) {
                    try manager.moveItem(atPath: staging + "/" + item, toPath: destination + "/" + item)
                }
                try manager.removeItem(atPath: staging)
            }
            return (files.count, entry)
        } catch {
            try? manager.removeItem(atPath: staging)
            throw error
        }
    }

    static func write(
        _ manifest: EvidenceManifest, contents: [String: [UInt8]], to staging: String, asTar: Bool,
        modified: Int64
    ) throws {
        var entries: [(path: String, bytes: [UInt8])] = manifest.files.map { ($0.path, contents[$0.id] ?? []) }
        entries.append((EvidenceManifest.fileName, Array(try manifest.encoded())))
        let sums = Evidence.sums(entries.map { ($0.path, Evidence.sha256($0.bytes)) })
        entries.append((EvidenceManifest.sumsName, Array(sums.utf8)))
        if asTar {
            let tar = TarArchive.make(entries, modified: modified)
            guard
                FileManager.default.createFile(
                    atPath: staging, contents: Data(tar),
                    attributes: [.posixPermissions: 0o400])
            else {
                throw Failure(description: "evidence export: cannot write \(staging)")
            }
            return
        }
        for entry in entries {
            let url = URL(fileURLWithPath: staging).appendingPathComponent(entry.path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            guard
                FileManager.default.createFile(
                    atPath: url.path, contents: Data(entry.bytes),
                    attributes: [.posixPermissions: 0o400])
            else {
                throw Failure(description: "evidence export: cannot write \(url.path)")
            }
        }
    }

    /// Checks every stored file (of one case, or all) against its recorded hash: how many were read, and a line
    /// naming each that does not match.
    static func verify(case caseID: String?, app: Application) async throws -> (Int, [String]) {
        struct Row: Decodable { let id: String, caseId: String }
        let query: SQLQueryString =
            caseID.map {
                "SELECT id, case_id FROM case_attachments WHERE case_id = \(bind: $0) ORDER BY id"
            } ?? "SELECT id, case_id FROM case_attachments ORDER BY id"
        let rows = try await app.db.rows(query, as: Row.self)
        if let caseID, rows.isEmpty {
            struct Found: Decodable { let id: String }
            guard
                try await app.db.sql.raw("SELECT id FROM cases WHERE id = \(bind: caseID)")
                    .first(decoding: Found.self) != nil
            else {
                throw Failure(description: "evidence verify: there is no case “\(caseID.prefix(80))”")
            }
        }
        var problems: [String] = []
        for row in rows {
            guard
                let file = try await EvidenceStore.find(
                    row.id, case: row.caseId, cipher: app.site.cipher,
                    on: app.db)
            else { continue }
            let integrity: Evidence.Integrity
            do {
                integrity = try await EvidenceStore.contents(file, cipher: app.site.cipher, on: app.db).integrity
            } catch { integrity = .altered(expected: file.sha256 ?? "", found: "(does not open: \(error))") }
            if let problem = integrity.problem { problems.append("\(row.caseId) \(row.id): \(problem)") }
        }
        return (rows.count, problems)
    }
}
