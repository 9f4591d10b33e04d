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

    /// Whether `error` is a value that could not be decoded or encoded: in this server only a stored value does
    /// that (requests are read by hand), so it is answered 500, never 400 with the value (review r16, finding 2).
    static func isStoredValueError(_ error: any Error) -> Bool {
        error is DecodingError || error is EncodingError
    }

    /// A PostgreSQL error by its code and plain message; a value the database could not read by its kind only; a
    /// database error wrapped in another by its kind only (review r13, finding 3); any other error as it is.
    static func told(_ error: any Error) -> any Error {
        if let error = error as? PSQLError { return told(error) }
        if let error = error as? DecodingError { return told(error) }
        // "Couldn't get PSQL encoding from value '…'": by the names of its fields only (review r15, finding 4).
        if case EncodingError.invalidValue(_, let context) = error {
            let path = plain(context.codingPath.map(\.stringValue).joined(separator: "."))
            return Failure(description: "a value that could not be stored\(path.isEmpty ? "" : " in " + path)")
        }
        guard RedactingLogHandler.leaks(String(reflecting: error)) else { return error }
        return Failure(description: "the database failed; nothing of this command was kept")
    }

    /// Classes 22 (data exception) and 42 (syntax) quote the value in the message itself ("invalid input syntax
    /// for type integer: …", "at or near …"): they are told by their code only (review r14, finding 2).
    static func told(_ error: PSQLError) -> Failure {
        guard let state = error.serverInfo?[.sqlState] else {
            return Failure(description: "the database failed (\(error.code)); nothing of this command was kept")
        }
        let quoting = state.hasPrefix("22") || state.hasPrefix("42")
        let message = quoting ? nil : error.serverInfo?[.message].map { plain($0.prefix(200)) }
        return Failure(description: "the database refused it (PostgreSQL \(state)\(message.map { ": " + $0 } ?? ""))")
    }

    /// A stored value that could not be read, by the kind of failure and the names of its fields: SQLite's and
    /// PostgresNIO's messages quote the value.
    static func told(_ error: DecodingError) -> Failure {
        let (kind, context): (String, DecodingError.Context?) =
            switch error {
            case .typeMismatch(_, let context): ("a value of another type", context)
            case .valueNotFound(_, let context): ("a missing value", context)
            case .keyNotFound(_, let context): ("a missing field", context)
            case .dataCorrupted(let context): ("a value that could not be read", context)
            @unknown default: ("a value that could not be read", nil)
            }
        let path = context.map { plain($0.codingPath.map(\.stringValue).joined(separator: ".")) } ?? ""
        return Failure(
            description:
                "the database returned \(kind)\(path.isEmpty ? "" : " in " + path); nothing of this command was kept")
    }

    /// The characters a told message keeps (review r14, finding 2): ASCII letters and digits, space and `:;,._-/`.
    /// A message is cut at the first other one, so no value quoted in any language's quotes, `"…"`, `«…»`,
    /// `'…'` or `(…)`, passes.
    static func isPlain(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || " :;,._-/".contains(c))
    }

    /// `text` up to its first character that is not plain, marked `…` when cut.
    static func plain(_ text: some StringProtocol) -> String {
        guard let cut = text.firstIndex(where: { !isPlain($0) }) else { return String(text) }
        return String(text[..<cut]) + "…"
    }
}
