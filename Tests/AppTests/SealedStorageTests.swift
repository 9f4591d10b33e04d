import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Sealed values bound to their row (migration 025), the key guarded at start-up, and key rotation.
extension FieldCipher {
    static func random() -> FieldCipher { try! FieldCipher(keyText: FieldCipher.newKeyText()) }
}

@Suite struct SealedStorageTests {
    /// A case with a value in every one of its sealed columns, and a subscriber.
    static func seed(_ app: Application, cipher: FieldCipher) async throws -> String {
        let upload = Upload(filename: "Qz7file.txt", contentType: "text/plain", data: Array("Qz7content".utf8))
        let id = try await CaseStore.open(
            NewCase(
                country: "MX", label: "Qz7label", notes: "Qz7notes",
                person: NewPerson(
                    kind: .defender, name: "Qz7Nadia", consents: false, description: "Qz7description",
                    contact: "Qz7contact"),
                act: NewAct(
                    type: .other, occurredOn: "2026-05-02", place: "Qz7place", perpetrator: .unidentified,
                    detail: "Qz7detail"),
                source: NewSource(description: "Qz7source", contact: "Qz7sourcecontact"), message: "Qz7message",
                attachments: [upload]), by: "officer@example.org", now: testClock.now(), cipher: cipher, on: app.db)
        try await CaseRecords.addPerson(
            NewPerson(
                kind: .defender, name: "Qz7Ilya", consents: true, description: "Qz7lawyer",
                contact: "Qz7other"), by: "officer@example.org", to: id,
            now: testClock.now(), cipher: cipher, on: app.db)
        _ = try await SubscriberStore.request(
            email: "Qz7reader@example.org", preferences: SubscriptionPreferences(languages: [.en], scope: .all),
            now: testClock.now(), cipher: cipher, on: app.db)
        return id
    }

    /// Every stored value of every registered column, with its row.
    static func stored(_ app: Application) async throws -> [(SealedColumn, String, SealedStorage.Value)] {
        var all: [(SealedColumn, String, SealedStorage.Value)] = []
        for column in SealedColumn.all {
            let found = NIOLockedValueBox<[(String, SealedStorage.Value)]>([])
            try await SealedStorage.rewrite(column, on: app.db) { value, row in
                found.withLockedValue { $0.append((row, value)) }
                return nil
            }
            all += found.withLockedValue { $0 }.map { (column, $0.0, $0.1) }
        }
        return all
    }

    static func expectAllOpen(
        _ app: Application, under cipher: FieldCipher, notUnder old: FieldCipher? = nil
    ) async throws {
        let values = try await stored(app)
        #expect(values.count >= 15, "values stored: \(values.count)")
        for (column, row, value) in values {
            #expect(cipher.opens(value, in: column, row: row), "\(column) of \(row) opens under the key")
            if let old {
                #expect(!old.opens(value, in: column, row: row), "\(column) of \(row) is no longer under the old key")
            }
            if case .text(let text) = value {
                #expect(text.hasPrefix("v2:") && !text.contains("Qz7"), "\(column) is v2")
            }
        }
    }

