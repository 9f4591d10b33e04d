import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import SQLKit

/// Something to write down: who did what to which record.
struct AuditEvent: Sendable {
    var actor: String
    var action: String
    var recordType: String = ""
    var recordID: String = ""
    var detail: String = ""
    var address: String = ""
}

/// The append-only audit trail. Appends are serialised (an in-process lock, plus an advisory lock on
/// PostgreSQL for several instances) so each entry links to the one before it.
enum AuditLog {
    static let lock = AsyncLock()

    static func record(_ event: AuditEvent, now: Date, on db: any Database) async throws {
        await lock.acquire()
        defer { lock.release() }
        try await db.transaction { tx in
            let sql = tx.sql
            if sql.dialect.name == "postgresql" { try await sql.raw("SELECT pg_advisory_xact_lock(74052001)").run() }
            struct Head: Decodable { let sequence: Int64; let hash: String }
            let head = try await sql.raw("SELECT sequence, hash FROM audit_head WHERE id = 1").first(decoding: Head.self)
            let entry = AuditEntry(sequence: (head?.sequence ?? 0) + 1, at: iso8601(seconds: Int64(now.timeIntervalSince1970)),
                                   actor: String(event.actor.prefix(254)), action: event.action, recordType: event.recordType,
                                   recordID: String(event.recordID.prefix(200)), detail: String(event.detail.prefix(500)),
                                   address: event.address, previousHash: head?.hash ?? AuditChain.genesis)
            let hash = entry.hash
            try await sql.insert(into: "audit_log")
                .columns("sequence", "at", "actor", "action", "record_type", "record_id", "detail", "address", "previous_hash", "hash")
                .values(entry.sequence, entry.at, entry.actor, entry.action, entry.recordType, entry.recordID, entry.detail,
                        entry.address, entry.previousHash, hash)
                .run()
            try await sql.insert(into: "audit_head").columns("id", "sequence", "hash").values(1, entry.sequence, hash)
                .onConflict(with: ["id"]) { $0.set(excludedValueOf: "sequence").set(excludedValueOf: "hash") }.run()
        }
    }

    struct Row: Decodable {
        let sequence: Int64, at: String, actor: String, action: String, recordType: String, recordId: String
        let detail: String, address: String, previousHash: String, hash: String
        var entry: AuditEntry {
            AuditEntry(sequence: sequence, at: at, actor: actor, action: action, recordType: recordType, recordID: recordId,
                       detail: detail, address: address, previousHash: previousHash)
        }
    }

    static let columns = "sequence, at, actor, action, record_type, record_id, detail, address, previous_hash, hash"

    /// Walks the whole trail in order; returns the number of entries and the first break, if any.
    static func verify(on db: any Database) async throws -> (count: Int, firstBreak: AuditChain.Break?) {
        var verifier = AuditChain.Verifier()
        var after: Int64 = Int64.min
        while true {
            let rows = try await db.sql.raw("""
                SELECT \(unsafeRaw: columns) FROM audit_log WHERE sequence > \(bind: after) ORDER BY sequence LIMIT 1000
                """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            for row in rows { verifier.check(row.entry, storedHash: row.hash) }
            guard let last = rows.last else { break }
            after = last.sequence
        }
        struct Head: Decodable { let sequence: Int64; let hash: String }
        let head = try await db.sql.raw("SELECT sequence, hash FROM audit_head WHERE id = 1").first(decoding: Head.self)
        let broken = verifier.finish(expectedHead: head.map { ($0.sequence, $0.hash) })
        return (verifier.count, broken)
    }
}

/// A lock that async code can wait on without blocking a thread.
final class AsyncLock: Sendable {
    private struct State { var locked = false; var waiters: [CheckedContinuation<Void, Never>] = [] }
    private let state = NIOLockedValueBox(State())

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLockedValue { state -> Bool in
                if state.locked { state.waiters.append(continuation); return false }
                state.locked = true
                return true
            }
            if resumeNow { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty { state.locked = false; return nil }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
