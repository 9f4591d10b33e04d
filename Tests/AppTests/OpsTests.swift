import Fluent
import Foundation
import ObservatoryCore
import PropertyBased
import SQLKit
import Testing
import Vapor

@testable import App

/// Backup, verify and restore; the health endpoint.
@Suite("Operations")
struct OpsTests {
    static func scratch(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "observatory-ops-\(name)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func count(_ table: String, on db: any Database) async throws -> Int {
        struct N: Decodable { let n: Int }
        return try await db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decoding: N.self)?.n ?? 0
    }

    /// A fresh, empty database of the same engine: a new SQLite file, or a new PostgreSQL database (same schema name).
    static func freshTarget(_ engine: Engine, like app: Application, in dir: String) async throws -> AppConfig.Storage {
        switch app.site.config.storage {
        case .sqlite: return .sqlite(path: dir + "/restored.sqlite")
        case .postgres(let url, let schema):
            let name = "r_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
            try await app.db.sql.raw("CREATE DATABASE \(ident: String(name))").run()
            var parts = URLComponents(string: url)!
            parts.path = "/" + name
            return .postgres(url: parts.string!, searchPath: schema)
        }
    }

    @Test(
        "a backup taken while reports and publications are written restores into a fresh database, identical",
        arguments: Engine.all)
    func backupUnderLoad(engine: Engine) async throws {
        let dir = Self.scratch("load")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withApp(engine, sqliteFile: engine == .sqlite ? dir + "/live.sqlite" : nil) { app in
            try await tuneSQLite(app.db)
            try await store((1...50).map { publication("seed-\($0)") }, in: app)
            let reporter = TestBrowser(app)
            #expect(
                try await reporter.report(
                    person: "Ana Seed", description: "Threatened before the backup.",
                    account: "seed") != nil)
            let before = try await Self.count("publications", on: app.db)
            let writing = ManagedAtomicFlag()
            // Writers: publications in batches, and reports through the public form, until the backup is done.
            let manifest = try await withThrowingTaskGroup(of: Void.self) { group -> BackupManifest in
                for writer in 0..<3 {
                    group.addTask {
                        var batch = 0
                        while writing.isSet && batch < 400 {
                            // Two SQLite writers can still collide ("database is locked") until the write queue of
                            // branch `audit` lands; the writer retries, as the backup is what is tested here.
                            do {
                                try await store((0..<5).map { publication("w\(writer)-\(batch)-\($0)") }, in: app)
                                batch += 1
                            } catch  where "\(error)".contains("locked") { try await Task.sleep(for: .milliseconds(5)) }
                        }
                    }
                }
                group.addTask {
                    // On SQLite the report form answers 500 under contention until branch `audit` lands.
                    if engine == .sqlite { return }
                    let browser = TestBrowser(app)
                    var sent = 0
                    while writing.isSet && sent < 4 {
                        _ = try await browser.report(
                            person: "Writer \(sent)",
                            description: "During the backup \(sent).",
                            account: "during \(sent)")
                        sent += 1
                    }
                }
                try await Task.sleep(for: .milliseconds(150))
                #expect(try await app.get("/").status == .ok, "the site keeps serving during the backup")
                let manifest = try await Backup.take(app, to: dir + "/backup")
                writing.clear()
                try await group.waitForAll()
                return manifest
            }
            let after = try await Self.count("publications", on: app.db)
            let inBackup = manifest.tables.first { $0.name == "publications" }!.rows
            print(
                "backup under load (\(engine)): \(before) publications before, \(inBackup) in the backup, "
                    + "\(after) after")
            #expect(before <= inBackup && inBackup <= after)
            #expect(manifest.keyFingerprint == app.site.cipher.fingerprint)
            #expect(manifest.tables.first { $0.name == "cases" }!.rows >= 1)
            let verified = try Backup.verify(dir + "/backup", cipher: app.site.cipher)
            #expect(verified.problems.isEmpty && verified.signature == .valid)

            let target = try await Self.freshTarget(engine, like: app, in: dir)
            let restored = try await Backup.restore(
                dir + "/backup", into: target, keyLocation: "the test key",
                cipher: app.site.cipher, force: false, app: app)
            #expect(restored.tables == manifest.tables, "every table: the same count and checksum")
            // Restoring again into the now full database is refused, naming why, and changes nothing.
            await #expect {
                try await Backup.restore(
                    dir + "/backup", into: target, keyLocation: "the test key",
                    cipher: app.site.cipher, force: false, app: app)
            } throws: { error in
                "\(error)".contains("not empty") && "\(error)".contains("--force")
            }
            if case .postgres(let url, _) = target, let name = URLComponents(string: url)?.path.dropFirst() {
                try await app.db.sql.raw("DROP DATABASE \(ident: String(name)) WITH (FORCE)").run()
            }
        }
    }

    @Test("a restore with another key is refused, and restores nothing", arguments: Engine.all)
    func otherKeyRefused(engine: Engine) async throws {
        let dir = Self.scratch("key")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withApp(engine) { app in
            try await store([publication("a")], in: app)
            let manifest = try await Backup.take(app, to: dir + "/backup")
            let other = try FieldCipher(keyText: FieldCipher.newKeyText())
            let target = AppConfig.Storage.sqlite(path: dir + "/target.sqlite")
            await #expect {
                try await Backup.restore(
                    dir + "/backup", into: target, keyLocation: "/etc/observatory.key",
                    cipher: other, force: true, app: app)
            } throws: { error in
                let text = "\(error)"
                return text.contains(manifest.keyFingerprint) && text.contains(other.fingerprint)
                    && text.contains("/etc/observatory.key") && text.contains("Nothing was restored")
            }
            #expect(!FileManager.default.fileExists(atPath: dir + "/target.sqlite"))
        }
    }

    @Test("verify names every tampering: a changed byte, a removed or added file, an edited manifest")
    func tamperingIsNamed() async throws {
        let dir = Self.scratch("tamper")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withApp(.sqlite) { app in
            try await store((1...20).map { publication("p\($0)") }, in: app)
            let manifest = try await Backup.take(app, to: dir + "/backup")
            let file = dir + "/backup/" + manifest.files[0].name
            let original = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(try Backup.verify(dir + "/backup", cipher: app.site.cipher).problems.isEmpty)
            // Any single flipped bit anywhere in the copy is caught.
            let offsets = Gen.int(in: 0...(original.count - 1))
            await propertyCheck(count: 60, input: offsets, Gen.int(in: 0...7)) { offset, bit in
                var changed = original
                changed[offset] ^= UInt8(1 << bit)
                try changed.write(to: URL(fileURLWithPath: file))
                let problems = try Backup.verify(dir + "/backup", cipher: app.site.cipher).problems
                #expect(
                    problems.count == 1 && problems[0].hasPrefix("\(manifest.files[0].name): content differs"),
                    "offset \(offset) bit \(bit): \(problems)")
            }
            try original.write(to: URL(fileURLWithPath: file))
            try Data("extra".utf8).write(to: URL(fileURLWithPath: dir + "/backup/notes.txt"))
            #expect(
                try Backup.verify(dir + "/backup", cipher: app.site.cipher).problems
                    == ["notes.txt: not listed in the manifest"])
            try FileManager.default.removeItem(atPath: dir + "/backup/notes.txt")
            // An edited manifest (a count lowered to hide a deleted row) fails its signature.
            var edited = manifest
            edited.tables[0].rows += 1
            try edited.encoded().write(to: URL(fileURLWithPath: dir + "/backup/manifest.json"))
            let checked = try Backup.verify(dir + "/backup", cipher: app.site.cipher)
            #expect(checked.signature == .invalid)
            #expect(checked.problems.contains { $0.contains("signature does not match") })
            await #expect {
                try await Backup.restore(
                    dir + "/backup", into: .sqlite(path: dir + "/t.sqlite"), keyLocation: "k",
                    cipher: app.site.cipher, force: false, app: app)
            } throws: { error in
                "\(error)".contains("not intact")
            }
            try manifest.encoded().write(to: URL(fileURLWithPath: dir + "/backup/manifest.json"))
            try FileManager.default.removeItem(atPath: file)
            #expect(
                try Backup.verify(dir + "/backup", cipher: app.site.cipher).problems
                    == ["\(manifest.files[0].name): missing (the manifest lists it)"])
            // A manifest naming a file outside its directory is refused as unreadable.
            var escaping = manifest
            escaping.files[0].name = "../live.sqlite"
            try escaping.encoded().write(to: URL(fileURLWithPath: dir + "/backup/manifest.json"))
            #expect(throws: BackupManifest.Unreadable.self) {
                try Backup.verify(dir + "/backup", cipher: app.site.cipher)
            }
            // A backup never overwrites another.
            await #expect { try await Backup.take(app, to: dir + "/backup") } throws: {
                "\($0)".contains("already holds files")
            }
        }
    }

    @Test(
        "/health: ok per check, 503 when the key differs from the recorded one, and nothing else",
        arguments: Engine.all)
    func health(engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store([publication("a")], in: app)
            let shape =
                #"^\{"status":"(ok|failing)","checks":\{"database":"[a-z]+","key":"[a-z]+","#
                + #""mail":"[a-z]+","writes":"[a-z]+"\}\}\n$"#
            var page = try await app.get("/health", headers: ["Accept-Language": "fr"])
            #expect(page.status == .ok)
            #expect(page.body.range(of: shape, options: .regularExpression) != nil, "\(page.body)")
            #expect(
                page.body.contains(#""database":"ok""#) && page.body.contains(#""key":"ok""#)
                    && page.body.contains(#""mail":"off""#), "the key recorded by migration 025 matches")
            #expect(!page.body.contains { $0.isNumber }, "no counts, versions or addresses")
            let zeros = String(repeating: "0", count: 32)
            try await app.db.sql.raw("UPDATE site_key SET fingerprint = \(bind: zeros) WHERE id = 1").run()
            page = try await app.get("/health")
            #expect(page.status == .serviceUnavailable && page.body.contains(#""key":"failing""#))
            #expect(!page.body.contains(app.site.cipher.fingerprint) && !page.body.contains("0000"))
            try await app.db.sql.raw("UPDATE site_key SET fingerprint = \(bind: app.site.cipher.fingerprint)").run()
            page = try await app.get("/health")
            #expect(page.status == .ok && page.body.contains(#""key":"ok""#))
            #expect(page.headers.first(name: .cacheControl) == "no-store")
        }
    }

    @Test(
        "/health: mail due for more than 15 minutes fails the mail check; retries not yet due do not",
        arguments: Engine.all)
    func healthMailLag(engine: Engine) async throws {
        let app = try await Application.make(.testing)
        var config = AppConfig(storage: .sqlite(path: ":memory:"), demo: false, pageCache: false, changePollSeconds: 0)
        config.key = .text(testKey)
        config.smtp = SMTPSettings(host: "127.0.0.1", port: 1, security: .none, from: "observatory@example.org")
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        if engine == .postgres, let url = Engine.postgresURL {
            config.storage = .postgres(url: url, searchPath: schema)
        }
        do {
            try await configure(app, config, clock: testClock)
            app.buildResponderOnce()
            if engine == .postgres { try await app.db.sql.raw("CREATE SCHEMA \(ident: String(schema))").run() }
            try await app.autoMigrate()
            let now = Int64(testClock.now().timeIntervalSince1970)
            func queue(_ id: String, status: String, notBefore: Int64) async throws {
                try await app.db.sql.insert(into: "outbox")
                    .columns(
                        "dedupe_key", "kind", "subscriber_id", "subject_id", "status", "attempts", "not_before",
                        "created_at"
                    )
                    .values(
                        SQLBind(id), SQLBind("publication"), SQLBind("s-1"), SQLBind("p-1"), SQLBind(status),
                        SQLBind(0), SQLBind(notBefore), SQLBind(notBefore)
                    ).run()
            }
            #expect(try await app.get("/health").body.contains(#""mail":"ok""#), "an empty outbox")
            try await queue("later", status: "queued", notBefore: now + 3_600)  // a retry, not due yet
            try await queue("recent", status: "queued", notBefore: now - 600)
            try await queue("sent", status: "sent", notBefore: now - 86_400)
            var page = try await app.get("/health")
            #expect(page.status == .ok && page.body.contains(#""mail":"ok""#), "\(page.body)")
            try await queue("stuck", status: "queued", notBefore: now - 16 * 60)
            page = try await app.get("/health")
            #expect(page.status == .serviceUnavailable && page.body.contains(#""mail":"failing""#), "\(page.body)")
            #expect(!page.body.contains { $0.isNumber }, "no lag figure, no count")
        } catch {
            Issue.record(error)
        }
        if engine == .postgres { try? await app.db.sql.raw("DROP SCHEMA \(ident: String(schema)) CASCADE").run() }
        try await app.asyncShutdown()
    }

    @Test("help, unknown commands and every --help are detached from the configured database")
    func commandLineModes() {
        let detached = [
            ["observatory", "--help"], ["observatory", "-h"], ["observatory", "help"],
            ["observatory", "bogus"],
            ["observatory", "serve", "--help"], ["observatory", "import", "--help"],
            ["observatory", "backup", "verify", "/tmp/x"], ["observatory", "restore", "/tmp/x"]
        ]
        for arguments in detached {
            #expect(CommandLineMode.of(CommandLineMode.rewrite(arguments)) == .detached, "\(arguments)")
        }
        for arguments in [
            ["observatory"], ["observatory", "serve", "--port", "80"],
            ["observatory", "backup", "--to", "/b"],
            ["observatory", "import", "a.jsonl"]
        ] {
            #expect(CommandLineMode.of(arguments) == .attached, "\(arguments)")
        }
        #expect(CommandLineMode.rewrite(["o", "help", "backup"]) == ["o", "backup", "--help"])
    }
}

