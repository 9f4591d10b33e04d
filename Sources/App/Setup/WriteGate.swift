import Fluent
import ObservatoryCore
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
    /// Whether this task already holds the gate: a write inside a write must run in the same transaction.
    @TaskLocal static var held = false
    #if DEBUG
        /// Tests only: writes of this task skip the gate, as a second instance's writes would (PostgreSQL races).
        /// Not in a release build (review r15, nit).
        @TaskLocal static var asAnotherInstance = false
    #else
        static var asAnotherInstance: Bool { false }
    #endif
    /// The checks of the office request this task serves (review r13, finding 2): set by `declare` on every route
    /// that needs someone fully signed in, and run first in each write transaction the request opens. A request
    /// that passed `SignInMiddleware` before a reset, a disable or a demotion then commits nothing after it, whichever
    /// office write it makes (`Request.officeChecks`).
    @TaskLocal static var officeChecks: (@Sendable (any Database) async throws -> Void)?
    /// How long a write waits for a row or an advisory lock on PostgreSQL before it fails (review r14, finding 5):
    /// a cycle PostgreSQL cannot see (two connections of one request) becomes an error, not a hang of every write.
    /// Task-local so that a test can wait less.
    @TaskLocal static var postgresLockTimeout = "30s"

    /// A write on a second handle inside a write: it would wait for the locks of the write it is part of.
    struct WriteInsideAWrite: Error, CustomStringConvertible {
        var description: String {
            "a write was opened on a second database handle inside a write; pass the transaction (`tx`) instead"
        }
    }
}

extension WriteGate {
    /// What a write carries into the transaction's own task: that task holds the gate (a write inside it is
    /// refused), speaks the request's language, chains under the key rotation's key, and runs the office checks.
    /// Not carried, as nothing inside a write reads them today: `PageAddress.current` (no page is rendered in a
    /// write) and swift-distributed-tracing's `ServiceContext`. A new task-local read inside writes belongs here.
    struct Context: Sendable {
        let checks = WriteGate.officeChecks
        let timeout = WriteGate.postgresLockTimeout
        let language = Translations.current
        let chainKey = AuditLog.keyForTask

        func run<T: Sendable>(_ body: @Sendable (any Database) async throws -> T, in tx: any Database) async throws -> T
        {
            try await WriteGate.$held.withValue(true) {
                try await Translations.$current.withValue(language) {
                    try await AuditLog.$keyForTask.withValue(chainKey) {
                        try await begin(tx)
                        try await checks?(tx)
                        return try await body(tx)
                    }
                }
            }
        }

        private func begin(_ tx: any Database) async throws {
            switch tx.sql.dialect.name {
            // A write as the first statement takes the write lock before anything is read: BEGIN IMMEDIATE.
            case "sqlite": try await tx.sql.raw("DELETE FROM audit_head WHERE 0").run()
            case "postgresql": try await tx.sql.raw("SET LOCAL lock_timeout = '\(unsafeRaw: timeout)'").run()
            default: break
            }
        }
    }
}

extension Database {
    /// Runs `body` in a write transaction — the caller's when there is one, so a write and its audit entry
    /// (`AuditLog.record(…, on: tx)`) commit together or not at all.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if inTransaction { return try await body(self) }
        // Review r14, finding 5: on another pooled connection, this write would wait for the rows and advisory
        // locks the enclosing write holds (its checks lock the viewer's row; the audit chain's lock), and that one
        // waits for this one: refused at once, on both engines, so that a test meets it before a deployment does.
        guard !WriteGate.held else { throw WriteGate.WriteInsideAWrite() }
        // Task-local values are read here: Fluent runs the transaction's closure in a task of its own, which does
        // not inherit them.
        let context = WriteGate.Context()
        let transaction = { @Sendable in try await self.transaction { tx in try await context.run(body, in: tx) } }
        if WriteGate.asAnotherInstance { return try await transaction() }
        // On PostgreSQL too, writers of one instance queue here rather than each holding a pooled connection while
        // it waits for the audit chain's advisory lock (under load they timed out waiting for a connection: 500s).
        await WriteGate.lock.acquire()
        defer { WriteGate.lock.release() }
        return try await transaction()
    }
}
