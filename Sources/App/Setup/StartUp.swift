import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// What a command line asks for, decided before anything touches the configured database.
enum CommandLineMode: Equatable {
    /// Help, an unknown command, or a command that reads no database (`backup verify`, `restore` which opens
    /// its target itself): the app is configured on an in-memory database, and no key is created.
    case detached
    /// Any other command: the configured database.
    case attached

    /// Every command the program knows (Vapor's `serve`, `routes`, `migrate` and Observatory's own).
    static let commands: Set<String> = [
        "serve", "routes", "migrate", "import", "export", "user", "audit", "key",
        "bulletin",
        "report", "subscribers", "backup", "restore", "evidence", "kit"
    ]

    /// `help` becomes `--help` (`help backup` → `backup --help`), so Vapor prints the usage.
    static func rewrite(_ arguments: [String]) -> [String] {
        guard let index = arguments.dropFirst().firstIndex(where: { !$0.hasPrefix("-") }), arguments[index] == "help"
        else { return arguments }
        var rewritten = arguments
        rewritten.remove(at: index)
        rewritten.append("--help")
        return rewritten
    }

    /// `--help`, `-h`, or a command the program does not know (Vapor then names it and prints the usage).
    static func asksForHelp(_ arguments: [String]) -> Bool {
        if arguments.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }) { return true }
        guard let command = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }) else { return false }
        return !commands.contains(command)
    }

    /// The command word when the program does not know it.
    static func unknownCommand(_ arguments: [String]) -> String? {
        guard let command = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }) else { return nil }
        return commands.contains(command) ? nil : command
    }

    static func of(_ arguments: [String]) -> CommandLineMode {
        let words = arguments.dropFirst().filter { !$0.hasPrefix("-") }
        if arguments.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }) { return .detached }
        guard let command = words.first else { return .attached }  // serve
        if !commands.contains(command) { return .detached }
        if command == "restore" || (command == "backup" && words.dropFirst().first == "verify") { return .detached }
        // `kit wipe` touches only the kit's local copy (a laptop has no office database to open).
        if command == "kit" && words.dropFirst().first == "wipe" { return .detached }
        return .attached
    }

    /// The configuration a detached command runs on: an in-memory database; the key as configured, read but never
    /// created (`<database>.key` beside an SQLite file is named explicitly).
    static func detach(_ config: AppConfig) -> AppConfig {
        var detached = config
        detached.storage = .sqlite(path: ":memory:")
        detached.demo = false
        detached.smtp = nil
        if config.key == .beside {
            if case .sqlite(let path) = config.storage, path != ":memory:",
                FileManager.default.fileExists(atPath: path + ".key")
            {
                detached.key = .file(path + ".key")
            } else {
                detached.key = .text(FieldCipher.newKeyText())  // none yet: a throw-away one, never written
            }
        }
        return detached
    }
}

/// The key file an SQLite configuration uses, whether or not it exists yet (nil: the key is given otherwise).
func keyLocation(_ config: AppConfig) -> String {
    switch config.key {
    case .text: return "the OBSERVATORY_KEY environment variable"
    case .file(let path): return path
    case .beside:
        if case .sqlite(let path) = config.storage { return path + ".key" }
        return "OBSERVATORY_KEY_FILE"
    }
}

/// Runs `body` while holding the migration lock, so that instances starting together on an empty database migrate
/// (and load the demo) one after the other: a PostgreSQL advisory lock per schema, held on one connection; with
/// SQLite an exclusive `flock` on `<database>.lock` beside the file.
func withMigrationLock<T: Sendable>(
    _ app: Application, _ body: @escaping @Sendable () async throws -> T
)
    async throws -> T
{
    switch app.site.config.storage {
    case .postgres:
        return try await app.db.withConnection { connection in
            let key = "SELECT hashtext('observatory-migrations:' || coalesce(current_schema(), '')) AS k"
            let id = try await connection.sql.raw(SQLQueryString(key)).first(decoding: MigrationLockKey.self)?.k ?? 0
            try await connection.sql.raw("SELECT pg_advisory_lock(\(bind: id))").run()
            do {
                let result = try await body()
                try await connection.sql.raw("SELECT pg_advisory_unlock(\(bind: id))").run()
                return result
            } catch {
                try? await connection.sql.raw("SELECT pg_advisory_unlock(\(bind: id))").run()
                throw error
            }
        }
    case .sqlite(let path):
        guard path != ":memory:" else { return try await body() }
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            app.logger.warning("Cannot open the migration lock \(lockPath) (\(why)): migrating without it.")
            return try await body()
        }
        defer { close(fd) }
        // Blocking wait in a thread of its own, so the event loops and the cooperative pool never wait on it.
        let locked: Bool = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: flock(fd, LOCK_EX) == 0) }
        }
        defer { if locked { flock(fd, LOCK_UN) } }
        return try await body()
    }
}

private struct MigrationLockKey: Decodable { let k: Int }

/// Start-up check of the storage: warns, naming the file or directory, when the database cannot be written
/// (read-only file or directory, read-only file system) or its file system is almost full.
func warnAboutStorage(_ app: Application) {
    for problem in storageProblems(app.site.config.storage) {
        app.logger.warning("\(problem)")
    }
}

func storageProblems(_ storage: AppConfig.Storage) -> [String] {
    guard case .sqlite(let path) = storage, path != ":memory:" else { return [] }
    var problems: [String] = []
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
    let directory = (absolute as NSString).deletingLastPathComponent
    let consequence =
        "pages are served, but nothing can be saved (reports, sign-ins, edits answer 503) "
        + "until it is fixed"
    if access(directory, W_OK) != 0 {
        let why = String(cString: strerror(errno))
        problems.append("The directory \(directory) is not writable (\(why)): \(consequence).")
    } else if FileManager.default.fileExists(atPath: absolute), access(absolute, W_OK) != 0 {
        let why = String(cString: strerror(errno))
        problems.append("The database file \(absolute) is not writable (\(why)): \(consequence).")
    }
    var fs = statvfs()
    if statvfs(directory, &fs) == 0 {
        if fs.f_flag & UInt(ST_RDONLY) != 0 {
            problems.append("The file system holding \(directory) is mounted read-only: \(consequence).")
        }
        let free = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
        if free < 64 << 20 {
            problems.append(
                "The file system holding \(directory) has only \(free >> 20) MB free: "
                    + "when it is full, nothing can be saved until space is freed.")
        }
    }
    return problems
}
