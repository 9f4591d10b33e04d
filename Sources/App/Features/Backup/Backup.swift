import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// `observatory backup`, `backup verify` and `restore`: what they do, callable from tests.
enum Backup {
    struct Refused: Error, CustomStringConvertible { let description: String }

    static let signaturePurpose = "backup-manifest"

    /// Takes a consistent copy of the live database into `directory` (new or empty) while the server keeps serving:
    /// the copy is written beside it first and renamed into place once complete, with its manifest.
    static func take(_ app: Application, to directory: String) async throws -> BackupManifest {
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let fm = FileManager.default
        if let present = try? fm.contentsOfDirectory(atPath: target.path), !present.isEmpty {
            throw Refused(
                description: "\(target.path) already holds files: give a new or empty directory "
                    + "(a backup never overwrites another), e.g. \(target.path)/\(stamp(Date(), compact: true))")
        }
        let parent = target.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let suffix = UUID().uuidString.prefix(8)
        let partial = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(suffix)")
        try fm.createDirectory(at: partial, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        do {
            let tables: [BackupManifest.Table]
            let engine: String
            switch app.site.config.storage {
            case .sqlite:
                engine = "sqlite"
                tables = try await DatabaseCopy.copySQLite(app.db, into: partial.path, app: app)
            case .postgres(let url, let schema):
                engine = "postgres"
                tables = try await DatabaseCopy.dumpPostgres(app.db, url: url, schema: schema, into: partial.path)
            }
            var files: [BackupManifest.File] = []
            for name in try fm.contentsOfDirectory(atPath: partial.path).sorted() {
                let path = partial.appendingPathComponent(name).path
                syncFile(path)
                files.append(try BackupManifest.summarise(file: path))
            }
            var manifest = BackupManifest(
                engine: engine, created: stamp(Date(), compact: false),
                keyFingerprint: app.site.cipher.fingerprint, tables: tables, files: files)
            try manifest.sign(with: app.site.cipher.derivedKey(purpose: signaturePurpose))
            let manifestPath = partial.appendingPathComponent(BackupManifest.fileName).path
            guard
                fm.createFile(
                    atPath: manifestPath, contents: try manifest.encoded(),
                    attributes: [.posixPermissions: 0o600])
            else { throw Refused(description: "\(manifestPath): cannot be written") }
            syncFile(manifestPath)
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }  // empty, checked above
            try fm.moveItem(at: partial, to: target)
            syncFile(parent.path)
            return manifest
        } catch {
            try? fm.removeItem(at: partial)
            throw error
        }
    }

    enum Signature: Equatable { case valid, invalid, notChecked }

    /// The backup's manifest, each difference between its files and the manifest, and whether the manifest's
    /// signature holds under `cipher` (checked only when `cipher` is the backup's key).
    static func verify(
        _ directory: String, cipher: FieldCipher
    ) throws
        -> (manifest: BackupManifest, problems: [String], signature: Signature)
    {
        let manifest = try BackupManifest.read(from: directory)
        var problems = manifest.fileDifferences(in: directory)
        var signature = Signature.notChecked
        if manifest.keyFingerprint == cipher.fingerprint {
            signature = try manifest.hasValidSignature(cipher.derivedKey(purpose: signaturePurpose)) ? .valid : .invalid
            if signature == .invalid {
                problems.append(
                    "\(BackupManifest.fileName): its signature does not match its content: "
                        + "it was changed after the backup was taken")
            }
        }
        return (manifest, problems, signature)
    }

    struct Restored { let manifest: BackupManifest; let tables: [BackupManifest.Table]; let location: String }