    static func expectCaseReads(_ id: String, _ cipher: FieldCipher, _ app: Application) async throws {
        let file = try #require(try await CaseStore.find(id, cipher: cipher, on: app.db))
        #expect(file.label.reveal() == "Qz7label" && file.notes.reveal() == "Qz7notes")
        #expect(file.people.map { $0.name.reveal() } == ["Qz7Nadia", "Qz7Ilya"])
        #expect(
            file.people.first?.publicDescription == "Qz7description"
                && file.people.first?.contact.reveal() == "Qz7contact")
        #expect(
            file.acts.first?.place.reveal() == "Qz7place" && file.acts.first?.perpetratorDetail.reveal() == "Qz7detail")
        #expect(file.acts.first?.occurredOn == "2026-05-02")
        #expect(
            file.sources.first?.description.reveal() == "Qz7source"
                && file.messages.first?.body.reveal() == "Qz7message")
        let attachment = try #require(file.attachments.first)
        let upload = try await CaseRecords.attachment(attachment.id, case: id, cipher: cipher, on: app.db)
        #expect(upload?.filename == "Qz7file.txt" && upload?.data == Array("Qz7content".utf8))
    }

    @Test(arguments: Engine.all)
    func migration025BindsOldValuesToTheirRowAndSwappedValuesAreRefused(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: the values as the code before 025 stored them (v1 under "table.column", some columns clear).
            let cipher = app.site.cipher
            let id = try await Self.seed(app, cipher: cipher)
            try await SealBoundToRow(cipher: cipher).revert(on: app.db)
            struct Row: Decodable { let place: String; let nameSealed: String }
            let old = try #require(
                try await app.db.sql.raw("SELECT p.name_sealed, a.place FROM case_people p, case_acts a")
                    .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase))
            #expect(
                old.place == "Qz7place" && old.nameSealed.hasPrefix("v1:"),
                "the old storage: \(old.nameSealed.prefix(3))")
            // An interrupted run left one column bound to its row already, the others not.
            try await SealedStorage.rewrite(.personName, on: app.db) { value, row in
                cipher.sealValue(try cipher.openAny(value, in: .personName, row: row), in: .personName, row: row)
            }
            // act: the migration, run twice (an interrupted run is run again)
            try await SealBoundToRow(cipher: cipher).prepare(on: app.db)
            let before = try await Self.stored(app).map { "\($0.2)" }
            try await SealBoundToRow(cipher: cipher).prepare(on: app.db)
            // assert: nothing v1 or clear is left, each value opens, and a second run changes nothing
            try await Self.expectAllOpen(app, under: cipher)
            #expect(try await Self.stored(app).map { "\($0.2)" } == before, "a second run rewrites nothing")
            try await Self.expectCaseReads(id, cipher, app)
            #expect(try await KeyGuard.recorded(on: app.db) == cipher.fingerprint)
            // A sealed value copied to another row, or to another column of its row, does not open.
            struct People: Decodable { let id: String; let nameSealed: String }
            let people = try await app.db.sql.raw("SELECT id, name_sealed FROM case_people ORDER BY position")
                .all(decoding: People.self, keyDecodingStrategy: .convertFromSnakeCase)
            try await app.db.sql.update("case_people").set("name_sealed", to: people[1].nameSealed)
                .where("id", .equal, people[0].id).run()
            try await app.db.sql.update("case_people").set("name_sealed", to: people[0].nameSealed)
                .where("id", .equal, people[1].id).run()
            await #expect(throws: FieldCipher.Failure.self) {
                _ = try await CaseStore.find(id, cipher: cipher, on: app.db)
            }
            try await app.db.sql.update("case_people").set("name_sealed", to: people[0].nameSealed)
                .where("id", .equal, people[0].id).run()
            try await app.db.sql.update("case_people").set("name_sealed", to: people[1].nameSealed)
                .where("id", .equal, people[1].id).run()
            try await Self.expectCaseReads(id, cipher, app)
            try await app.db.sql.raw("UPDATE case_people SET contact_sealed = name_sealed").run()
            await #expect(throws: FieldCipher.Failure.self) {
                _ = try await CaseStore.find(id, cipher: cipher, on: app.db)
            }
        }
    }

    struct Interrupted: Error {}

    @Test(arguments: Engine.all)
    func keyRotationResumesAfterAnInterruptionAndRecomputesLookups(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let old = app.site.cipher, new = FieldCipher.random()
            let id = try await Self.seed(app, cipher: old)
            // act: interrupted after the first columns
            let calls = NIOLockedValueBox(0)
            await #expect(throws: Interrupted.self) {
                _ = try await KeyRotation.rotate(from: old, to: new, by: "system", now: testClock.now(), on: app.db) {
                    _ in
                    if calls.withLockedValue({
                        $0 += 1; return $0
                    }) == 3 {
                        throw Interrupted()
                    }
                }
            }
            // assert: half done, the server refuses to start, another key is refused
            let mixed = try await Self.stored(app)
            #expect(
                mixed.contains { new.opens($0.2, in: $0.0, row: $0.1) }
                    && mixed.contains { old.opens($0.2, in: $0.0, row: $0.1) })
            await #expect(throws: KeyGuard.Refusal.self) { try await KeyGuard.verify(old, source: "test", on: app.db) }
            await #expect(throws: KeyGuard.Refusal.self) { try await KeyGuard.verify(new, source: "test", on: app.db) }
            await #expect(throws: KeyRotation.Refused.self) {
                _ = try await KeyRotation.rotate(
                    from: old, to: FieldCipher.random(), by: "system",
                    now: testClock.now(), on: app.db)
            }
            // act: run again
            #expect(
                try await KeyRotation.rotate(from: old, to: new, by: "system", now: testClock.now(), on: app.db)
                    == .rotated)
            // assert: everything under the new key, nothing under the old; lookups and fingerprint follow
            try await Self.expectAllOpen(app, under: new, notUnder: old)
            try await Self.expectCaseReads(id, new, app)
            #expect(try await KeyGuard.recorded(on: app.db) == new.fingerprint)
            try await KeyGuard.verify(new, source: "test", on: app.db)
            await #expect(throws: KeyGuard.Refusal.self) { try await KeyGuard.verify(old, source: "test", on: app.db) }
            struct Count: Decodable { let n: Int }
            let known = try await app.db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM subscribers WHERE email_hash = \
                \(bind: SubscriberStore.emailHash("qz7reader@example.org", new))
                """
            ).first(decoding: Count.self)?.n
            #expect(known == 1, "the subscriber is found by the hash under the new key")
            let audited = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('key.rotate.start', 'key.rotate')"
            )
            .first(decoding: Count.self)?.n
            #expect(audited == 2, "start and end of the rotation are audited")
            // The whole trail, the rotation's own last entry included, chains under the new key (review r15,
            // finding 1: on PostgreSQL the key of the rotation was lost inside the write's transaction).
            let chain = try await AuditLog.verify(on: app.db, key: new.derivedKey(purpose: AuditChain.keyPurpose))
            #expect(chain.firstBreak == nil, "\(String(describing: chain.firstBreak))")
            #expect(
                try await KeyRotation.rotate(
                    from: FieldCipher.random(), to: new, by: "system",
                    now: testClock.now(), on: app.db) == .alreadyDone)
        }
    }

    /// Starts an app on `config` (migrated), runs `body`, shuts it down.
    static func started(_ config: AppConfig, _ body: (Application) async throws -> Void = { _ in }) async throws {
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config, clock: testClock)
            app.buildResponderOnce()
            try await app.autoMigrate()
            try await body(app)
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test func withSQLiteAKeyIsMadeOnlyForADatabaseWithNothingSealed() async throws {
        let path = NSTemporaryDirectory() + "observatory-key-\(UUID().uuidString).sqlite"
        defer {
            for suffix in ["", "-wal", "-shm", ".key"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        var config = AppConfig(storage: .sqlite(path: path), demo: false, pageCache: false, changePollSeconds: 0)
        config.passwordCost = 4
        // setup: first start makes the key; a case is sealed under it
        var id = ""
        try await Self.started(config) { app in id = try await Self.seed(app, cipher: app.site.cipher) }
        let key = try #require(FileManager.default.contents(atPath: path + ".key"))
        // act + assert: without its key (a restore of the database alone), start-up is refused and no key is made
        try FileManager.default.removeItem(atPath: path + ".key")
        await #expect { try await Self.started(config) } throws: { error in
            guard case KeyGuard.Refusal.keyMissing = error else { return false }
            return "\(error)".contains(path + ".key") && "\(error)".contains("OBSERVATORY_KEY_FILE")
                && "\(error)".contains("backup")
        }
        #expect(!FileManager.default.fileExists(atPath: path + ".key"), "no new key was made")
        // Another key (a file, or the variable) is refused too, naming where it came from.
        FileManager.default.createFile(atPath: path + ".key", contents: Data(FieldCipher.newKeyText().utf8))
        await #expect { try await Self.started(config) } throws: { error in
            guard case KeyGuard.Refusal.keyDiffers = error else { return false }
            return "\(error)".contains("OBSERVATORY_KEY_FILE")
        }
        var other = config
        other.key = .text(FieldCipher.newKeyText())
        await #expect(throws: KeyGuard.Refusal.self) { try await Self.started(other) }
        // The right key opens everything again.
        FileManager.default.createFile(atPath: path + ".key", contents: key)
        try await Self.started(config) { app in try await Self.expectCaseReads(id, app.site.cipher, app) }
    }

    @Test func aDatabaseSealedBeforeTheFingerprintWasRecordedRefusesAnotherKey() async throws {
        let path = NSTemporaryDirectory() + "observatory-key-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var config = AppConfig(storage: .sqlite(path: path), demo: false, pageCache: false, changePollSeconds: 0)
        config.key = .text(testKey)
        // setup: sealed data, then the state before migration 025 (no fingerprint, v1 values)
        try await Self.started(config) { app in
            _ = try await Self.seed(app, cipher: app.site.cipher)
            try await SealBoundToRow(cipher: app.site.cipher).revert(on: app.db)
            try await app.db.sql.raw("DELETE FROM _fluent_migrations WHERE name LIKE '%SealBoundToRow%'").run()
        }
        var other = config
        other.key = .text(FieldCipher.newKeyText())
        // assert: another key is refused before anything is written; the right one migrates
        await #expect(throws: KeyGuard.Refusal.self) { try await Self.started(other) }
        try await Self.started(config) { app in try await Self.expectAllOpen(app, under: app.site.cipher) }
    }

    @Test func onPostgreSQLAnotherKeyIsRefused() async throws {
        guard let url = Engine.postgresURL else { return }
        try await withApp(.postgres) { app in
            _ = try await Self.seed(app, cipher: app.site.cipher)
            struct Schema: Decodable { let name: String }
            let schema = try #require(
                try await app.db.sql.raw("SELECT current_schema() AS name").first(decoding: Schema.self))
            var config = AppConfig(
                storage: .postgres(url: url, searchPath: schema.name), demo: false, pageCache: false,
                changePollSeconds: 0)
            config.key = .text(FieldCipher.newKeyText())
            await #expect(throws: KeyGuard.Refusal.self) { try await Self.started(config) }
            config.key = .text(testKey)
            try await Self.started(config)
        }
    }
}
