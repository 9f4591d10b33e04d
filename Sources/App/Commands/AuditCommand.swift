import Fluent
import ObservatoryCore
import Vapor

/// `observatory audit verify [--head SEQ:HASH]` checks the audit trail's keyed hash chain and exits 1 at the first
/// broken link; `observatory audit head` prints the head (sequence and hash) to anchor elsewhere — with `--head`,
/// verify proves that nothing up to that entry was cut or changed, and says what follows it.
struct AuditCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "verify or head")
        var action: String

        @Option(name: "head", help: "SEQ:HASH, a head printed earlier by `audit head`: it must still be in the trail")
        var head: String?
    }

    var help: String { "Checks that no entry of the audit trail was altered or deleted; prints its head." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        switch signature.action {
        case "head":
            try await migrateStorage(app)
            guard let head = try await AuditLog.head(on: app.db) else {
                throw UserCommand.Failure(description: "The audit trail is empty: there is no head to anchor yet.")
            }
            context.console.print(head.description)
        case "verify":
            var anchor: Anchor? = nil
            if let text = signature.head {
                guard let parsed = Anchor(text) else {
                    throw UserCommand.Failure(
                        description: "audit verify: --head “\(text)” is not SEQ:HASH (a sequence "
                            + "number, a colon and 64 lower-case hex digits, as `audit head` prints)")
                }
                anchor = parsed
            }
            try await migrateStorage(app)
            let result = try await AuditLog.verify(on: app.db, anchor: anchor)
            if let broken = result.firstBreak {
                throw UserCommand.Failure(
                    description: "The audit trail is broken: \(broken.description) "
                        + "(\(result.count) entries read).")
            }
            context.console.print("The audit trail is intact: \(result.count) entries, each linked to the one before.")
            if let anchor {
                let via = result.anchorRechainedAt.map { ", re-chained under a new key at entry #\($0)" } ?? ""
                let last = result.last?.sequence ?? 0
                context.console.print(
                    "The anchor \(anchor.sequence) is in the trail\(via): nothing up to it was "
                        + "cut or changed; \(result.afterAnchor) entries follow it, up to #\(last).")
            }
        default:
            throw UserCommand.Failure(
                description: """
                    audit: unknown action “\(signature.action)”; use verify or head
                    """)
        }
    }
}
