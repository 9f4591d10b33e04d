import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// `observatory kit export --mission ID --to FILE [--days N]` writes the encrypted offline kit of a mission and
/// prints its passphrase, once. `kit open FILE` (handled before the app starts, see `KitOffline`) serves its local
/// copy; `kit wipe` destroys it.
struct KitCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "export, open FILE (serves it on 127.0.0.1) or wipe")
        var action: String

        @Option(name: "mission", help: "The mission (mission-…) to export")
        var mission: String?

        @Option(name: "to", help: "A new file to write the kit to")
        var to: String?

        @Option(name: "days", help: "How many days the kit can be opened (1 to 90, 30 when not given)")
        var days: Int?

        @Option(name: "dir", help: "open, wipe: the private directory of the local copy (~/.observatory-kit)")
        var dir: String?

        @Option(name: "port", help: "open: the port to serve on, on 127.0.0.1 only (8080)")
        var port: Int?
    }

    var help: String { "Exports an encrypted offline kit of a mission and its cases." }

    typealias Failure = UserCommand.Failure

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
            try await app.autoMigrate()
            let actor = "command line (\(ProcessInfo.processInfo.environment["USER"] ?? "unknown user"))"
            let made = try await KitExport.run(mission: mission, to: to, days: signature.days ?? KitExport.defaultDays,
                                               by: actor, app: app)
            let expiry = CivilDate(daysSinceEpoch: Int(made.expiresAt / 86_400))
            context.console.print("Wrote the kit of \(mission) to \(to): \(made.cases) cases, \(made.attachments) "
                                  + "files, \(made.file.count) bytes; it cannot be opened after \(expiry).")
            context.console.print("Passphrase (shown once; give it apart from the file): \(made.passphrase)")
        case "wipe":
            let place = KitOffline.Place.standard(signature.dir)
            let files = try KitOffline.wipe(place)
            context.console.print("Wiped the local copy in \(place.dir) (\(files) files overwritten and removed). "
                                  + "On a flash disk old blocks may remain: keep the laptop's disk encrypted.")
        default:
            throw Failure(description: "kit: unknown action “\(signature.action.prefix(40))”; use export, open or wipe")
        }
    }
}