/// A flag shared by concurrent tasks.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = true
    var isSet: Bool { lock.withLock { value } }
    func clear() { lock.withLock { value = false } }
}

/// Review r6, finding 5: what pg_restore or pg_dump print when they fail reaches the log without a stored value.
@Suite struct ClientMessageTests {
    @Test func aFailedRestoreNamesTheProblemButNoStoredValue() {
        let canary = "zq-canary-7731"
        let stderr = """
            pg_restore: while PROCESSING TOC:
            pg_restore: from TOC entry 3412; 0 16390 TABLE DATA subscribers observatory
            pg_restore: error: could not execute query: ERROR:  duplicate key value violates unique constraint \
            "subscribers_email_key"
            DETAIL:  Key (email)=(\(canary)@example.org) already exists.
            CONTEXT:  COPY subscribers, line 3: "\(canary)@example.org	en	2026-01-01"
            Command was: COPY public.subscribers (email, language, created_at) FROM stdin;
            pg_restore: error: could not execute query: ERROR:  invalid input syntax for type integer: "\(canary)"
            pg_restore: warning: errors ignored on restore: 2
            """
        let message = DatabaseCopy.clientMessage(stderr, "pg_restore")
        #expect(!message.contains(canary), "\(message)")
        #expect(message.contains("duplicate key value violates unique constraint"))
        #expect(message.contains("TABLE DATA subscribers"), "the program's lines before the error are kept")
        #expect(!message.contains("errors ignored"), "nothing after the first value, which could forge a line")
        #expect(message.hasSuffix("(details withheld from the log)"))
        #expect(
            DatabaseCopy.clientMessage("pg_dump: error: connection refused", "pg_dump")
                == "pg_dump: error: connection refused")
    }

    /// Review r13, finding 6: a value holding a quote, a newline or a parenthesis never reaches the message, even
    /// when its newline forges a line that looks like the program's own.
    @Test func valuesHoldingQuotesNewlinesOrParenthesesAreCut() {
        let canary = "zq-canary-4410"
        let cases = [
            "pg_restore: error: invalid input syntax for type integer: \"\(canary)\"\"x\"",
            "pg_restore: error: value \"a\"b \(canary)\" is too long",
            "pg_restore: error: bad value \"first line\npg_restore: \(canary)\"",
            "pg_restore: detail: Key (email)=(\(canary)@example.org) already exists.",
            "pg_restore: error: unterminated 'quote \(canary)"
        ]
        for text in cases + ["DETAIL:  Failing row contains (x\npg_restore: error: \(canary))"] {
            let message = DatabaseCopy.clientMessage(text, "pg_restore")
            #expect(!message.contains(canary), "\(message)")
            #expect(message.hasSuffix("(details withheld from the log)"), "\(message)")
        }
    }
}

