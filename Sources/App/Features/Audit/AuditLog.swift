import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import SQLKit
import Vapor

/// Something to write down: who did what to which record.
struct AuditEvent: Sendable {
    var actor: String
    var action: String
    var recordType: String = ""
    var recordID: String = ""
    var detail: String = ""
    var address: String = ""
}

/// The append-only audit trail, a keyed hash chain: each entry holds the HMAC-SHA256 (under
/// `cipher.derivedKey(purpose: "audit-chain")`, outside the database) of its fields and of the entry before.
///
/// An entry is appended in the caller's write transaction when there is one (`db.write`), so a write and its
/// entry commit together; alone, it opens its own. Appends are serialised by the write gate on SQLite and by a
/// transaction-scoped advisory lock on PostgreSQL (several instances), so each entry links to the one before.
enum AuditLog {
    /// The chain keys this process knows, by the fingerprint of the field key they derive from (`configure` adds
    /// the configured key; one in production, several in a test process running apps side by side), and the last
    /// one added, for a database that records no fingerprint yet.
    private static let keys = NIOLockedValueBox<(byFingerprint: [String: SymmetricKey], last: SymmetricKey?)>(
        ([:], nil))

    static func use(_ cipher: FieldCipher) {
        let key = cipher.derivedKey(purpose: AuditChain.keyPurpose)
        keys.withLockedValue {
            $0.byFingerprint[cipher.fingerprint] = key; $0.last = key
        }
    }

    /// The chain key for the work of one task (key rotation, once the trail is re-chained under the new key).
    @TaskLocal static var keyForTask: SymmetricKey?

    /// The chain key of the process's most recently configured key.
    static var chainKey: SymmetricKey {
        get throws {
            if let keyForTask { return keyForTask }
            guard let key = keys.withLockedValue({ $0.last }) else {
                throw Abort(.internalServerError, reason: "audit key not set")
            }
            return key
        }
    }

    /// The chain key of the key this database is sealed under (its fingerprint in `site_key`).
    static func chainKey(on db: any Database) async throws -> SymmetricKey {
        if let keyForTask { return keyForTask }
        struct Row: Decodable { let fingerprint: String }
        // (A failed statement would end a PostgreSQL transaction: look for the table first.)
        let recorded =
            try await SealedStorage.tableExists("site_key", on: db)
            ? try await db.sql.raw("SELECT fingerprint FROM site_key WHERE id = 1").first(decoding: Row.self) : nil
        if let fingerprint = recorded?.fingerprint, let key = keys.withLockedValue({ $0.byFingerprint[fingerprint] }) {
            return key
        }
        return try chainKey
    }

    static func record(_ event: AuditEvent, now: Date, on db: any Database) async throws {
        try await db.write { tx in try await append(event, now: now, key: try await chainKey(on: tx), on: tx) }
    }

    struct Head: Decodable { let sequence: Int64; let hash: String }

    /// Appends one entry; `db` is inside a write transaction.
    static func append(_ event: AuditEvent, now: Date, key: SymmetricKey?, on db: any Database) async throws {
        let sql = db.sql
        if sql.dialect.name == "postgresql" { try await sql.raw("SELECT pg_advisory_xact_lock(74052001)").run() }
        let head = try await sql.raw("SELECT sequence, hash FROM audit_head WHERE id = 1").first(decoding: Head.self)
        let entry = AuditEntry(
            sequence: (head?.sequence ?? 0) + 1,
            at: iso8601(seconds: Int64(now.timeIntervalSince1970)),
            actor: String(event.actor.prefix(254)), action: event.action,
            recordType: event.recordType,
            recordID: String(event.recordID.prefix(200)),
            detail: String(event.detail.prefix(500)),
            address: event.address, previousHash: head?.hash ?? AuditChain.genesis)
        let hash = entry.hash(key: key)
        try await sql.insert(into: "audit_log")
            .columns(
                "sequence", "at", "actor", "action", "record_type", "record_id", "detail", "address",
                "previous_hash", "hash"
            )
            .values(
                entry.sequence, entry.at, entry.actor, entry.action, entry.recordType, entry.recordID, entry.detail,
                entry.address, entry.previousHash, hash
            )
            .run()
        try await setHead(entry.sequence, hash, on: db)
    }

    static func setHead(_ sequence: Int64, _ hash: String, on db: any Database) async throws {
        try await db.sql.insert(into: "audit_head").columns("id", "sequence", "hash").values(1, sequence, hash)
            .onConflict(with: ["id"]) { $0.set(excludedValueOf: "sequence").set(excludedValueOf: "hash") }.run()
    }

    struct Row: Decodable {
        let sequence: Int64, at: String, actor: String, action: String, recordType: String, recordId: String
        let detail: String, address: String, previousHash: String, hash: String
        var entry: AuditEntry {
            AuditEntry(
                sequence: sequence, at: at, actor: actor, action: action, recordType: recordType, recordID: recordId,
                detail: detail, address: address, previousHash: previousHash)
        }
    }

    static let columns = "sequence, at, actor, action, record_type, record_id, detail, address, previous_hash, hash"

    /// The last entry written, as recorded apart from the trail (nil before the first entry).
    static func head(on db: any Database) async throws -> Anchor? {
        try await db.sql.raw("SELECT sequence, hash FROM audit_head WHERE id = 1").first(decoding: Head.self)
            .map { Anchor(sequence: $0.sequence, hash: $0.hash) }
    }

