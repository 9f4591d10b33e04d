import ConsoleKit
import Logging
import Vapor

/// Keeps a database error's detail out of the log where a library writes it in full (review r12, finding 4; r13,
/// finding 3). Fluent's migrator logs a failed migration's error by `String(reflecting:)`, and Vapor's
/// `Application.execute` a command's error the same way: for PostgreSQL that holds the server's DETAIL, which can
/// quote the failing row. Such a value, in the message or in any metadata, is withheld, whatever the library's
/// wording; the command's own message (`SafeErrors`) follows.
struct RedactingLogHandler: LogHandler {
    var wrapped: any LogHandler

    static let withheld: Logger.MetadataValue =
        "withheld from the log (a database's detail can quote a stored row); the command's message follows"

    /// What marks a database error written out in full: its type's reflection, or the server's own words.
    static let markers = [
        "PSQLError(", "serverInfo:", "Failing row contains", "DETAIL:", "Key (",
        // A value the drivers could not read, quoted (review r14, finding 2).
        "PostgresDecodingError", "postgresData:", "Could not convert SQLite data"
    ]

    /// The logging system's factory: every logger made by `make` is wrapped (Entrypoint installs it).
    static func factory(
        _ make: @escaping @Sendable (String) -> any LogHandler
    ) -> @Sendable (String) -> any LogHandler {
        { label in RedactingLogHandler(wrapped: make(label)) }
    }

    /// The process's loggers, the console at `level` behind the redaction: what Entrypoint bootstraps, and the tests
    /// check (review r14, finding 6).
    static func console(_ console: any Console, level: Logger.Level) -> @Sendable (String) -> any LogHandler {
        factory { label in ConsoleLogger(label: label, console: console, level: level) }
    }

    static func leaks(_ text: String) -> Bool { markers.contains { text.contains($0) } }

    static func redacted(_ message: Logger.Message, _ metadata: Logger.Metadata?) -> Logger.Metadata? {
        guard var metadata else { return nil }
        let migrator = message.description.hasPrefix("[Migrator] Failed")
        for (key, value) in metadata where (migrator && key == "error") || leaks(value.description) {
            metadata[key] = withheld
        }
        return metadata
    }

    static func redacted(_ message: Logger.Message) -> Logger.Message {
        leaks(message.description) ? "\(withheld.description)" : message
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        wrapped.log(
            level: level, message: Self.redacted(message), metadata: Self.redacted(message, metadata),
            source: source, file: file, function: function, line: line)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }
}
