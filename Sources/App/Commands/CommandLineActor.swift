import Foundation

/// Who the audit trail names for a write made by a command: the operating-system user who ran it.
enum CommandLineActor {
    static var current: String {
        "command line (\(ProcessInfo.processInfo.environment["USER"] ?? "unknown user"))"
    }
}