/// Collects what loggers write, for the tests of `RedactingLogHandler`.
final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var text: String { lock.withLock { lines.joined(separator: "\n") } }
    func append(_ line: String) { lock.withLock { lines.append(line) } }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(
            level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
            file: String, function: String, line: UInt
        ) {
            log.append("\(level) \(message) \(metadata ?? [:])")
        }
    }
}

/// Review r12, finding 4: a failed migration's error, as Fluent logs it, leaves its detail out of the log.
@Suite struct RedactingLogHandlerTests {
    @Test func aFailedMigrationsErrorIsWithheldAndOtherMetadataKept() {
        let detail: Logger.MetadataValue = "PSQLError(detail: Failing row contains (zq-canary@example.org))"
        let failed = RedactingLogHandler.redacted(
            "[Migrator] Failed prepare", ["migration": "App.X", "error": detail])
        #expect(failed?["error"] == RedactingLogHandler.withheld)
        #expect(failed?["migration"] == "App.X")
        let other = RedactingLogHandler.redacted("request", ["error": "a 404"])
        #expect(other?["error"] == "a 404", "only the migrator's failure is rewritten")
    }

    /// Review r13, finding 3: a real PostgreSQL error whose DETAIL quotes a failing row, logged the ways Vapor and
    /// Fluent log errors, through the factory the entry point installs: the value never reaches the log, and the
    /// log's other lines are kept. `SafeError` tells the same error by its code.
    @Test(arguments: Engine.all)
    func aDatabaseErrorQuotingARowNeverReachesTheLog(_ engine: Engine) async throws {
        let captured = CapturedLog()
        let logger = Logger(
            label: "test", factory: RedactingLogHandler.factory { _ in CapturedLog.Handler(log: captured) })
        let canary = "zq-canary-\(UInt32.random(in: 1000...9999))"
        try await withApp(engine) { app in
            let table = "leak_probe_\(UInt32.random(in: 1000...999_999))"
            try await app.db.sql.raw("CREATE TABLE \(unsafeRaw: table) (v TEXT CHECK (v NOT LIKE 'zq-%'))").run()
            var failure: (any Error)?
            do {
                try await app.db.sql.raw("INSERT INTO \(unsafeRaw: table) (v) VALUES (\(bind: canary))").run()
            } catch { failure = error }
            let error = try #require(failure)
            let wrapped = WrappedFailure(underlying: error)
            logger.report(error: error)
            logger.report(error: wrapped)
            logger.error("failed: \(String(reflecting: error))")
            logger.error("[Migrator] Failed prepare", metadata: ["error": "\(String(reflecting: error))"])
            logger.info("an ordinary line", metadata: ["path": "/office"])
            #expect(!captured.text.contains(canary), "\(captured.text)")
            #expect(captured.text.contains("an ordinary line"))
            #expect(!"\(SafeError.told(error))".contains(canary))
            #expect(!"\(SafeError.told(wrapped))".contains(canary))
            if engine == .postgres {
                #expect(String(reflecting: error).contains(canary), "PostgreSQL's detail quotes the row")
                #expect("\(SafeError.told(error))".contains("23514"), "told by its code")
                #expect(captured.text.contains(String(describing: RedactingLogHandler.withheld)))
            }
            try await app.db.sql.raw("DROP TABLE \(unsafeRaw: table)").run()
        }
    }

