import Logging

/// Keeps a database error's detail out of the log where a library writes it in full (review r12, finding 4):
/// Fluent's migrator logs a failed migration's error by `String(reflecting:)`, which for PostgreSQL holds the
/// DETAIL that quotes the failing row. That value is withheld; the command's own message (`SafeErrors`) follows.
struct RedactingLogHandler: LogHandler {
    var wrapped: any LogHandler

    static let withheld: Logger.MetadataValue =
        "withheld from the log (a database's detail can quote a stored row); the command's message follows"

    static func redacted(_ message: Logger.Message, _ metadata: Logger.Metadata?) -> Logger.Metadata? {
        guard message.description.hasPrefix("[Migrator] Failed"), var metadata, metadata["error"] != nil else {
            return metadata
        }
        metadata["error"] = withheld
        return metadata
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        wrapped.log(
            level: level, message: message, metadata: Self.redacted(message, metadata), source: source, file: file,
            function: function, line: line)
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