    /// Restores the backup in `directory` into `target` (empty, unless `force`), after checking that `cipher` is the
    /// backup's key and that its files are intact; then checks every table's count and checksum against the manifest.
    static func restore(
        _ directory: String, into target: AppConfig.Storage, keyLocation: String, cipher: FieldCipher,
        force: Bool, app: Application
    ) async throws -> Restored {
        let manifest = try BackupManifest.read(from: directory)
        guard manifest.keyFingerprint == cipher.fingerprint else {
            throw Refused(
                description: """
                    the configured key is not this backup's: the backup was sealed with the key whose fingerprint is \
                    \(manifest.keyFingerprint), the key at \(keyLocation) has the fingerprint \(cipher.fingerprint). \
                    Nothing was restored. Put the backup's key in place (the file \(keyLocation), or set \
                    OBSERVATORY_KEY_FILE to where you kept it), then run restore again: without that key the \
                    confidential \
                    fields of the backup cannot be read, and new reports would be sealed under another key.
                    """)
        }
        let checked = try verify(directory, cipher: cipher)
        guard checked.problems.isEmpty else {
            throw Refused(
                description: "the backup in \(directory) is not intact, nothing was restored:\n"
                    + checked.problems.map { "  - \($0)" }.joined(separator: "\n"))
        }
        let id = DatabaseID(string: "restore-\(UUID().uuidString.prefix(8))")
        let location: String
        switch (target, manifest.engine) {
        case (.sqlite(let path), "sqlite"):
            guard path != ":memory:" else { throw Refused(description: "DATABASE_URL: restore needs a database file") }
            location = URL(fileURLWithPath: path).standardizedFileURL.path
            try await restoreSQLite(from: directory, to: location, force: force, app: app)
            app.databases.use(
                .sqlite(.init(storage: .file(path: location), enableForeignKeys: true)), as: id,
                isDefault: false)
        case (.postgres(let url, let schema), "postgres"):
            location = "PostgreSQL" + (schema.map { " (schema \($0))" } ?? "")
            var configuration = try SQLPostgresConfiguration(url: url)
            if let schema { configuration.searchPath = [schema] }
            app.databases.use(
                .postgres(configuration: configuration, maxConnectionsPerEventLoop: 1), as: id,
                isDefault: false)
            try await restorePostgres(from: directory, schema: schema, url: url, force: force, db: app.db(id))
        default:
            let configured = if case .sqlite = target { "SQLite" } else { "PostgreSQL" }
            throw Refused(
                description: "this backup is of a \(manifest.engine == "sqlite" ? "SQLite" : "PostgreSQL") "
                    + "database and DATABASE_URL names \(configured): restore it into the same kind of database")
        }
        let db = app.db(id)
        let tables: [BackupManifest.Table]
        if db.sql.dialect.name == "sqlite" {
            tables = try await DatabaseCopy.tables(on: db.sql)
        } else {
            tables = try await db.transaction { tx in
                try await tx.sql.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").run()
                try await DatabaseCopy.pinPostgresText(tx.sql)
                return try await DatabaseCopy.tables(on: tx.sql)
            }
        }
        let differences = manifest.tableDifferences(tables)
        guard differences.isEmpty else {
            throw Refused(
                description: "restored into \(location), but it does not match the backup's manifest:\n"
                    + differences.map { "  - \($0)" }.joined(separator: "\n"))
        }
        let rows = tables.reduce(0) { $0 + $1.rows }
        try await AuditLog.record(
            AuditEvent(
                actor: "system", action: "backup.restore", recordType: "backup",
                recordID: URL(fileURLWithPath: directory).lastPathComponent,
                detail: "\(tables.count) tables, \(rows) rows, taken \(manifest.created) "
                    + "(command line)"),
            now: Date(), on: db)
        return Restored(manifest: manifest, tables: tables, location: location)
    }

    static func restoreSQLite(from directory: String, to path: String, force: Bool, app: Application) async throws {
        let fm = FileManager.default
        if let size = (try? fm.attributesOfItem(atPath: path))?[.size] as? Int64, size > 0 {
            struct Table: Decodable { let name: String }
            let present = try await DatabaseCopy.withSQLite(path, readOnly: false, app: app) { sql in
                try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                    .all(decoding: Table.self)
            }
            if !present.isEmpty && !force {
                throw Refused(
                    description: "\(path) is not empty (\(present.count) tables, among them "
                        + "\(present.prefix(3).map(\.name).joined(separator: ", "))): nothing was restored. "
                        + "Restore into a new file (DATABASE_URL), or pass --force to replace it — "
                        + "stop the server first.")
            }
        }
        let source = (directory as NSString).appendingPathComponent(DatabaseCopy.sqliteFile)
        let staging = path + ".restoring"
        try? fm.removeItem(atPath: staging)
        try fm.copyItem(atPath: source, toPath: staging)
        syncFile(staging)
        for suffix in ["-wal", "-shm", "-journal"] { try? fm.removeItem(atPath: path + suffix) }
        guard rename(staging, path) == 0 else {
            throw Refused(description: "\(path): cannot be replaced (\(String(cString: strerror(errno))))")
        }
        syncFile((path as NSString).deletingLastPathComponent)
    }

    static func restorePostgres(
        from directory: String, schema: String?, url: String, force: Bool,
        db: any Database
    ) async throws {
        struct Table: Decodable { let name: String }
        let present = try await db.sql.raw(
            """
            SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema()
            ORDER BY table_name
            """
        ).all(decoding: Table.self)
        if !present.isEmpty && !force {
            throw Refused(
                description: "the configured PostgreSQL database is not empty (\(present.count) tables, "
                    + "among "
                    + "them \(present.prefix(3).map(\.name).joined(separator: ", "))): nothing was restored. "
                    + "Restore into a new, empty database (DATABASE_URL), or pass --force to replace "
                    + "everything in it — stop the servers first.")
        }
        if let schema {
            try await db.sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()  // the dump creates it
        } else if !present.isEmpty {
            try await db.sql.raw("DROP SCHEMA public CASCADE").run()
            try await db.sql.raw("CREATE SCHEMA public").run()
        }
        try await db.sql.raw("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public").run()
        let dump = (directory as NSString).appendingPathComponent(DatabaseCopy.postgresFile)
        try await DatabaseCopy.restorePostgres(dump, url: url)
    }

    static func stamp(_ date: Date, compact: Bool) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = compact ? "yyyy-MM-dd'T'HHmm'Z'" : "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return formatter.string(from: date)
    }
}

/// Flushes a file (or directory) to the disk.
func syncFile(_ path: String) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    fsync(fd)
    close(fd)
}
