import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Issue 15.7 on both engines: the chain is keyed, a plain trail is re-chained once, `rekey` moves it to a new key.
@Suite struct AuditKeyTests {
    static func entries(_ n: Int, on db: any Database) async throws {
        for k in 1...n {
            try await AuditLog.record(
                AuditEvent(actor: "a@example.org", action: "test.event", detail: "event \(k)"),
                now: testClock.now(), on: db)
        }
    }

    /// Recomputes every hash as the unkeyed SHA-256 chain: what an old trail held, and what an attacker can compute.
    static func plainChain(from start: Int64, on db: any Database) async throws {
        var previous = AuditChain.genesis
        for row in try await AuditLog.page(after: .min, on: db) {
            var entry = row.entry
            guard row.sequence >= start else { previous = row.hash; continue }
            entry.previousHash = previous
            previous = entry.hash
            try await db.sql.update("audit_log").set("previous_hash", to: entry.previousHash).set("hash", to: previous)
                .where("sequence", .equal, row.sequence).run()
            try await AuditLog.setHead(row.sequence, previous, on: db)
        }
    }

    @Test(arguments: Engine.all)
    func aPlainRewriteIsNamedAndAnOldTrailIsRechainedOnce(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await Self.entries(6, on: app.db)
            #expect(try await AuditLog.verify(on: app.db).summary == (6, nil))
            try await app.db.sql.raw("UPDATE audit_log SET actor = 'x@example.org' WHERE sequence = 3").run()
            try await Self.plainChain(from: 3, on: app.db)
            #expect(try await AuditLog.verify(on: app.db).firstBreak == .altered(sequence: 3))

            // An old trail: every hash the plain SHA-256 of the chain. Re-chained under the key, with an entry
            // saying so.
            try await Self.plainChain(from: 1, on: app.db)
            let oldHead = try #require(try await AuditLog.head(on: app.db))
            #expect(try await AuditLog.verify(on: app.db, legacy: true).firstBreak == nil)
            // This database's key, not the process's last configured one: tests running at the same time configure
            // apps with other keys (CI: re-chained under another test's key, the trail read as broken).
            let key = try await AuditLog.chainKey(on: app.db)
            #expect(try await AuditLog.rechain(from: nil, to: key, now: testClock.now(), on: app.db) == 6)
            let after = try await AuditLog.verify(on: app.db, anchor: oldHead)
            #expect(
                after.summary == (7, nil) && after.anchorRechainedAt == 7 && after.afterAnchor == 1,
                "\(after.count) \(String(describing: after.firstBreak)) \(String(describing: after.anchorRechainedAt))")
            let last = try #require(try await AuditLog.page(after: 6, on: app.db).first)
            #expect(last.action == "audit.rechain" && last.detail.hasSuffix("was \(oldHead)"))
        }
    }

    @Test(arguments: Engine.all)
    func rekeyVerifiesUnderTheOldKeyThenChainsUnderTheNew(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await Self.entries(5, on: app.db)
            let old = try FieldCipher(keyText: testKey), new = try FieldCipher(keyText: FieldCipher.newKeyText())
            let newKey = new.derivedKey(purpose: AuditChain.keyPurpose)
            let anchor = try #require(try await AuditLog.head(on: app.db))
            #expect(try await AuditLog.rekey(from: old, to: new, now: testClock.now(), on: app.db) == 5)
            #expect(try await AuditLog.verify(on: app.db, key: newKey).summary == (6, nil))
            #expect(
                try await AuditLog.verify(on: app.db).firstBreak == .altered(sequence: 1),
                "the old key no longer verifies")
            let anchored = try await AuditLog.verify(on: app.db, key: newKey, anchor: anchor)
            #expect(anchored.firstBreak == nil && anchored.anchorRechainedAt == 6)

            // A trail broken under the old key is refused, naming the break, and left exactly as it was.
            try await app.db.sql.raw("UPDATE audit_log SET detail = 'edited' WHERE sequence = 2").run()
            let before = try await AuditLog.page(after: .min, on: app.db).map(\.hash)
            await #expect(throws: AuditLog.BrokenTrail.self) {
                try await AuditLog.rekey(from: new, to: old, now: testClock.now(), on: app.db)
            }
            #expect(try await AuditLog.page(after: .min, on: app.db).map(\.hash) == before)
        }
    }
}
