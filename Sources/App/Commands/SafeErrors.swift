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

    func run(using context: CommandContext, signature: Signature) async throws {
        do {
            try await command.run(using: context, signature: signature)
        } catch {
            throw SafeError.told(error)
        }
    }
}

/// How a command's error may be told, in the log and on standard error.
enum SafeError {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// A PostgreSQL error by its code and message; a database error wrapped in another by its kind only (review
    /// r13, finding 3); any other error as it is.
    static func told(_ error: any Error) -> any Error {
        if let error = error as? PSQLError { return told(error) }
        guard RedactingLogHandler.leaks(String(reflecting: error)) else { return error }
        return Failure(description: "the database failed; nothing of this command was kept")
    }

    static func told(_ error: PSQLError) -> Failure {
        guard let state = error.serverInfo?[.sqlState] else {
            return Failure(description: "the database failed (\(error.code)); nothing of this command was kept")
        }
        let message = error.serverInfo?[.message].map { ": \($0.prefix(200))" } ?? ""
        return Failure(description: "the database refused it (PostgreSQL \(state)\(message))")
    }
}
