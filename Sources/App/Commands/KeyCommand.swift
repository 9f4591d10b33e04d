import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// `observatory key new|fingerprint|rotate`: the key that encrypts confidential fields.
struct KeyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "new (print a new key), fingerprint, or rotate (with --new-key-file)")
        var action: String

        @Option(name: "new-key-file", help: "rotate: the file of the new key (made, mode 0600, if it does not exist)")
        var newKeyFile: String?
    }

    var help: String {
        """
        The key of confidential fields. Keep it apart from the database backups.
          key new                         prints a new key (for OBSERVATORY_KEY_FILE / OBSERVATORY_KEY)
          key fingerprint                 prints the fingerprint of the configured key and of the database's key
          key rotate --new-key-file F     stop the server first; seals everything again under the key in F (made if
                                          missing); if interrupted, run the same command again: it resumes.
                                          Then start the server with F as its key (done for you for the key file
                                          beside an SQLite database) and back F up apart from the database.
        """
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        switch signature.action {
        case "new":
            context.console.print(FieldCipher.newKeyText())
        case "fingerprint":
            context.console.print("configured key: \(app.site.cipher.fingerprint)")
            try await migrateStorage(app)
            context.console.print("database's key: \(try await KeyGuard.recorded(on: app.db) ?? "none recorded")")
        case "rotate":
            guard let path = signature.newKeyFile, !path.isEmpty else {
                throw Failure(description: "key rotate: give the new key's file: --new-key-file FILE")
            }
            try await rotate(app, to: path, console: context.console)
        default:
            throw Failure(
                description: "key: unknown action \(signature.action.prefix(20)); use: key new, "
                    + "key fingerprint, or key rotate --new-key-file FILE")
        }
    }

    private func rotate(_ app: Application, to path: String, console: any Console) async throws {
        let made = !FileManager.default.fileExists(atPath: path)
        let new = try KeyFile(path: path, createIfMissing: true).cipher()
        if made { console.print("Made a new key in \(path) (fingerprint \(new.fingerprint)).") }
        try await migrateStorage(app)
        let old = app.site.cipher
        let outcome = try await KeyRotation.rotate(
            from: old, to: new, by: "system", now: app.site.clock.now(),
            on: app.db
        ) { console.print($0) }
        if outcome == .alreadyDone {
            console.print("The database is already sealed under the key in \(path).")
        } else {
            console.print("Every sealed value is now under the key in \(path) (fingerprint \(new.fingerprint)).")
        }
        let config = app.site.config
        if config.key == .beside, case .sqlite(let database) = config.storage {
            let current = database + ".key"
            let retired = current + ".retired-" + old.fingerprint.prefix(8)
            if FileManager.default.fileExists(atPath: current) {
                try? FileManager.default.removeItem(atPath: retired)
                try FileManager.default.moveItem(atPath: current, toPath: retired)
            }
            try FileManager.default.copyItem(atPath: path, toPath: current)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: current)
            console.print("The server's key file \(current) now holds the new key; the old one is kept as \(retired).")
        } else {
            console.print("Now set OBSERVATORY_KEY_FILE=\(path) on every instance (or put this file where it points).")
        }
        console.print(
            "Back up the new key apart from the database. Keep the old key only as long as the backups "
                + "made before today, which need it.")
    }
}
