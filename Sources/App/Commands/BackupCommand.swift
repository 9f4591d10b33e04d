import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// `observatory backup --to DIR` and `observatory backup verify DIR`.
struct BackupCommand: AnyAsyncCommand {
    let target: AppConfig

    var help: String {
        "Copies the database into a new directory, with a manifest (counts, checksums, the key's fingerprint); "
            + "`backup verify DIR` checks a copy. The key is never in the backup: keep it apart."
    }

    func outputHelp(using context: inout CommandContext) {
        context.console.print(
            """
            Usage: observatory backup --to DIR     a consistent copy while the server keeps running
                   observatory backup verify DIR   checks DIR's files against its manifest

            \(help)
            """)
    }

    func run(using context: inout CommandContext) async throws {
        if context.input.arguments.contains(where: { $0 == "--help" || $0 == "-h" }) {
            outputHelp(using: &context)
            return
        }
        do {
            if context.input.arguments.first == "verify" {
                context.input.arguments.removeFirst()
                context.input.executablePath.append("verify")
                try await BackupVerifyCommand().run(using: &context)
            } else {
                try await BackupTakeCommand(target: target).run(using: &context)
            }
        } catch {
            throw SafeError.told(error)  // as every other command (`SafeErrors`; review r13, finding 3)
        }
    }
}

struct BackupTakeCommand: AsyncCommand {
    let target: AppConfig

    struct Signature: CommandSignature {
        @Option(name: "to", help: "A new or empty directory, e.g. /var/backups/observatory/2026-12-01.")
        var to: String?
    }

    var help: String { "Copies the database into a new directory, with its manifest." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let directory = signature.to, !directory.isEmpty else {
            throw Backup.Refused(description: "backup: say where, with --to DIR (a new or empty directory)")
        }
        let app = context.application
        let started = Date()
        let manifest = try await Backup.take(app, to: directory)
        let rows = manifest.tables.reduce(0) { $0 + $1.rows }
        let bytes = manifest.files.reduce(Int64(0)) { $0 + $1.bytes }
        context.console.print(
            "Backup written to \(directory): \(manifest.tables.count) tables, \(rows) rows, "
                + "\(manifest.files.map(\.name).joined(separator: ", ")) (\(bytes / 1024) KB) "
                + "in \(String(format: "%.1f", Date().timeIntervalSince(started))) s.")
        context.console.print(
            """
            The key is NOT in the backup (it was sealed with the key whose fingerprint is \(manifest.keyFingerprint)). \
            Keep a copy of \(keyLocation(target)) apart from the backups — in a password manager or on a USB stick \
            in a safe, never beside the backup copies: whoever holds both can read every confidential field, and \
            without the key a restored backup's confidential fields cannot be read.
            """)
        try? await AuditLog.record(
            AuditEvent(
                actor: "system", action: "backup.take", recordType: "backup",
                recordID: URL(fileURLWithPath: directory).lastPathComponent,
                detail: "\(manifest.tables.count) tables, \(rows) rows (command line)"),
            now: app.site.clock.now(), on: app.db)
    }
}

struct BackupVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "directory", help: "A directory written by `observatory backup --to`.")
        var directory: String
    }

    var help: String { "Checks a backup's files against its manifest." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let checked = try Backup.verify(signature.directory, cipher: context.application.site.cipher)
        guard checked.problems.isEmpty else {
            throw Backup.Refused(
                description: "the backup in \(signature.directory) does not match its manifest:\n"
                    + checked.problems.map { "  - \($0)" }.joined(separator: "\n"))
        }
        let rows = checked.manifest.tables.reduce(0) { $0 + $1.rows }
        context.console.print(
            "The backup in \(signature.directory) is intact: \(checked.manifest.files.count) file(s) "
                + "match the manifest (\(checked.manifest.engine), taken \(checked.manifest.created), "
                + "\(checked.manifest.tables.count) tables, \(rows) rows).")
        switch checked.signature {
        case .valid:
            context.console.print(
                "Its manifest is signed by the configured key (fingerprint "
                    + "\(checked.manifest.keyFingerprint)).")
        case .notChecked:
            context.console.print(
                "The configured key is not this backup's (its fingerprint is "
                    + "\(checked.manifest.keyFingerprint)): the manifest's signature "
                    + "was not checked, and restoring needs that key.")
        case .invalid: break
        }
    }
}

/// `observatory restore DIR [--force]`: into the configured database, empty unless `--force`.
struct RestoreCommand: AsyncCommand {
    let target: AppConfig

    struct Signature: CommandSignature {
        @Argument(name: "directory", help: "A directory written by `observatory backup --to`.")
        var directory: String

        @Flag(name: "force", help: "Replace what the configured database holds (stop the server first).")
        var force: Bool
    }

    var help: String {
        "Restores a backup into the configured, empty database, with the backup's key; "
            + "then checks counts and checksums."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if target.key == .beside, case .sqlite(let path) = target.storage,
            !FileManager.default.fileExists(atPath: path + ".key")
        {
            throw Backup.Refused(
                description: """
                    there is no key at \(path).key, and the backup's confidential fields were sealed with a key (its \
                    fingerprint is in \(signature.directory)/\(BackupManifest.fileName)). Nothing was restored. Copy \
                    the \
                    key you kept apart from the backups to \(path).key (or set OBSERVATORY_KEY_FILE to it), then run \
                    restore again.
                    """)
        }
        let restored = try await Backup.restore(
            signature.directory, into: target.storage,
            keyLocation: keyLocation(target),
            cipher: app.site.cipher, force: signature.force, app: app)
        let rows = restored.tables.reduce(0) { $0 + $1.rows }
        context.console.print(
            "Restored the backup taken \(restored.manifest.created) into \(restored.location): "
                + "\(restored.tables.count) tables and \(rows) rows, every count and checksum matching "
                + "the manifest. Start the server with the same key (fingerprint "
                + "\(restored.manifest.keyFingerprint)).")
        context.console.warning(Self.erasureWarning(since: restored.manifest.created))
    }

    /// Retention's erasures after the backup was taken are not in it: the restored database holds again every
    /// record anonymised or deleted since (retsafe review, finding 4).
    static func erasureWarning(since created: String) -> String {
        "Warning: every record anonymised or deleted since \(created) is back. Re-apply those erasures from the "
            + "audit trail (actions retention.anonymise and retention.delete after that date) before anyone uses "
            + "this database."
    }
}
