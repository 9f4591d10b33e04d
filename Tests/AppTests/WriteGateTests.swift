import Fluent
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Review r14, finding 5: a write must not wait on itself. A write opened on a second handle inside a write is
/// refused at once, and on PostgreSQL a write that waits for a lock longer than `lock_timeout` fails instead of
/// stopping every write of the instance behind it.
///
/// The time limits only stop a regression from hanging the run: Swift Testing starts every test of the suite at
/// once, so on CI's two cores a test that takes a second alone can take minutes of wall time (a limit of one minute
/// failed all three tests there, none of them waiting on a lock).
@Suite struct WriteGateTests {
    static func entries(_ app: Application) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log").first()?.decode(column: "n", as: Int.self) ?? -1
    }

    static func entry(_ action: String) -> AuditEvent {
        AuditEvent(actor: "officer@example.org", action: action, recordType: "test", recordID: action)
    }

    @Test(.timeLimit(.minutes(15)), arguments: Engine.all)
    func aWriteOnASecondHandleInsideAWriteIsRefusedAndNothingIsStored(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let before = try await Self.entries(app)
            let db = app.db
            // act
            let outcome: Result<Void, any Error> = await Result {
                try await db.write { tx in
                    try await AuditLog.record(Self.entry("outer"), now: testClock.now(), on: tx)
                    try await AuditLog.record(Self.entry("inner"), now: testClock.now(), on: db)
                }
            }
            // assert
            guard case .failure(let error) = outcome else {
                Issue.record("the write inside the write was let through")
                return
            }
            #expect(error is WriteGate.WriteInsideAWrite, "\(error)")
            #expect(try await Self.entries(app) == before, "the outer write is rolled back")
            // A write on the transaction itself is still one write.
            try await db.write { tx in
                try await AuditLog.record(Self.entry("outer"), now: testClock.now(), on: tx)
                try await AuditLog.record(Self.entry("inner"), now: testClock.now(), on: tx)
            }
            #expect(try await Self.entries(app) == before + 2)
        }
    }

    /// Another connection holds a row the write needs (as the enclosing write would, were a write to wait on its
    /// own second connection): the write fails after the lock timeout, long before the holder lets go. The lock is
    /// on a row of this test's own schema, and the write skips the in-process gate, so no other test waits on it.
    @Test(.timeLimit(.minutes(15))) func onPostgreSQLAWriteWaitingForALockFailsAfterTheLockTimeout() async throws {
        guard Engine.all.contains(.postgres) else { return }
        try await withApp(.postgres) { app in
            // setup
            _ = try await StaffAlertTests.person("held@example.org", [.editor], app)
            let id = try #require(try await AccountStore.find(email: "held@example.org", on: app.db)).id
            let (ready, readyNow) = AsyncStream<Void>.makeStream()
            let (release, releaseNow) = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await app.db.transaction { tx in
                    _ = try await AccountStore.lock([id], on: tx)
                    readyNow.yield()
                    for await _ in release { break }
                }
            }
            var readies = ready.makeAsyncIterator()
            await readies.next()
            // The holder lets go after 60 s whatever happens, so that a missing timeout fails the test, not hangs it.
            let deadline = Task {
                try? await Task.sleep(for: .seconds(60))
                releaseNow.yield()
            }
            let db = app.db
            let disable: @Sendable () async throws -> Void = {
                try await db.write { tx in
                    try await tx.sql.raw("UPDATE users SET disabled = \(bind: true) WHERE id = \(bind: id)").run()
                }
            }
            // act
            let started = ContinuousClock.now
            let outcome: Result<Void, any Error> = await WriteGate.$asAnotherInstance.withValue(true) {
                await WriteGate.$postgresLockTimeout.withValue("300ms") { await Result { try await disable() } }
            }
            let waited = ContinuousClock.now - started
            releaseNow.yield()
            try await holder.value
            deadline.cancel()
            // assert
            let disabled = try await AccountStore.find(id: id, on: db)?.disabled
            guard case .failure(let error) = outcome else {
                Issue.record("the write waited \(waited) for the lock and was stored")
                return
            }
            let told = "\(SafeError.told(error))"
            #expect(told.contains("PostgreSQL 55P03"), "lock_not_available: \(told)")
            #expect(waited < .seconds(30), "\(waited), against 60 s without a timeout")
            // Answered 503 "cannot save right now, try again", not 500 (review r15, finding 3).
            #expect(StorageUnavailable.of(error) != nil, "a lock timeout is a storage that cannot save right now")
            #expect(disabled == false)
            // Once the row is free, the same write goes through.
            try await disable()
            #expect(try await AccountStore.find(id: id, on: db)?.disabled == true)
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
