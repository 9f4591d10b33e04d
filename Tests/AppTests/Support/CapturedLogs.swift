import Foundation
import Logging
import NIOConcurrencyHelpers

/// Every log line of the process, at every level, while a test records: the confidentiality test reads what
/// the server would have written. Installed once per process (swift-log allows one bootstrap).
enum CapturedLogs {
    private static let recorders = NIOLockedValueBox(0)
    private static let lines = NIOLockedValueBox<[String]>([])

    private static let installed: Void = {
        LoggingSystem.bootstrap { label in Handler(label: label) }
    }()

    /// Starts recording (and installs the capture the first time); loggers made afterwards are captured.
    static func start() {
        _ = installed
        recorders.withLockedValue { $0 += 1 }
    }

    /// Stops recording and returns everything written meanwhile.
    static func stop() -> String {
        recorders.withLockedValue { $0 -= 1 }
        return lines.withLockedValue { $0.joined(separator: "\n") }
    }

    static var recording: Bool { recorders.withLockedValue { $0 > 0 } }

    struct Handler: LogHandler {
        let label: String
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        /// Everything while recording; only warnings otherwise (kept off the console either way).
        var logLevel: Logger.Level {
            get { CapturedLogs.recording ? .trace : .warning }
            set {}
        }

        func log(event: LogEvent) {
            guard CapturedLogs.recording else { return }
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let error = event.error.map { " error: \(String(reflecting: $0))" } ?? ""
            CapturedLogs.lines.withLockedValue { $0.append("\(event.level) \(label) \(event.message) \(all)\(error)") }
        }
    }
}
