import PostgresNIO
import Vapor

/// A command whose PostgreSQL errors are told by their code and message only. Vapor logs a failed command's error
/// in full (`String(reflecting:)`), and a PostgreSQL error's detail quotes the failing row, values included (review
/// of issue 20, round 4, finding 7; round 5, finding 9: every command, with the code kept for the operator).
struct SafeErrors<Command: AsyncCommand>: AsyncCommand {
    typealias Signature = Command.Signature
    let command: Command

    init(_ command: Command) { self.command = command }

    var help: String { command.help }

    struct Failure: Error, CustomStringConvertible { let description: String }

    func run(using context: CommandContext, signature: Signature) async throws {
        do {
            try await command.run(using: context, signature: signature)
        } catch let error as PSQLError {
            throw Self.told(error)
        }
    }

    static func told(_ error: PSQLError) -> Failure {
        guard let state = error.serverInfo?[.sqlState] else {
            return Failure(description: "the database failed (\(error.code)); nothing of this command was kept")
        }
        let message = error.serverInfo?[.message].map { ": \($0.prefix(200))" } ?? ""
        return Failure(description: "the database refused it (PostgreSQL \(state)\(message))")
    }
}
