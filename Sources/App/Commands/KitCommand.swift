import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// `observatory kit export --mission ID --to FILE [--days N]` writes the encrypted offline kit of a mission and
/// prints its passphrase, once. `kit open FILE` (handled before the app starts, see `KitOffline`) serves its local
/// copy; `kit return FILE --to NEW-FILE` seals its offline work into a new kit, which `kit merge FILE` applies at the
/// office (`KitMerge`); `kit wipe` destroys the local copy.
struct KitCommand: AsyncCommand {
    /// Set by the entry point for `kit return` (the kit as exported, the app on its local copy).
    var returning: KitOffline.Returning? = nil

    struct Signature: CommandSignature {
        @Argument(name: "action", help: "export, open FILE (serves it on 127.0.0.1), return FILE, merge FILE or wipe")
        var action: String

        @Option(name: "mission", help: "The mission (mission-…) to export")
        var mission: String?

        @Option(name: "to", help: "A new file to write the kit to")
        var to: String?

        @Option(name: "file", help: "return, merge: the kit (also given after the action)")
        var file: String?

        @Option(name: "report", help: "merge: where to write the conflict report (FILE.merge-report.txt)")
        var report: String?

        @Option(name: "days", help: "How many days the kit can be opened (1 to 90, 30 when not given)")
        var days: Int?

        @Option(name: "dir", help: "open, wipe: the private directory of the local copy (~/.observatory-kit)")
        var dir: String?

        @Option(name: "port", help: "open: the port to serve on, on 127.0.0.1 only (8080)")
        var port: Int?
    }

    var help: String { "Exports an encrypted offline kit of a mission and its cases." }

    typealias Failure = UserCommand.Failure

    /// A database error is told by `SafeErrors` (the entry point wraps every command).
    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        switch signature.action {
        case "export":
            guard let mission = signature.mission, !mission.isEmpty else {
                throw Failure(description: "kit export: give the mission with --mission ID")
            }
            guard let to = signature.to, !to.isEmpty else {
                throw Failure(description: "kit export: give the file to write with --to FILE")
            }
            try await migrateStorage(app)
            let actor = CommandLineActor.current
            let made = try await KitExport.run(
                mission: mission, to: to, days: signature.days ?? KitExport.defaultDays,
                by: actor, app: app)
            let expiry = CivilDate(daysSinceEpoch: Int(made.expiresAt / 86_400))
            context.console.print(
                "Wrote the kit of \(mission) to \(to): \(made.cases) cases, \(made.attachments) "
                    + "files, \(made.file.count) bytes; it cannot be opened after \(expiry).")
            context.console.print("Passphrase (shown once; give it apart from the file): \(made.passphrase)")
        case "return":
            guard let returning else {
                throw Failure(description: "kit return: give the kit you opened: kit return FILE --to NEW-FILE")
            }
            guard let to = signature.to, !to.isEmpty else {
                throw Failure(description: "kit return: give the new file to write with --to NEW-FILE")
            }
            guard !FileManager.default.fileExists(atPath: to) else {
                throw Failure(description: "kit return: \(to) exists already (nothing was written)")
            }
            let made = try await KitOffline.returned(
                returning, cipher: app.site.cipher,
                now: app.site.clock.now().seconds, on: app.db)
            guard
                FileManager.default.createFile(
                    atPath: to, contents: Data(made.file),
                    attributes: [.posixPermissions: 0o600])
            else {
                throw Failure(description: "kit return: cannot write \(to)")
            }
            context.console.print(
                "Wrote the offline work on \(returning.exported.missionID) to \(to): "
                    + "\(made.changes) changes to \(made.rows) records, \(made.file.count) bytes, "
                    + "sealed under the kit's passphrase. Take it to the office for kit merge.")
        case "merge":
            guard let file = signature.file, !file.isEmpty else {
                throw Failure(description: "kit merge: give the kit returned from the mission: kit merge FILE")
            }
            let data = try KitMerge.readFile(file)
            try await migrateStorage(app)
            let cipher = app.site.cipher, now = app.site.clock.now()
            let passphrase: String
            do { passphrase = try KitOffline.readPassphrase() } catch {
                throw Failure(
                    description: "kit merge: give the kit's passphrase (typed, or in "
                        + "OBSERVATORY_KIT_PASSPHRASE); nothing was merged")
            }
            let kit = try KitMerge.read(data, passphrase: passphrase, now: now.seconds, cipher: cipher)
            // The operator who merges is the actor; the mission member the kit names is only its claim.
            let actor = CommandLineActor.current
            let sha256 = Evidence.sha256(data)
            try await app.db.write { tx in try await KitRecord.clearExpired(now: now.seconds, on: tx) }
            let outcome = try await app.db.write { tx in
                try await KitMerge.merge(kit, file: sha256, by: actor, cipher: cipher, now: now, on: tx)
            }
            let reportPath = signature.report ?? (file + ".merge-report.txt")
            let report = KitMerge.report(kit, outcome, file: (file as NSString).lastPathComponent)
            guard
                FileManager.default.createFile(
                    atPath: reportPath, contents: Data(report.utf8),
                    attributes: [.posixPermissions: 0o600])
            else {
                throw Failure(description: "kit merge: merged, but cannot write the report to \(reportPath)")
            }
            context.console.print(report + "The report is in \(reportPath).")
        case "wipe":
            let place = KitOffline.Place.standard(signature.dir)
            let wiped = try KitOffline.wipe(place)
            let kept =
                FileManager.default.fileExists(atPath: place.dir)
                ? " Other files in \(place.dir) were not the kit's and are left as they were." : ""
            let overwritten = wiped.removed - wiped.notOverwritten.count
            context.console.print(
                "Wiped the local copy in \(place.dir) (\(wiped.removed) files removed, \(overwritten) of them "
                    + "overwritten first).\(kept) On a flash disk old blocks may remain: keep the laptop's disk "
                    + "encrypted.")
            guard wiped.notOverwritten.isEmpty else {
                throw Failure(
                    description: "kit wipe: removed but NOT overwritten (another name of the file, not yours, or a "
                        + "short write), so their content may remain on the disk: "
                        + wiped.notOverwritten.joined(separator: ", "))
            }
        default:
            throw Failure(
                description: "kit: unknown action “\(signature.action.prefix(40))”; use export, open, "
                    + "return, merge or wipe")
        }
    }
}
