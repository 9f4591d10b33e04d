import Fluent
import Vapor

/// `observatory migrate`: brings the database's schema up to date, as `serve` does before it listens (under the
/// same lock, so it can run beside starting instances), without loading the demo. It replaces Fluent's own
/// command, which is not wrapped in `SafeErrors`: a data migration failing there logged PostgreSQL's DETAIL,
/// which quotes the failing row (review r6, finding 5). Reverting is not offered: restore a backup instead.
struct MigrateStorageCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Not offered: restore a backup taken before the upgrade instead.")
        var revert: Bool
    }

    var help: String { "Brings the database's schema up to date (serve does it too before it starts)." }

    struct Failure: Error, CustomStringConvertible { let description: String }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard !signature.revert else {
            throw Failure(
                description:
                    "migrate --revert: not offered (a revert can drop records); restore a backup taken before the "
                    + "upgrade with `observatory restore`")
        }
        let app = context.application
        try await migrateStorage(app)
        context.console.print("The database is up to date.")
    }
}