    /// The result of walking the trail.
    struct Verification: Sendable {
        var count: Int
        var firstBreak: AuditChain.Break?
        /// The last entry read.
        var last: Anchor?
        /// How many entries follow the anchor, when one was given.
        var afterAnchor: Int
        /// The anchor was the head when the trail was re-chained (a new key), recorded by this `audit.rechain` entry.
        var anchorRechainedAt: Int64? = nil
        var summary: (count: Int, firstBreak: AuditChain.Break?) { (count, firstBreak) }
    }

    /// Walks the whole trail in order under this process's key (or `key`; nil: the legacy SHA-256 chain);
    /// with an anchor, also proves the entry at it still holds the anchored hash.
    static func verify(
        on db: any Database, key: SymmetricKey? = nil, legacy: Bool = false,
        anchor: Anchor? = nil
    ) async throws -> Verification {
        // An anchor taken before a re-chaining is the head that re-chaining recorded (after verifying it).
        var rechainedAt: Int64? = nil
        if let anchor {
            struct Found: Decodable { let sequence: Int64 }
            rechainedAt = try await db.sql.raw(
                """
                SELECT sequence FROM audit_log WHERE action = 'audit.rechain' AND detail LIKE \(bind: "% was \(anchor)")
                AND sequence > \(bind: anchor.sequence) ORDER BY sequence LIMIT 1
                """
            ).first(decoding: Found.self)?.sequence
        }
        var chain: SymmetricKey? = nil
        if !legacy { chain = if let key { key } else { try await chainKey(on: db) } }
        var verifier = AuditChain.Verifier(
            key: chain,
            anchor: rechainedAt == nil ? anchor : nil)
        var after: Int64 = Int64.min, afterAnchor = 0
        while true {
            let rows = try await page(after: after, on: db)
            for row in rows {
                verifier.check(row.entry, storedHash: row.hash)
                if let anchor, row.sequence > anchor.sequence { afterAnchor += 1 }
            }
            guard let last = rows.last else { break }
            after = last.sequence
        }
        let head = try await self.head(on: db)
        let broken = verifier.finish(expectedHead: head.map { ($0.sequence, $0.hash) })
        return Verification(
            count: verifier.count, firstBreak: broken,
            last: verifier.lastSequence.map { Anchor(sequence: $0, hash: verifier.lastHash) },
            afterAnchor: afterAnchor, anchorRechainedAt: rechainedAt)
    }

    static func page(after: Int64, limit: Int = 1000, on db: any Database) async throws -> [Row] {
        try await db.rows(
            """
            SELECT \(unsafeRaw: columns) FROM audit_log WHERE sequence > \(bind: after) ORDER BY sequence \
            LIMIT \(unsafeRaw: String(limit))
            """, as: Row.self
        )
    }

    /// Re-chains the whole trail from one key to another (nil: the legacy SHA-256 chain), in one write transaction:
    /// first verifies every entry under the old key — a broken trail is refused, naming the break, and nothing is
    /// changed — then recomputes every hash under the new key, and appends an `audit.rechain` entry naming the head
    /// under the old key, so an anchor taken before still means something. `key rotate` calls it.
    @discardableResult
    static func rekey(
        from old: FieldCipher, to new: FieldCipher, now: Date = Date(),
        on db: any Database
    ) async throws -> Int {
        try await rechain(
            from: old.derivedKey(purpose: AuditChain.keyPurpose),
            to: new.derivedKey(purpose: AuditChain.keyPurpose),
            now: now, on: db)
    }

    struct BrokenTrail: Error, CustomStringConvertible {
        let broken: AuditChain.Break, count: Int
        var description: String {
            "The audit trail is broken: \(broken.description) (\(count) entries read); it was not re-chained. "
                + "Run `observatory audit verify` and keep a copy of the database for inquiry."
        }
    }

    @discardableResult
    static func rechain(
        from old: SymmetricKey?, to new: SymmetricKey?, now: Date,
        on db: any Database
    ) async throws -> Int {
        try await db.write { tx in
            if tx.sql.dialect.name == "postgresql" {
                try await tx.sql.raw("SELECT pg_advisory_xact_lock(74052001)").run()
            }
            let checked = try await verify(on: tx, key: old, legacy: old == nil)
            if let broken = checked.firstBreak { throw BrokenTrail(broken: broken, count: checked.count) }
            var previous = AuditChain.genesis, after = Int64.min, count = 0
            while true {
                let rows = try await page(after: after, limit: 500, on: tx)
                for row in rows {
                    var entry = row.entry
                    entry.previousHash = previous
                    previous = entry.hash(key: new)
                    try await tx.sql.update("audit_log").set("previous_hash", to: entry.previousHash)
                        .set("hash", to: previous)
                        .where("sequence", .equal, row.sequence).run()
                    count += 1
                }
                guard let last = rows.last else { break }
                after = last.sequence
            }
            guard let oldHead = checked.last else { return 0 }
            try await setHead(oldHead.sequence, previous, on: tx)
            let scheme = old == nil ? "the unkeyed SHA-256 chain" : "the previous key"
            guard new != nil else { return count }  // back to the legacy chain (reverting migration 026): no entry
            try await append(
                AuditEvent(
                    actor: "system", action: "audit.rechain", recordType: "audit", recordID: "",
                    detail: "\(count) entries re-chained; head under \(scheme) was \(oldHead)"),
                now: now, key: new, on: tx)
            return count
        }
    }
}
