import Foundation
import Logging
import SQLiteNIO
import Vapor

/// The `observatory` program: `serve` (the default), `import FILE`, and Vapor's other commands.
public enum Observatory {
    public static func main() async throws {
        var arguments = CommandLineMode.rewrite(CommandLine.arguments)
        let mode = CommandLineMode.of(arguments)
        let unknown = CommandLineMode.unknownCommand(arguments)
        if let unknown {
            standardError("observatory: there is no command \"\(unknown.prefix(40))\"; the commands are:")
            arguments = [arguments[0], "--help"]
        }
        // Fluent's own start-up flags are refused (review r12, finding 4): `--auto-revert` would revert every
        // migration, dropping what they made, and `--auto-migrate` would migrate outside the migration lock.
        if let flag = arguments.first(where: { $0 == "--auto-revert" || $0 == "--auto-migrate" }) {
            standardError(
                "observatory: \(flag) is not offered: `serve` and `observatory migrate` bring the database up to "
                    + "date under a lock; to go back, restore a backup with `observatory restore`")
            exit(2)
        }
        var config: AppConfig
        do {
            config = try AppConfig.fromEnvironment()
        } catch {
            // Help is printed whatever the environment holds; anything else needs a valid configuration.
            guard CommandLineMode.asksForHelp(arguments) else {
                standardError("\(error)")
                exit(2)
            }
            config = AppConfig()
        }
        if let index = arguments.firstIndex(of: "--no-demo") {
            arguments.remove(at: index)
            config.demo = false
        }
        // `kit open FILE` serves the kit's local copy on 127.0.0.1: prepared (the passphrase asked) before the app.
        var offline: KitOffline.Prepared? = nil
        if KitOffline.isOpen(arguments) {
            do {
                (config, arguments, offline) = try await KitOffline.prepare(
                    arguments, config: config, now: Int64(Date().timeIntervalSince1970))
            } catch {
                standardError("error: \(SafeError.told(error))")
                exit(1)
            }
        }
        // `kit return FILE` works on the kit's local copy, with the kit as exported (the passphrase asked).
        arguments = KitOffline.fileAsOption(arguments)
        var returning: KitOffline.Returning? = nil
        if KitOffline.isReturn(arguments) {
            do {
                (config, returning) = try await KitOffline.prepareReturn(
                    arguments, config: config, now: Int64(Date().timeIntervalSince1970))
            } catch {
                standardError("error: \(SafeError.told(error))")
                exit(1)
            }
        }
        let target = config  // the configured database, which `restore` fills and `backup` copies
        if mode == .detached { config = CommandLineMode.detach(config) }
        var env = try Environment.detect(arguments: arguments)
        // Never below debug (review finding 14): at trace the database drivers log every statement with its binds
        // (a name, a sealed value), and a log reaches where no erasure does.
        let asked = try Logger.Level.detect(from: &env)
        let level = max(asked, .debug)
        let console = Terminal()
        LoggingSystem.bootstrap(RedactingLogHandler.console(console, level: level))
        let app = try await Application.make(env)
        if asked < level {
            app.logger.warning(
                "LOG_LEVEL=trace is not allowed: it would write every database value to the log; logging at debug.")
        }
        let command = arguments.dropFirst().first { !$0.hasPrefix("-") } ?? "serve"
        config.verifyKey = command != "key"  // `key rotate` resumes an interrupted rotation itself
        do {
            try await configure(app, config)
            // Replaces Fluent's `migrate` (registered while the databases were configured above).
            app.asyncCommands.use(SafeErrors(MigrateStorageCommand()), as: "migrate")
            app.asyncCommands.use(SafeErrors(ImportCommand()), as: "import")
            app.asyncCommands.use(SafeErrors(ExportCommand()), as: "export")
            app.asyncCommands.use(SafeErrors(UserCommand()), as: "user")
            app.asyncCommands.use(SafeErrors(AuditCommand()), as: "audit")
            app.asyncCommands.use(SafeErrors(KeyCommand()), as: "key")
            app.asyncCommands.use(SafeErrors(BulletinCommand()), as: "bulletin")
            app.asyncCommands.use(SafeErrors(ReportCommand()), as: "report")
            app.asyncCommands.use(SafeErrors(SubscribersCommand()), as: "subscribers")
            app.asyncCommands.use(SafeErrors(EvidenceCommand()), as: "evidence")
            app.asyncCommands.use(SafeErrors(KitCommand(returning: returning)), as: "kit")
            // Backup has its own dispatch (`AnyAsyncCommand`), and tells its errors as `SafeErrors` does.
            app.asyncCommands.use(BackupCommand(target: target), as: "backup")
            app.asyncCommands.use(SafeErrors(RestoreCommand(target: target)), as: "restore")
            if command == "serve" && mode == .attached {
                warnAboutStorage(app)
                let demo = config.demo
                // Two minutes of busy timeout while the storage is prepared, as in `configure`: an instance starting
                // at the same moment may hold the file in one long write (the demo), and 10 s failed on a loaded CI.
                try await busyTimeoutEverywhere(app, config.storage)
                // SQLite answers "busy" at once, whatever the timeout, to a read that turns into a write after
                // another instance wrote: two instances starting together meet it rarely. Preparing is idempotent,
                // so it is tried again.
                for attempt in 1...5 {
                    do {
                        try await withMigrationLock(app) { try await prepareStorage(app, loadDemo: demo) }
                        break
                    } catch let error as SQLiteError where "\(error.reason)".hasPrefix("busy") && attempt < 5 {
                        app.logger.warning("The database was busy while preparing it; trying again (\(attempt)).")
                        try await Task.sleep(for: .seconds(2))
                    }
                }
                try await secureDeleteEverywhere(app)
                if let offline {
                    app.http.server.configuration.hostname = "127.0.0.1"
                    try await KitOffline.install(offline, app: app)
                }
                try await announceMissingAdministrator(app)
                if config.key == .beside, case .sqlite(let path) = config.storage {
                    app.logger.notice(
                        """
                        Confidential case fields are encrypted with the key in \(path).key: back it up, apart \
                        from the database (without it they cannot be read).
                        """
                    )
                }
                startScheduler(app)
                startSearchUpkeep(app)
                if config.retention { startRetentionCheck(app) }
                startMailWorker(app)
            }
            try await app.execute()
        } catch {
            standardError("error: \(SafeError.told(error))")
            try? await app.asyncShutdown()
            exit(1)
        }
        try await app.asyncShutdown()
        if unknown != nil { exit(2) }
    }
}
