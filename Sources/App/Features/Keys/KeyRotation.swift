import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Re-keys the database: every registered sealed column is sealed again under the new key, every lookup hash is
/// recomputed, then the recorded fingerprint becomes the new key's. Progress lives in `key_rotation`: each step
/// is idempotent and marked done when it ends, so a rotation that was interrupted resumes by running it again
/// with the same new key. While it is unfinished the server refuses to start. Audited at start and end.
enum KeyRotation {
    struct Pending: Sendable { let newFingerprint: String; let stepsDone: [String] }

    /// One step of a rotation. Steps run in order; each must be safe to run again after an interruption.
    struct Step: Sendable {
        let name: String
        let run:
            @Sendable (
                _ old: FieldCipher, _ new: FieldCipher, _ db: any Database,
                _ progress: @Sendable (String) throws -> Void
            ) async throws -> Void
    }

    /// The steps, in order. Another keyed store (the audit chain's HMAC) adds its step here, before `finish`.
    static let steps: [Step] = [
        Step(name: "reseal") { old, new, db, progress in
            for column in SealedColumn.all {
                let count = try await SealedStorage.rewrite(column, on: db) { value, row in
                    if new.opens(value, in: column, row: row) { return nil }
                    do {
                        return new.sealValue(try old.openAny(value, in: column, row: row), in: column, row: row)
                    } catch { throw KeyGuard.Refusal.keyDoesNotOpen(column: "\(column)") }
                }
                try progress("sealed again under the new key: \(count) value(s) of \(column)")
            }
        },
        Step(name: "lookup-hashes") { _, new, db, progress in
            for lookup in LookupColumn.all {
                let count = try await SealedStorage.rewrite(lookup.source, into: lookup.hashColumn, on: db) {
                    value, row in
                    guard case .text(let sealed) = value else { return nil }
                    let clear = try new.open(sealed, in: lookup.source, row: row).reveal()
                    return .text(new.lookupHash(clear, context: lookup.context))
                }
                try progress("lookup hashes recomputed: \(count) in \(lookup.table).\(lookup.hashColumn)")
            }
        },
        Step(name: "audit-chain") { old, new, db, progress in
            let newChainKey = new.derivedKey(purpose: AuditChain.keyPurpose)
            if try await AuditLog.verify(on: db, key: newChainKey).firstBreak == nil {
                try progress("audit trail already chained under the new key")  // an interrupted run got this far
            } else {
                let count = try await AuditLog.rekey(from: old, to: new, on: db)
                try progress("audit trail verified and re-chained under the new key: \(count) entries")
            }
        }
    ]

    enum Outcome: Equatable { case rotated, alreadyDone }

    struct Refused: Error, CustomStringConvertible { let description: String }

    static func pending(on db: any Database) async throws -> Pending? {
        guard try await SealedStorage.tableExists("key_rotation", on: db) else { return nil }
        struct Row: Decodable { let newFingerprint: String; let stepsDone: String }
        guard
            let row = try await db.row(
                "SELECT new_fingerprint, steps_done FROM key_rotation WHERE id = 1", as: Row.self)
        else { return nil }
        return Pending(
            newFingerprint: row.newFingerprint, stepsDone: row.stepsDone.split(separator: ",").map(String.init))
    }

    /// Rotates from `old` (the configured key) to `new`, or resumes an interrupted rotation to `new`.
    static func rotate(
        from old: FieldCipher, to new: FieldCipher, by actor: String, now: Date, on db: any Database,
        progress: @Sendable (String) throws -> Void = { _ in }
    ) async throws -> Outcome {
        guard old.fingerprint != new.fingerprint else {
            throw Refused(
                description: "the new key is the key in use (fingerprint \(new.fingerprint)): "
                    + "make a new one with `observatory key new > FILE`")
        }
        let recorded = try await KeyGuard.recorded(on: db)
        var done: [String] = []
        if let pending = try await pending(on: db) {
            guard pending.newFingerprint == new.fingerprint else {
                throw Refused(
                    description: "a rotation to another key (fingerprint \(pending.newFingerprint)) is "
                        + "unfinished: run this again with that key file to finish it first")
            }
            done = pending.stepsDone
            try progress("resuming the rotation to the key \(new.fingerprint) (done: \(done.joined(separator: ", ")))")
        } else {
            if recorded == new.fingerprint { return .alreadyDone }
            try await KeyGuard.verify(old, source: "the configured key", on: db)
            try await db.write { tx in
                try await tx.sql.insert(into: "key_rotation").columns(
                    "id", "new_fingerprint", "steps_done",
                    "started_at"
                )
                .values(1, new.fingerprint, "", now.seconds).run()
                try await AuditLog.record(
                    AuditEvent(
                        actor: actor, action: "key.rotate.start", recordType: "site_key",
                        recordID: "1",
                        detail: "from \(old.fingerprint) to \(new.fingerprint)"),
                    now: now, on: tx)
            }
        }
        for step in steps where !done.contains(step.name) {
            // Once the trail is re-chained, entries continue it under the new key (for this task only).
            let chainKey = (done.contains("audit-chain") ? new : old).derivedKey(purpose: AuditChain.keyPurpose)
            try await AuditLog.$keyForTask.withValue(chainKey) { try await step.run(old, new, db, progress) }
            done.append(step.name)
            try await db.sql.update("key_rotation").set("steps_done", to: done.joined(separator: ","))
                .where("id", .equal, 1).run()
            try progress("step done: \(step.name)")
        }
        try await AuditLog.$keyForTask.withValue(new.derivedKey(purpose: AuditChain.keyPurpose)) {
            try await db.write { tx in
                try await tx.sql.raw("DELETE FROM site_key").run()
                try await KeyGuard.record(new, now: now, on: tx)
                try await tx.sql.raw("DELETE FROM key_rotation").run()
                try await AuditLog.record(
                    AuditEvent(
                        actor: actor, action: "key.rotate", recordType: "site_key",
                        recordID: "1",
                        detail: "from \(old.fingerprint) to \(new.fingerprint)"),
                    now: now, on: tx)
            }
        }
        return .rotated
    }
}
