import Fluent
import SQLKit

/// One writer at a time on SQLite, so no request fails because another is writing.
///
/// SQLite allows one writer, and Fluent begins its transactions `DEFERRED`: a transaction that reads and then
/// writes gets `SQLITE_BUSY_SNAPSHOT` at once, with no wait, when another writer committed in between (that was
/// the 500 after a stored report). Every write transaction therefore goes through `Database.write`: on SQLite it
/// waits its turn behind an in-process gate, then takes the write lock with its first statement (the equivalent
/// of `BEGIN IMMEDIATE`, which also waits on another process such as an import, by the busy handler). On
/// PostgreSQL it is an ordinary transaction: rows and advisory locks serialise what must be.
enum WriteGate {
    static let lock = AsyncLock()
    /// Whether this task already holds the gate (a write inside a write runs in the same transaction).
    @TaskLocal static var held = false
}

extension Database {
    /// Runs `body` in a write transaction — the caller's when there is one, so a write and its audit entry
    /// (`AuditLog.record(…, on: tx)`) commit together or not at all.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if inTransaction { return try await body(self) }
        guard sql.dialect.name == "sqlite", !WriteGate.held else { return try await transaction(body) }
        await WriteGate.lock.acquire()
        defer { WriteGate.lock.release() }
        return try await WriteGate.$held.withValue(true) {
            try await transaction { tx in
                // A write as the first statement takes the write lock before anything is read: BEGIN IMMEDIATE.
                try await tx.sql.raw("DELETE FROM audit_head WHERE 0").run()
                return try await body(tx)
            }
        }
    }
}
