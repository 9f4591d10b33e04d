import Fluent
import SQLKit

/// One writer at a time on SQLite, so no request fails because another is writing.
///
/// SQLite allows one writer, and Fluent begins its transactions `DEFERRED`: a transaction that reads and then
/// writes gets `SQLITE_BUSY_SNAPSHOT` at once, with no wait, when another writer committed in between (that was
/// the 500 after a stored report). Every write transaction therefore goes through `Database.write`: on SQLite it
/// waits its turn behind an in-process gate, then takes the write lock with its first statement (the equivalent
/// of `BEGIN IMMEDIATE`, which also waits on another process such as an import, by the busy handler). On
/// PostgreSQL the same gate orders one instance's writers; rows and advisory locks serialise several instances.
enum WriteGate {
    static let lock = AsyncLock()
    /// Whether this task already holds the gate (a write inside a write runs in the same transaction).
    @TaskLocal static var held = false
    /// The checks of the office request this task serves (review r13, finding 2): set by `declare` on every route
    /// that needs someone fully signed in, and run first in each write transaction the request opens. A request
    /// that passed `SignInMiddleware` before a reset, a disable or a demotion then commits nothing after it, whichever
    /// office write it makes (`Request.officeChecks`).
    @TaskLocal static var officeChecks: (@Sendable (any Database) async throws -> Void)?
}

extension Database {
    /// Runs `body` in a write transaction — the caller's when there is one, so a write and its audit entry
    /// (`AuditLog.record(…, on: tx)`) commit together or not at all.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if inTransaction { return try await body(self) }
        let checks = WriteGate.officeChecks
        guard !WriteGate.held else {
            return try await transaction { tx in
                try await checks?(tx)
                return try await body(tx)
            }
        }
        // On PostgreSQL too, writers of one instance queue here rather than each holding a pooled connection while
        // it waits for the audit chain's advisory lock (under load they timed out waiting for a connection: 500s).
        await WriteGate.lock.acquire()
        defer { WriteGate.lock.release() }
        let sqlite = sql.dialect.name == "sqlite"
        return try await WriteGate.$held.withValue(true) {
            try await transaction { tx in
                // A write as the first statement takes the write lock before anything is read: BEGIN IMMEDIATE.
                if sqlite { try await tx.sql.raw("DELETE FROM audit_head WHERE 0").run() }
                try await checks?(tx)
                return try await body(tx)
            }
        }
    }
}
