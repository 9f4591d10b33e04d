import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Guards the key at start-up. The database records the fingerprint of its key (`site_key`); the server refuses
/// to start when sealed data or a fingerprint exists and the key is missing or another, instead of making a new
/// key that could read none of it and would seal new reports under a key nothing else opens.
enum KeyGuard {
    enum Refusal: Error, CustomStringConvertible {
        case keyMissing(path: String, recorded: String?)
        case keyDiffers(given: String, source: String, recorded: String?)
        case keyDoesNotOpen(column: String)
        case rotationUnfinished(newFingerprint: String)

        var description: String {
            switch self {
            case .keyMissing(let path, let recorded):
                return "The key that opens this database's confidential fields is missing: it should be in \(path) "
                    + "(or set OBSERVATORY_KEY_FILE to where it is)\(recorded.map { ", fingerprint \($0)" } ?? ""). "
                    + "The database holds sealed data, so no new key was made: it could read none of it. "
                    + "Restore the key file from the backup kept apart from the database, then start again."
            case .keyDiffers(let given, let source, let recorded):
                return "The key given (\(source), fingerprint \(given)) is not the key this database was sealed with"
                    + "\(recorded.map { " (fingerprint \($0))" } ?? ""). Nothing was written. Set OBSERVATORY_KEY_FILE "
                    + "to the right key file, restored from the backup kept apart from the database, and start again."
            case .keyDoesNotOpen(let column):
                return "The key given does not open the sealed values of \(column): wrong key, or altered data. "
                    + "Nothing more was written. Set OBSERVATORY_KEY_FILE to the key this database was sealed with "
                    + "(restore it from the backup kept apart from the database) and start again."
            case .rotationUnfinished(let fingerprint):
                return "A key rotation to the key with fingerprint \(fingerprint) was interrupted. Finish it first: "
                    + "observatory key rotate --new-key-file <that key file> (it resumes where it stopped)."
            }
        }
    }

    /// The key in use, recorded by migration 025 and by key rotation; nil before.
    static func recorded(on db: any Database) async throws -> String? {
        guard try await SealedStorage.tableExists("site_key", on: db) else { return nil }
        struct Row: Decodable { let fingerprint: String }
        return try await db.sql.raw("SELECT fingerprint FROM site_key WHERE id = 1").first(decoding: Row.self)?
            .fingerprint
    }

    /// Records the key's fingerprint unless one is recorded.
    static func record(_ cipher: FieldCipher, now: Date = Date(), on db: any Database) async throws {
        try await db.sql.insert(into: "site_key").columns("id", "fingerprint", "created_at")
            .values(1, cipher.fingerprint, now.seconds).onConflict(with: ["id"]) { $0.set(excludedValueOf: "id") }.run()
    }

    /// Whether any registered sealed column holds a value.
    static func hasSealedData(on db: any Database) async throws -> Bool {
        for column in SealedColumn.all where try await SealedStorage.hasValues(column, on: db) { return true }
        return false
    }

    /// The configured key. A key file beside an SQLite database is made only when the database has no sealed data
    /// and no recorded fingerprint.
    static func cipher(for config: AppConfig, on db: any Database) async throws -> FieldCipher {
        let provider = config.keyProvider
        if let file = provider as? KeyFile, file.createIfMissing, !file.exists {
            let recorded = try await recorded(on: db)
            let sealed = try await hasSealedData(on: db)
            if recorded != nil || sealed {
                throw Refusal.keyMissing(path: file.path, recorded: recorded)
            }
        }
        return try provider.cipher()
    }

    /// Refuses a key other than the recorded one (or, before a fingerprint was recorded, one that does not open a
    /// stored value), and a database whose key rotation was interrupted.
    static func verify(_ cipher: FieldCipher, source: String, on db: any Database) async throws {
        if let rotation = try await KeyRotation.pending(on: db) {
            throw Refusal.rotationUnfinished(newFingerprint: rotation.newFingerprint)
        }
        if let recorded = try await recorded(on: db) {
            guard recorded == cipher.fingerprint else {
                throw Refusal.keyDiffers(given: cipher.fingerprint, source: source, recorded: recorded)
            }
            return
        }
        for column in SealedColumn.all where column.before != .clear {
            guard let (row, value) = try await SealedStorage.sample(column, on: db) else { continue }
            guard (try? cipher.openAny(value, in: column, row: row)) != nil else {
                throw Refusal.keyDiffers(given: cipher.fingerprint, source: source, recorded: nil)
            }
            return
        }
    }
}

extension AppConfig {
    /// Where the key comes from, for messages (never the key itself).
    var keySourceName: String {
        switch key {
        case .text: return "OBSERVATORY_KEY"
        case .file(let path): return "OBSERVATORY_KEY_FILE=\(path)"
        case .beside:
            if case .sqlite(let path) = storage, path != ":memory:" { return "the key file \(path).key" }
            return "a key made for this in-memory database"
        }
    }
}
