import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor
#if canImport(Glibc)
import Glibc
#endif

/// `observatory kit open FILE`: the kit decrypted into a private directory as a local SQLite database (sealed
/// again under a key of its own, beside it), served by the usual app on 127.0.0.1 only, with one local account;
/// every write to the kit's records is logged in `kit_changes` by triggers. `observatory kit wipe` destroys it.
enum KitOffline {
    typealias Failure = UserCommand.Failure

    /// The private directory (0700) a kit is opened into.
    struct Place: Sendable {
        let dir: String
        var database: String { dir + "/kit.sqlite" }
        var attempts: String { dir + "/attempts.json" }
        var opened: String { dir + "/kit.json" }

        static func standard(_ given: String?) -> Place {
            let env = ProcessInfo.processInfo.environment
            return Place(dir: given ?? env["OBSERVATORY_KIT_DIR"] ?? (NSHomeDirectory() + "/.observatory-kit"))
        }

        func create() throws {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir)
        }
    }

    /// Which kit the local copy is of.
    struct Opened: Codable, Sendable { let salt: String, missionID: String, expiresAt: Int64, openedAt: Int64 }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Opens a kit: refused once `KitAttempts.allowed` wrong passphrases were given for it here; each try after a
    /// wrong one waits longer, and is counted before it is made.
    static func unlock(_ file: [UInt8], passphrase: String, place: Place, now: Int64,
                       wait: @Sendable (Int) async throws -> Void) async throws -> (MissionKit.Header, KitContents) {
        let header = try MissionKit.Header.read(file), key = hex(header.salt)
        try place.create()
        var all = (try? JSONDecoder().decode([String: KitAttempts].self,
                                            from: Data(contentsOf: URL(fileURLWithPath: place.attempts)))) ?? [:]
        var attempts = all[key] ?? KitAttempts()
        guard !attempts.isLocked else {
            throw Failure(description: "kit open: \(KitAttempts.allowed) wrong passphrases were given for this kit; "
                          + "it will not be tried again here. Ask the office for a new kit.")
        }
        try await wait(attempts.wait)
        func save() throws {
            all[key] = attempts
            let data = try JSONEncoder().encode(all)
            guard FileManager.default.createFile(atPath: place.attempts, contents: data,
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw Failure(description: "kit open: cannot write \(place.attempts)")
            }
        }
        attempts.failures += 1
        attempts.lastAt = now
        try save()
        let payload: [UInt8]
        do {
            payload = try MissionKit.open(file, passphrase: passphrase, now: now).1
        } catch MissionKit.Failure.wrongPassphraseOrAltered {
            let left = KitAttempts.allowed - attempts.failures
            throw Failure(description: "kit open: \(MissionKit.Failure.wrongPassphraseOrAltered) "
                          + "(\(left) \(left == 1 ? "try" : "tries") left)")
        } catch {
            // Past the authentication (an expired kit): the passphrase was right.
            attempts = KitAttempts()
            try save()
            throw Failure(description: "kit open: \(error)")
        }
        attempts = KitAttempts()
        try save()
        do { return (header, try KitContents.decode(payload)) }
        catch { throw Failure(description: "kit open: \(error)") }
    }

    /// What `kit open` prepared before the app was configured.
    struct Prepared: Sendable {
        let place: Place
        let header: MissionKit.Header
        /// nil when the local copy of this kit exists already (its offline work is kept).
        let contents: KitContents?
        let missionID: String
        let port: Int
    }

    static func isOpen(_ arguments: [String]) -> Bool {
        let words = arguments.dropFirst().filter { !$0.hasPrefix("-") }
        return words.first == "kit" && words.dropFirst().first == "open"
            && !arguments.contains("--help") && !arguments.contains("-h")
    }

    static func option(_ name: String, in arguments: [String]) -> String? {
        guard let index = arguments.firstIndex(of: "--" + name), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    /// For `kit open FILE [--dir DIR] [--port N]`: the configuration of the local copy and the arguments that
    /// serve it on 127.0.0.1.
    static func prepare(_ arguments: [String], config: AppConfig, now: Int64) async throws
        -> (AppConfig, [String], Prepared) {
        var rest = Array(arguments.dropFirst())
        for name in ["dir", "port"] {
            if let index = rest.firstIndex(of: "--" + name) { rest.removeSubrange(index...min(index + 1, rest.count - 1)) }
        }
        let words = rest.filter { !$0.hasPrefix("-") }
        guard words.count >= 3 else { throw Failure(description: "kit open: give the kit file: kit open FILE") }
        let path = words[2]
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "kit open: cannot read \(path)")
        }
        let portText = option("port", in: arguments) ?? "8080"
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw Failure(description: "kit open: --port must be a port number, not “\(portText.prefix(20))”")
        }
        let place = Place.standard(option("dir", in: arguments))
        let passphrase = try readPassphrase()
        let (header, contents) = try await unlock(Array(data), passphrase: passphrase, place: place, now: now) {
            seconds in
            guard seconds > 0 else { return }
            standardError("kit open: waiting \(seconds) seconds after a wrong passphrase…")
            try await Task.sleep(nanoseconds: UInt64(seconds) * 1_000_000_000)
        }
        let manager = FileManager.default
        var fresh = true
        if let known = manager.contents(atPath: place.opened),
           let opened = try? JSONDecoder().decode(Opened.self, from: known) {
            guard opened.salt == hex(header.salt) else {
                throw Failure(description: "kit open: the kit of another mission (\(opened.missionID)) is open in "
                              + "\(place.dir); run observatory kit wipe --dir \(place.dir) first")
            }
            fresh = !manager.fileExists(atPath: place.database)
        }
        if fresh {
            // A copy whose loading never finished is started again.
            for suffix in ["", ".key", "-wal", "-shm", ".lock"] { try? manager.removeItem(atPath: place.database + suffix) }
        }
        let local = localConfig(config, place)
        let serve = [arguments[0], "serve", "--hostname", "127.0.0.1", "--port", String(port)]
        return (local, serve, Prepared(place: place, header: header, contents: fresh ? contents : nil,
                                       missionID: contents.missionID, port: port))
    }

    /// The configuration that works on the local copy in `place`: its own key, no mail, no public address.
    static func localConfig(_ config: AppConfig, _ place: Place) -> AppConfig {
        var local = config
        local.storage = .sqlite(path: place.database)
        local.key = .beside
        local.demo = false
        local.smtp = nil
        local.publicURL = nil
        local.trustProxy = false
        local.onion = nil
        return local
    }

    /// The passphrase from `OBSERVATORY_KIT_PASSPHRASE`, or typed without echo.
    static func readPassphrase() throws -> String {
        if let given = ProcessInfo.processInfo.environment["OBSERVATORY_KIT_PASSPHRASE"], !given.isEmpty {
            return given
        }
        #if canImport(Glibc)
        if isatty(0) != 0, let typed = getpass("Kit passphrase: ") { return String(cString: typed) }
        #endif
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw Failure(description: "kit open: give the passphrase (typed, or in OBSERVATORY_KIT_PASSPHRASE)")
        }
        return line
    }

    /// Fills a fresh local copy (once migrated), installs the change log, creates the local account and prints
    /// where to reach it; on a copy opened before, only says where it is served.
    static func install(_ prepared: Prepared, app: Application) async throws {
        let base = "http://127.0.0.1:\(prepared.port)"
        guard let contents = prepared.contents else {
            app.logger.notice("Serving the kit of \(prepared.missionID) again, on \(base) only (offline work kept).")
            return
        }
        let now = app.site.clock.now(), cipher = app.site.cipher
        let email = contents.exportedBy.contains("@") ? contents.exportedBy : "officer@kit.local"
        let token: String = try await app.db.write { tx in
            try await KitTables.load(contents, cipher: cipher, on: tx)
            try await installChangeLog(on: tx)
            let account = try await AccountStore.create(email: email, roles: [.caseOfficer], organisationID: nil,
                                                        passwordHash: nil, now: now, on: tx)
            let token = try await AccountSecrets.newLink(for: account.id, purpose: .setup, now: now, on: tx)
            try await AuditLog.record(AuditEvent(actor: "system", action: "kit.open", recordType: "mission",
                                                 recordID: contents.missionID,
                                                 detail: "offline copy for \(email)"), now: now, on: tx)
            return token
        }
        let opened = Opened(salt: hex(prepared.header.salt), missionID: contents.missionID,
                            expiresAt: prepared.header.expiresAt, openedAt: now.seconds)
        guard FileManager.default.createFile(atPath: prepared.place.opened, contents: try JSONEncoder().encode(opened),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "kit open: cannot write \(prepared.place.opened)")
        }
        let cases = contents.table("cases")?.rows.count ?? 0
        print("Opened the kit of \(contents.missionID) (\(cases) cases) in \(prepared.place.dir), served on \(base) "
              + "only.\nSet up the local account \(email) once at \(base)\(OfficeRoute.setup(token: token).path)")
    }

    /// The local table of offline writes, and a trigger per carried table and operation that fills it.
    static func installChangeLog(on db: any Database) async throws {
        try await db.sql.raw("""
            CREATE TABLE IF NOT EXISTS kit_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,
              table_name TEXT NOT NULL, row_id TEXT NOT NULL, operation TEXT NOT NULL)
            """).run()
        for (table, _) in KitTables.carried {
            for (operation, row) in [("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")] {
                // The table names are the fixed list above, never input.
                try await db.sql.raw("""
                    CREATE TRIGGER IF NOT EXISTS kit_log_\(unsafeRaw: table)_\(unsafeRaw: operation)
                    AFTER \(unsafeRaw: operation.uppercased()) ON \(unsafeRaw: table) BEGIN
                    INSERT INTO kit_changes (at, table_name, row_id, operation)
                    VALUES (CAST(strftime('%s', 'now') AS INTEGER), '\(unsafeRaw: table)', \(unsafeRaw: row).id,
                            '\(unsafeRaw: operation)'); END
                    """).run()
            }
        }
    }

    struct Change: Decodable, Sendable { let seq: Int64, at: Int64, tableName: String, rowId: String, operation: String }

    static func changes(on db: any Database) async throws -> [Change] {
        try await db.sql.raw("SELECT seq, at, table_name, CAST(row_id AS TEXT) AS row_id, operation FROM kit_changes ORDER BY seq")
            .all(decoding: Change.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// `kit wipe`: every file of the local copy overwritten with zeros, synced, and removed, then the directory.
    /// On flash storage the old blocks may survive the overwrite: full-disk encryption is what protects them.
    static func wipe(_ place: Place) throws -> Int {
        let manager = FileManager.default
        guard manager.fileExists(atPath: place.dir) else {
            throw Failure(description: "kit wipe: there is no local copy in \(place.dir)")
        }
        var wiped = 0
        let files = (manager.enumerator(atPath: place.dir)?.allObjects as? [String]) ?? []
        for name in files {
            let path = place.dir + "/" + name
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let size = (try? manager.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if let handle = FileHandle(forWritingAtPath: path) {
                var left = size
                let zeros = Data(count: 1 << 20)
                while left > 0 {
                    let chunk = min(left, zeros.count)
                    handle.write(zeros.prefix(chunk))
                    left -= chunk
                }
                try? handle.synchronize()
                try? handle.close()
            }
            try manager.removeItem(atPath: path)
            wiped += 1
        }
        try manager.removeItem(atPath: place.dir)
        return wiped
    }
}
