import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import SQLKit
import SQLiteKit
import SQLiteNIO
import Vapor

/// Consistent copies of the database and their checks: each table's row count and order-free checksum, computed
/// the same way on the live database (in the copy's snapshot) and on a restored one.
enum DatabaseCopy {
    static let sqliteFile = "observatory.sqlite"
    static let postgresFile = "observatory.pgdump"

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Every table's count and checksum (SQLite: every table but its own and virtual ones, whose shadow tables are
    /// counted; PostgreSQL: the base tables of the current schema, inside the caller's transaction).
    static func tables(on sql: any SQLDatabase) async throws -> [BackupManifest.Table] {
        struct Name: Decodable { let name: String }
        struct Row: Decodable { let r: String }
        var result: [BackupManifest.Table] = []
        if sql.dialect.name == "sqlite" {
            struct Master: Decodable { let name: String; let sql: String? }
            let names = try await sql.raw(
                """
                SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
                """
            ).all(decoding: Master.self)
                .filter { !($0.sql ?? "").uppercased().hasPrefix("CREATE VIRTUAL TABLE") }
            for table in names {
                let columns = try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table.name))")
                    .all(decoding: Name.self)
                let text = columns.map { "quote(\(quoted($0.name)))" }.joined(separator: " || ',' || ")
                result.append(try await checksum(table.name, "SELECT \(text) AS r FROM \(quoted(table.name))", on: sql))
            }
        } else {
            let names = try await sql.raw(
                """
                SELECT table_name::text AS name FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
                """
            ).all(decoding: Name.self)
            for table in names {
                let query = "SELECT t::text AS r FROM \(quoted(table.name)) AS t"
                result.append(try await checksum(table.name, query, on: sql))
            }
        }
        return result
    }

    private static func checksum(
        _ name: String, _ query: String, on sql: any SQLDatabase
    ) async throws
        -> BackupManifest.Table
    {
        let box = NIOLockedValueBox(TableChecksum())
        let failure = NIOLockedValueBox<(any Error)?>(nil)
        try await sql.execute(sql: SQLRaw(query)) { row in
            do {
                let text = try row.decodeNil(column: "r") ? "NULL" : row.decode(column: "r", as: String.self)
                box.withLockedValue { $0.add(row: text) }
            } catch { failure.withLockedValue { $0 = error } }
        }
        if let error = failure.withLockedValue({ $0 }) { throw error }
        let sum = box.withLockedValue { $0 }
        return BackupManifest.Table(name: name, rows: sum.rows, checksum: sum.value)
    }

    /// Text settings that make PostgreSQL's row text the same in every session (inside a transaction).
    static func pinPostgresText(_ sql: any SQLDatabase) async throws {
        for setting in [
            "TimeZone = 'UTC'", "DateStyle = 'ISO, YMD'", "IntervalStyle = 'postgres'",
            "extra_float_digits = 1", "bytea_output = 'hex'"
        ] {
            try await sql.raw(SQLQueryString("SET LOCAL " + setting)).run()
        }
    }

    // MARK: SQLite

    /// `VACUUM INTO` a file of `directory` (a consistent copy while the server keeps writing), then checks the copy.
    static func copySQLite(
        _ db: any Database, into directory: String, app: Application
    ) async throws
        -> [BackupManifest.Table]
    {
        let copy = (directory as NSString).appendingPathComponent(sqliteFile)
        try await db.sql.raw("VACUUM INTO \(bind: copy)").run()
        return try await withSQLite(copy, readOnly: true, app: app) { try await tables(on: $0) }
    }

    /// Opens an SQLite file on a connection of its own (read-only and immutable for a backup's copy, so opening it
    /// writes nothing beside it).
    static func withSQLite<T: Sendable>(
        _ path: String, readOnly: Bool, app: Application,
        _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let escaped = absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolute
        let location = readOnly ? "file:" + escaped + "?mode=ro&immutable=1" : absolute
        let connection = try await SQLiteConnection.open(
            storage: .file(path: location), threadPool: app.threadPool,
            logger: app.logger, on: app.eventLoopGroup.any())
        do {
            let result = try await body(connection.sql())
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    // MARK: PostgreSQL

    /// libpq's environment for a `postgres://` URL (the password never on a command line other users can read).
    static func libpqEnvironment(_ url: String) throws -> (env: [String: String], database: String) {
        guard let parts = URLComponents(string: url), let host = parts.host else {
            throw Failure(description: "DATABASE_URL: not a postgres://user:password@host:port/database address")
        }
        var env = ProcessInfo.processInfo.environment
        // The client's own messages in English (review r14, finding 2): a translated one quotes values «…».
        for name in ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"] { env[name] = "C" }
        env["PGHOST"] = host
        env["PGPORT"] = String(parts.port ?? 5432)
        if let user = parts.user?.removingPercentEncoding { env["PGUSER"] = user }
        if let password = parts.password?.removingPercentEncoding { env["PGPASSWORD"] = password }
        for item in parts.queryItems ?? [] where item.name == "sslmode" { env["PGSSLMODE"] = item.value }
        let database = String(parts.path.drop(while: { $0 == "/" }))
        env["PGDATABASE"] = database
        return (env, database)
    }

    /// Runs a PostgreSQL client program, failing with its own message when it fails.
    static func run(_ program: String, _ arguments: [String], env: [String: String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        process.environment = env
        let errors = FileManager.default.temporaryDirectory
            .appendingPathComponent("observatory-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(
            atPath: errors.path, contents: nil, attributes: [.posixPermissions: 0o600])
        defer { try? FileManager.default.removeItem(at: errors) }
        let handle = try FileHandle(forWritingTo: errors)
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(
                    throwing: Failure(
                        description: "\(program): cannot run it (\(error)); "
                            + "install postgresql-client"))
            }
        }
        try? handle.close()
        guard status == 0 else {
            let text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw Failure(description: "\(program) failed (status \(status)): " + clientMessage(text, program))
        }
    }

    /// What a client program's standard error may say in a log (review r6, finding 5): its own lines only, and
    /// only those before any value can have begun. libpq's DETAIL, CONTEXT and "Command was" lines, and an ERROR's
    /// quoted value, can hold a stored row's cells (a key, a failing row, a line of COPY data); a value holding a
    /// newline can even forge a line that looks like the program's own (review r13, finding 6). So the message is
    /// the program's leading lines, up to the first line that is not its own, or the first character that is not
    /// plain (`SafeError.isPlain`: a quote in any language, a parenthesis), where it is cut (review r14, finding 2).
    static func clientMessage(_ text: String, _ program: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        var kept: [String] = []
        for line in lines.prefix(20) {
            guard line.hasPrefix(program + ":") || line.hasPrefix("pg_restore:") || line.hasPrefix("pg_dump:")
            else { break }
            if line.contains(where: { !SafeError.isPlain($0) }) {
                kept.append(SafeError.plain(line))
                break
            }
            kept.append(line)
        }
        let withheld = kept.count < lines.count || kept.last?.hasSuffix("…") == true
        return (kept.joined(separator: "; ").prefix(2_000) + (withheld ? " (details withheld from the log)" : ""))
            .description
    }

    /// `pg_dump` (custom format) of the same snapshot the checksums are computed in: a repeatable-read transaction
    /// exports its snapshot, pg_dump reads it, and the tables are checked in that transaction.
    static func dumpPostgres(
        _ db: any Database, url: String, schema: String?, into directory: String
    )
        async throws -> [BackupManifest.Table]
    {
        let (env, _) = try libpqEnvironment(url)
        let file = (directory as NSString).appendingPathComponent(postgresFile)
        return try await db.transaction { tx in
            try await tx.sql.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").run()
            try await pinPostgresText(tx.sql)
            struct Snapshot: Decodable { let id: String }
            guard
                let snapshot = try await tx.sql.raw("SELECT pg_export_snapshot() AS id")
                    .first(decoding: Snapshot.self)
            else { throw Failure(description: "PostgreSQL exported no snapshot") }
            var arguments = ["--format=custom", "--snapshot=\(snapshot.id)", "--file=\(file)", "--no-password"]
            if let schema { arguments.append("--schema=\(schema)") }
            try await run("pg_dump", arguments, env: env)
            return try await tables(on: tx.sql)
        }
    }

    /// `pg_restore` into the database `url` names, in one transaction (a failure leaves nothing).
    static func restorePostgres(_ file: String, url: String) async throws {
        let (env, database) = try libpqEnvironment(url)
        try await run(
            "pg_restore",
            [
                "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                "--no-password", "--dbname=\(database)", file
            ], env: env)
    }
}