    /// Review r14, finding 2: a value quoted in the message itself (a cast), or in a driver's decoding error, or in
    /// another language's quotes, is not told; the process's loggers redact (the factory Entrypoint bootstraps).
    @Test(arguments: Engine.all)
    func aValueQuotedInAMessageOrADecodingErrorIsNotTold(_ engine: Engine) async throws {
        let canary = "zq-canary-\(UInt32.random(in: 1000...9999))"
        let hex = canary.utf8.map { String(format: "%02x", $0) }.joined()
        try await withApp(engine) { app in
            var failures: [any Error] = []
            do {
                _ = try await app.db.sql.raw("SELECT CAST(\(bind: canary) AS integer) AS v").all()
                    .map { try $0.decode(column: "v", as: Int.self) }
            } catch { failures.append(error) }
            do {
                _ = try await app.db.sql.raw("SELECT \(bind: canary) AS v").first()?.decode(column: "v", as: Int.self)
            } catch { failures.append(error) }
            // SQLite casts the text to 0: only the decoding fails there.
            #expect(failures.count == (engine == .postgres ? 2 : 1), "\(failures)")
            for failure in failures {
                let reflected = String(reflecting: failure)
                let told = "\(SafeError.told(failure))"
                #expect(reflected.contains(canary) || reflected.contains(hex), "the test's premise: \(reflected)")
                #expect(!told.contains(canary) && !told.contains(hex), "\(told)")
            }
        }
        let spanish =
            "pg_restore: error: falló COPY para la tabla «cases»: ERROR:  sintaxis no válida: «\(canary)»"
        #expect(!DatabaseCopy.clientMessage(spanish, "pg_restore").contains(canary))
        let captured = CapturedLog()
        let make = RedactingLogHandler.console(Terminal(), level: .info)
        #expect(make("probe") is RedactingLogHandler, "Entrypoint's loggers redact")
        let logger = Logger(
            label: "test", factory: RedactingLogHandler.factory { _ in CapturedLog.Handler(log: captured) })
        logger.error("failed: Could not convert SQLite data to Int: \(canary).")
        #expect(!captured.text.contains(canary))
    }

    struct WrappedFailure: Error, CustomDebugStringConvertible {
        let underlying: any Error
        var debugDescription: String { "WrappedFailure(\(String(reflecting: underlying)))" }
    }
}
