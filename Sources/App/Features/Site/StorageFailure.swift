import Fluent
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import PostgresNIO
import SQLiteNIO
import Vapor

/// A write the storage refused for a reason outside the request: a read-only or full disk, a file that cannot be
/// opened, a PostgreSQL server that is out of space, read-only or unreachable. Nothing was stored.
struct StorageUnavailable: CustomStringConvertible {
    let cause: String
    /// Another write held what this one needed for longer than the lock timeout: the storage is sound, only busy,
    /// so the instance is not marked failing (review r16, finding 4).
    var busy = false
    var description: String { cause }

    /// The storage failure `error` is, if it is one (nil for any other error).
    static func of(_ error: any Error) -> StorageUnavailable? {
        if let sqlite = error as? SQLiteError {
            let reason = "\(sqlite.reason)"
            let storage = ["readOnly", "readonly", "full", "ioError", "cantOpen", "notADatabase"]
            guard storage.contains(where: { reason.hasPrefix($0) }) else { return nil }
            return StorageUnavailable(cause: "SQLite \(reason): \(sqlite.message)")
        }
        if let postgres = error as? PSQLError {
            if let state = postgres.serverInfo?[.sqlState] {
                // 53: insufficient resources (disk full, out of memory); 25006: read-only transaction (a standby, or
                // default_transaction_read_only); 57P0x: the server is shutting down or starting; 58: system error;
                // 55P03: a lock waited for longer than `WriteGate.postgresLockTimeout` (review r15, finding 3).
                let states = ["25006", "55P03"]
                guard ["53", "57P0", "58"].contains(where: state.hasPrefix) || states.contains(state) else {
                    return nil
                }
                let message = postgres.serverInfo?[.message] ?? ""
                return StorageUnavailable(
                    cause: "PostgreSQL \(state): \(message.prefix(200))", busy: state == "55P03")
            }
            if [.connectionError, .serverClosedConnection, .clientClosedConnection].contains(postgres.code) {
                return StorageUnavailable(cause: "PostgreSQL connection: \(postgres.code)")
            }
        }
        return nil
    }
}

/// Answers 503 "the service cannot save right now" when the storage refuses a write, logs the cause (with the
/// database file, never the request's values), and recycles the database connections so that the server recovers
/// by itself once the disk is writable again: an SQLite connection opened while its file was read-only stays
/// read-only for its whole life, which is why the server used to answer 500 until restarted.
struct StorageFailureMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            let response = try await next.respond(to: request)
            if request.method != .GET && request.method != .HEAD && response.status.code < 500 {
                request.application.storageHealth.succeeded()  // a write went through: the storage is back
            }
            return response
        } catch {
            guard let failure = StorageUnavailable.of(error) else { throw error }
            let app = request.application
            let route =
                request.route.map { "\($0.method) /" + $0.path.map(\.description).joined(separator: "/") }
                ?? "\(request.method) (no route)"
            let storage = storageName(app.site.config.storage)
            if failure.busy {
                let line = "\(route): the write waited too long for a lock another write held (\(failure.cause))."
                app.logger.warning("\(line)")
            } else {
                let line = "\(route): the service cannot save right now — \(storage) refused it (\(failure.cause))."
                app.logger.error("\(line)")
                app.storageHealth.failed(app)
            }
            let response = Translations.$current.withValue(.of(Language.of(path: request.url.path))) {
                ErrorPageMiddleware.page(status: .serviceUnavailable, message: t("error.cannot-save"))
            }
            response.headers.replaceOrAdd(name: .retryAfter, value: "60")
            return response
        }
    }
}

/// Names the storage for the log: the SQLite file, or "PostgreSQL" (never its address or credentials).
func storageName(_ storage: AppConfig.Storage) -> String {
    switch storage {
    case .sqlite(let path): return "the database file \(URL(fileURLWithPath: path).standardizedFileURL.path)"
    case .postgres: return "PostgreSQL"
    }
}

/// Remembers a recent storage failure and, until writes succeed again, recycles the SQLite connections every few
/// seconds so that none stays read-only after the disk has recovered.
final class StorageHealth: Sendable {
    private let lastFailure = NIOLockedValueBox<Date?>(nil)
    private let watching = NIOLockedValueBox(false)

    var recentlyFailed: Bool {
        lastFailure.withLockedValue { $0.map { Date().timeIntervalSince($0) < 120 } ?? false }
    }

    func succeeded() {
        lastFailure.withLockedValue { if $0 != nil { $0 = nil } }
    }

    func failed(_ app: Application) {
        lastFailure.withLockedValue { $0 = Date() }
        guard case .sqlite = app.site.config.storage else { return }
        recycleConnections(app)
        let start = watching.withLockedValue { started in
            defer { started = true }
            return !started
        }
        guard start else { return }
        app.eventLoopGroup.next().scheduleRepeatedAsyncTask(initialDelay: .seconds(2), delay: .seconds(2)) { _ in
            app.eventLoopGroup.next().makeFutureWithTask {
                if self.recentlyFailed { self.recycleConnections(app) }
            }
        }
    }

    /// Closes every event loop's SQLite connection, all of them before any reopens (SQLite shares a file's state
    /// between the connections of a process while one stays open), then opens fresh ones with their busy timeout.
    func recycleConnections(_ app: Application) {
        if case .sqlite(let path) = app.site.config.storage { repairCompanionFiles(path, app: app) }
        let pools = app.eventLoopGroup.makeIterator().compactMap {
            app.databases.database(.sqlite, logger: app.logger, on: $0) as? any SQLiteDatabase
        }
        let closed = pools.map { pool in pool.withConnection { connection in connection.close() } }
        _ = EventLoopFuture.andAllComplete(closed, on: app.eventLoopGroup.any()).flatMap { _ in
            EventLoopFuture.andAllComplete(
                pools.map { pool in
                    pool.withConnection { connection in
                        connection.query("PRAGMA busy_timeout=10000", []).flatMap { _ in
                            connection.query("PRAGMA secure_delete=ON", []).map { _ in }
                        }
                    }
                }, on: app.eventLoopGroup.any())
        }
    }
}

/// SQLite creates `-wal` and `-shm` with the database file's permissions: made while the file was read-only, they
/// stay read-only after it is writable again, and every connection then fails ("attempt to write a readonly
/// database") until someone deletes them — the reason the server used to answer 500 until restarted. Once the
/// database file is writable, they get its permissions back.
func repairCompanionFiles(_ path: String, app: Application) {
    guard path != ":memory:", access(path, W_OK) == 0 else { return }
    let fm = FileManager.default
    guard let mode = (try? fm.attributesOfItem(atPath: path))?[.posixPermissions] as? Int else { return }
    for suffix in ["-wal", "-shm"] where access(path + suffix, F_OK) == 0 && access(path + suffix, W_OK) != 0 {
        if (try? fm.setAttributes([.posixPermissions: mode & 0o666], ofItemAtPath: path + suffix)) != nil {
            app.logger.notice("\(path)\(suffix) was left read-only while the database was: it is writable again.")
        }
    }
}

extension Application {
    private struct StorageHealthKey: StorageKey { typealias Value = StorageHealth }

    /// Set by `configure` (before any request, so never raced).
    var storageHealth: StorageHealth {
        get { storage[StorageHealthKey.self] ?? StorageHealth() }
        set { storage[StorageHealthKey.self] = newValue }
    }
}
