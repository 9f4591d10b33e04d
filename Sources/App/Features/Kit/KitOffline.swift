import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import SQLKit
import Vapor

#if canImport(Glibc)
    import CoreFoundation
    import CDispatch
    import Glibc
#endif

/// `observatory kit open FILE`: the kit decrypted into a private directory as a local SQLite database (sealed
/// again under a key of its own, beside it), served by the usual app on 127.0.0.1 only, with one local account;
/// every write to the kit's records is logged in `kit_changes` by triggers. `observatory kit wipe` destroys it.
enum KitOffline {
    typealias Failure = UserCommand.Failure

    /// The private directory (0700) a kit is opened into: a new or empty one, or one the kit made before (its
    /// marker file says so). Any other directory is refused, so `--dir ~` never has its mode changed or its
    /// files wiped (review of issue 20, finding 8).
    struct Place: Sendable {
        let dir: String
        /// The per-user count of wrong passphrases, keyed by each kit's salt (finding 9): another `--dir`, or
        /// deleting the directory's `attempts.json`, does not reset it.
        var state: String = Place.defaultState
        var database: String { dir + "/kit.sqlite" }
        var attempts: String { dir + "/attempts.json" }
        var opened: String { dir + "/kit.json" }
        var marker: String { dir + "/" + Self.markerName }
        /// The local copy's key, sealed under the passphrase (finding 7); never the key in clear.
        var sealedKey: String { database + ".key.sealed" }

        /// Not the default directory's own name (`.observatory-kit`), so `--dir ~` never finds a "marker" there
        /// (retsafe review, finding 5).
        static let markerName = ".observatory-kit-copy"
        static let markerText = "A mission kit's local copy (Observatory). `observatory kit wipe` removes it.\n"

        /// Every file the kit writes in its directory: `kit wipe` removes these and nothing else.
        var files: [String] {
            ["", "-wal", "-shm", "-journal", ".key", ".key.sealed", ".lock"].map { database + $0 }
                + [attempts, opened, marker]
        }

        static var defaultState: String {
            ProcessInfo.processInfo.environment["OBSERVATORY_KIT_STATE"]
                ?? (NSHomeDirectory() + "/.observatory-kit-attempts.json")
        }

        static func standard(_ given: String?) -> Place {
            let env = ProcessInfo.processInfo.environment
            return Place(dir: given ?? env["OBSERVATORY_KIT_DIR"] ?? (NSHomeDirectory() + "/.observatory-kit"))
        }

        /// Whether the directory is one the kit made: its marker is a regular file (never a link or a directory)
        /// holding exactly the kit's text.
        var isKits: Bool { Self.isMarker(marker) || Self.isMarker(legacyMarker) }

        /// The marker's name before 018cc6e: a copy made then is still the kit's when that name is a regular file
        /// with the exact text (never the default directory of that name), so it can be wiped (round 3, finding 5).
        static let legacyMarkerName = ".observatory-kit"
        var legacyMarker: String { dir + "/" + Self.legacyMarkerName }

        static func isMarker(_ path: String) -> Bool {
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size < 4_096,
                let data = FileManager.default.contents(atPath: path)
            else { return false }
            return data == Data(Self.markerText.utf8)
        }

        /// Refuses the user's home and `/` (after resolving links and `..`), and a directory that is a link, not
        /// the user's own, or whose mode is not 0700 (a mount that ignores modes, another user's /tmp folder).
        func checkPrivate(_ command: String, owner: Bool = true, mode: Bool = true) throws {
            var homes = ["/"]
            for home in [NSHomeDirectory(), ProcessInfo.processInfo.environment["HOME"] ?? ""] where !home.isEmpty {
                homes.append(Self.resolved(home) ?? home)
            }
            guard let real = Self.resolved(dir) else { throw Failure(description: "\(command): cannot resolve \(dir)") }
            guard !homes.contains(real) else {
                throw Failure(
                    description: "\(command): \(dir) is your home directory or /: nothing was changed; give a "
                        + "directory of its own with --dir")
            }
            var info = stat()
            guard lstat(dir, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                throw Failure(description: "\(command): \(dir) is not a directory (a link is refused)")
            }
            guard !owner || info.st_uid == getuid(), !mode || info.st_mode & 0o7777 == 0o700 else {
                throw Failure(
                    description: "\(command): \(dir) is not yours alone (owner or mode 0700): nothing was "
                        + "changed; give a new directory on a disk that keeps file modes")
            }
        }

        /// The path with links and `..` resolved (nil if it does not exist).
        static func resolved(_ path: String) -> String? {
            guard let real = realpath(path, nil) else { return nil }
            defer { free(real) }
            return String(cString: real)
        }

        func create() throws {
            let manager = FileManager.default
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: dir, isDirectory: &isDirectory) {
                // Before its mode is changed: never ~ nor /, never a link, never another user's.
                try checkPrivate("kit", mode: false)
                guard isDirectory.boolValue else {
                    throw Failure(
                        description: "kit: \(dir) is a file, not a directory; give a new directory "
                            + "with --dir")
                }
                if !isKits, !(try manager.contentsOfDirectory(atPath: dir)).isEmpty {
                    throw Failure(
                        description: "kit: \(dir) is not empty and was not made by the kit (no "
                            + "\(Self.markerName) file): nothing was changed; give a new or empty directory "
                            + "with --dir")
                }
            } else {
                try manager.createDirectory(
                    atPath: dir, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700])
            }
            try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir)
            try checkPrivate("kit")
            if !isKits {
                guard
                    manager.createFile(
                        atPath: marker, contents: Data(Self.markerText.utf8),
                        attributes: [.posixPermissions: 0o600])
                else {
                    throw Failure(description: "kit: cannot write \(marker)")
                }
            }
        }
    }

    /// Which kit the local copy is of.
    struct Opened: Codable, Sendable { let salt: String, missionID: String, expiresAt: Int64, openedAt: Int64 }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Opens a kit: refused once `KitAttempts.allowed` wrong passphrases were given for it here; each try after a
    /// wrong one waits longer, and is counted before it is made.
    static func unlock(
        _ file: [UInt8], passphrase: String, place: Place, now: Int64,
        wait: @Sendable (Int) async throws -> Void
    ) async throws -> (MissionKit.Header, KitContents) {
        let header = try MissionKit.Header.read(file), key = hex(header.salt)
        try place.create()
        func read(_ path: String) throws -> [String: KitAttempts] { try readCounts(path) }
        // The larger of the two counts: the directory's and the user's (another --dir shares the latter).
        var all = try read(place.attempts), user = try read(place.state)
        var attempts = [all[key], user[key]].compactMap { $0 }.max { $0.failures < $1.failures } ?? KitAttempts()
        guard !attempts.isLocked else {
            throw Failure(
                description: "kit open: \(KitAttempts.allowed) wrong passphrases were given for this kit; "
                    + "it will not be tried again here. Ask the office for a new kit.")
        }
        try await wait(attempts.wait)
        func save() throws {
            all[key] = attempts
            user = try read(place.state)  // another kit's count written meanwhile is kept
            user[key] = attempts
            for (path, counts) in [(place.attempts, all), (place.state, user)] {
                let data = try JSONEncoder().encode(counts)
                guard (try? data.write(to: URL(fileURLWithPath: path), options: .atomic)) != nil else {
                    throw Failure(description: "kit open: cannot write \(path)")
                }
                try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
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
            throw Failure(
                description: "kit open: \(MissionKit.Failure.wrongPassphraseOrAltered) "
                    + "(\(left) \(left == 1 ? "try" : "tries") left)")
        } catch {
            // Past the authentication (an expired kit): the passphrase was right.
            attempts = KitAttempts()
            try save()
            throw Failure(description: "kit open: \(error)")
        }
        attempts = KitAttempts()
        try save()
        try unlockLocalKey(place, passphrase: passphrase, header: header)
        do { return (header, try KitContents.decode(payload)) } catch {
            throw Failure(description: "kit open: \(error)")
        }
    }

    /// The local copies' keys opened in this process, by directory (for `localConfig`).
    static let unlockedKeys = NIOLockedValueBox<[String: String]>([:])

    /// Opens (or, for a new copy, makes) the local copy's key, sealed beside it under the passphrase. A copy
    /// opened before keys were sealed has its key in clear in `kit.sqlite.key`: it is sealed, and the clear file
    /// overwritten and removed.
    /// That clear key is taken only when the user says so (`OBSERVATORY_KIT_ADOPT_CLEAR_KEY=1`): a marker, a
    /// kit.json, any kit.sqlite and a key known to someone else look just like such a copy (an evil maid's, review
    /// of issue 20, round 3, finding 8), and the new offline work would be sealed under their key.
    static func unlockLocalKey(
        _ place: Place, passphrase: String, header: MissionKit.Header,
        adoptClearKey: Bool = ProcessInfo.processInfo.environment["OBSERVATORY_KIT_ADOPT_CLEAR_KEY"] == "1"
    ) throws {
        let manager = FileManager.default, clearPath = place.database + ".key"
        if let known = manager.contents(atPath: place.opened),
            let opened = try? JSONDecoder().decode(Opened.self, from: known), opened.salt != hex(header.salt)
        {
            return  // another kit's copy is there: `prepare` refuses it by name
        }
        let keyText: String
        if let sealed = manager.contents(atPath: place.sealedKey),
            let opened = try? KitLocalKey.unwrap(Array(sealed), passphrase: passphrase, header: header)
        {
            keyText = opened
        } else if manager.fileExists(atPath: place.sealedKey), manager.fileExists(atPath: place.database) {
            throw Failure(description: "kit open: \(KitLocalKey.Failure.wrongPassphraseOrAltered)")
        } else {
            // A clear key is adopted only for a copy that exists already (opened before keys were sealed); one
            // planted beside a new copy is overwritten, never used (retsafe review, finding 8).
            let existing = manager.fileExists(atPath: place.opened) && manager.fileExists(atPath: place.database)
            let text = (existing ? manager.contents(atPath: clearPath) : nil)
                .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
            let clear = text.flatMap { $0.isEmpty ? nil : $0 }
            // This kit's copy was sealed on this laptop, for this user, before: a clear key (or a copy without its
            // sealed key) is planted, whatever the user says (round 4, finding 5).
            if existing, try wasSealed(place, header: header) {
                throw Failure(
                    description: "kit open: this kit's copy in \(place.dir) was sealed here before, and its sealed "
                        + "key is gone\(clear == nil ? "" : " (a key in clear is there instead)"): the files were "
                        + "changed by someone else. Wipe it (observatory kit wipe --dir \(place.dir)) and open the "
                        + "kit again. Nothing was changed.")
            }
            if clear != nil, !adoptClearKey {
                throw Failure(
                    description: "kit open: \(place.dir) holds its key in clear (\(clearPath)): a copy opened before "
                        + "keys were sealed, or files planted there. If you opened this copy on this laptop yourself, "
                        + "run again with OBSERVATORY_KIT_ADOPT_CLEAR_KEY=1 to seal its key; otherwise wipe it "
                        + "(observatory kit wipe --dir \(place.dir)). Nothing was changed.")
            }
            keyText = clear ?? FieldCipher.newKeyText()
            let sealed = try KitLocalKey.wrap(keyText, passphrase: passphrase, header: header)
            guard
                manager.createFile(
                    atPath: place.sealedKey, contents: Data(sealed),
                    attributes: [.posixPermissions: 0o600])
            else {
                throw Failure(description: "kit open: cannot write \(place.sealedKey)")
            }
            if manager.fileExists(atPath: clearPath) { try overwriteAndRemove(clearPath) }
            try recordSealed(place, header: header)
        }
        unlockedKeys.withLockedValue { $0[place.dir] = keyText }
    }

    /// The user's state file (`Place.state`) also says, by kit salt, that a copy of the kit was sealed here.
    static func sealedKey(_ header: MissionKit.Header) -> String { "sealed:" + hex(header.salt) }

    static func wasSealed(_ place: Place, header: MissionKit.Header) throws -> Bool {
        try readCounts(place.state)[sealedKey(header)] != nil
    }

    /// A file of counts and records (`Place.attempts`, `Place.state`): none yet is empty; one that does not decode
    /// is refused, never rewritten (review r5, finding 7: rewriting it as `{}` dropped every count and record).
    static func readCounts(_ path: String) throws -> [String: KitAttempts] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path),
            let counts = try? JSONDecoder().decode([String: KitAttempts].self, from: data)
        else {
            throw Failure(
                description: "kit open: \(path) cannot be read (it is not as kit open wrote it); it is left as it "
                    + "is: ask the office before moving it aside")
        }
        return counts
    }

    static func recordSealed(_ place: Place, header: MissionKit.Header) throws {
        let url = URL(fileURLWithPath: place.state)
        var state = try readCounts(place.state)
        state[sealedKey(header)] = KitAttempts(failures: 0, lastAt: Int64(Date().timeIntervalSince1970))
        guard (try? JSONEncoder().encode(state).write(to: url, options: .atomic)) != nil else {
            throw Failure(description: "kit open: cannot write \(place.state)")
        }
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: place.state)
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
    static func prepare(
        _ arguments: [String], config: AppConfig, now: Int64
    ) async throws
        -> (AppConfig, [String], Prepared)
    {
        var rest = Array(arguments.dropFirst())
        for name in ["dir", "port"] {
            if let index = rest.firstIndex(of: "--" + name) {
                rest.removeSubrange(index...min(index + 1, rest.count - 1))
            }
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
            let opened = try? JSONDecoder().decode(Opened.self, from: known)
        {
            guard opened.salt == hex(header.salt) else {
                throw Failure(
                    description: "kit open: the kit of another mission (\(opened.missionID)) is open in "
                        + "\(place.dir); run observatory kit wipe --dir \(place.dir) first")
            }
            fresh = !manager.fileExists(atPath: place.database)
        }
        if fresh {
            // A copy whose loading never finished is started again: overwritten, not only unlinked (finding 6).
            for suffix in ["", ".key", "-wal", "-shm", ".lock"] {
                var info = stat()
                guard lstat(place.database + suffix, &info) == 0 else { continue }
                try overwriteAndRemove(place.database + suffix)
            }
        }
        let local = localConfig(config, place)
        let serve = [arguments[0], "serve", "--hostname", "127.0.0.1", "--port", String(port)]
        return (
            local, serve,
            Prepared(
                place: place, header: header, contents: fresh ? contents : nil,
                missionID: contents.missionID, port: port)
        )
    }

    /// The configuration that works on the local copy in `place`: its own key, no mail, no public address.
    static func localConfig(_ config: AppConfig, _ place: Place) -> AppConfig {
        var local = config
        local.storage = .sqlite(path: place.database)
        // The key opened with the passphrase (`unlock`), never a key file in clear beside the copy.
        local.key = unlockedKeys.withLockedValue { $0[place.dir] }.map { .text($0) } ?? .beside
        local.demo = false
        local.smtp = nil
        local.publicURL = nil
        local.trustProxy = false
        local.onion = nil
        // The kit copy never erases: retention's pages, due list and background check are the office's only.
        local.retention = false
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
            let account = try await AccountStore.create(
                email: email, roles: [.caseOfficer], organisationID: nil,
                passwordHash: nil, now: now, on: tx)
            let token = try await AccountSecrets.newLink(for: account.id, purpose: .setup, now: now, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: "system", action: "kit.open", recordType: "mission",
                    recordID: contents.missionID,
                    detail: "offline copy for \(email)"), now: now, on: tx)
            return token
        }
        let opened = Opened(
            salt: hex(prepared.header.salt), missionID: contents.missionID,
            expiresAt: prepared.header.expiresAt, openedAt: now.seconds)
        guard
            FileManager.default.createFile(
                atPath: prepared.place.opened, contents: try JSONEncoder().encode(opened),
                attributes: [.posixPermissions: 0o600])
        else {
            throw Failure(description: "kit open: cannot write \(prepared.place.opened)")
        }
        let cases = contents.table("cases")?.rows.count ?? 0
        print(
            "Opened the kit of \(contents.missionID) (\(cases) cases) in \(prepared.place.dir), served on \(base) "
                + "only.\nSet up the local account \(email) once at \(base)\(OfficeRoute.setup(token: token).path)")
    }

    /// The local table of offline writes, and a trigger per carried table and operation that fills it.
    static func installChangeLog(on db: any Database) async throws {
        try await db.sql.raw(
            """
            CREATE TABLE IF NOT EXISTS kit_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,
              table_name TEXT NOT NULL, row_id TEXT NOT NULL, operation TEXT NOT NULL)
            """
        ).run()
        for (table, _) in KitTables.carried {
            for (operation, row) in [("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")] {
                // The table names are the fixed list above, never input.
                try await db.sql.raw(
                    """
                    CREATE TRIGGER IF NOT EXISTS kit_log_\(unsafeRaw: table)_\(unsafeRaw: operation)
                    AFTER \(unsafeRaw: operation.uppercased()) ON \(unsafeRaw: table) BEGIN
                    INSERT INTO kit_changes (at, table_name, row_id, operation)
                    VALUES (CAST(strftime('%s', 'now') AS INTEGER), '\(unsafeRaw: table)', \(unsafeRaw: row).id,
                            '\(unsafeRaw: operation)'); END
                    """
                ).run()
            }
        }
    }

    struct Change: Decodable, Sendable {
        let seq: Int64, at: Int64, tableName: String, rowId: String, operation: String
    }

    static func changes(on db: any Database) async throws -> [Change] {
        try await db.sql.raw(
            "SELECT seq, at, table_name, CAST(row_id AS TEXT) AS row_id, operation FROM kit_changes ORDER BY seq"
        )
        .all(decoding: Change.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// What `kit wipe` did: how many files it removed, and those of them it could only unlink (a second name, not
    /// the user's, a short write), whose content may remain on the disk.
    struct Wiped: Equatable {
        var removed = 0
        var notOverwritten: [String] = []
    }

    /// `kit wipe`: every file the kit wrote in its directory (and only those) overwritten with zeros, synced and
    /// removed, then the directory if nothing else is left in it. A directory without the kit's marker file is
    /// refused and nothing in it is touched (finding 8), as are ~ and / and a link; its owner and mode are not
    /// asked (a sync tool or a restore changed them, or it was opened under sudo: still wiped in an emergency,
    /// review of issue 20, round 3, finding 6). On flash storage the old blocks may survive the overwrite:
    /// full-disk encryption is what protects them.
    static func wipe(_ place: Place) throws -> Wiped {
        guard FileManager.default.fileExists(atPath: place.dir) else {
            throw Failure(description: "kit wipe: there is no local copy in \(place.dir)")
        }
        try place.checkPrivate("kit wipe", owner: false, mode: false)
        // Every step through one descriptor of the directory (round 4, finding 6): a directory another user owns
        // cannot be swapped for a link to elsewhere between the checks and the removals.
        let dir = open(place.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard dir >= 0 else {
            throw Failure(description: "kit wipe: \(place.dir) is not a directory (a link is refused)")
        }
        defer { close(dir) }
        // The directory opened, checked again against ~ and / by its identity, not its path (round 5, finding 8).
        var opened = stat()
        guard fstat(dir, &opened) == 0 else { throw Failure(description: "kit wipe: cannot read \(place.dir)") }
        for home in ["/", NSHomeDirectory(), ProcessInfo.processInfo.environment["HOME"] ?? ""] where !home.isEmpty {
            var info = stat()
            if stat(home, &info) == 0, info.st_dev == opened.st_dev, info.st_ino == opened.st_ino {
                throw Failure(description: "kit wipe: \(place.dir) is your home directory or /: nothing was removed")
            }
        }
        let markers = [Place.markerName, Place.legacyMarkerName].filter { isMarker(in: dir, $0) }
        guard !markers.isEmpty else {
            throw Failure(
                description: "kit wipe: \(place.dir) is not a kit's directory (no \(Place.markerName) "
                    + "file): nothing was removed")
        }
        var wiped = Wiped()
        for path in place.files where path != place.marker {
            let name = String(path.dropFirst(place.dir.count + 1))
            var info = stat()
            guard fstatat(dir, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                wiped.notOverwritten.append(path + " (a directory, left as it is)")
                continue
            case S_IFREG:
                if !(try overwriteAndRemove(in: dir, name, shown: path)) { wiped.notOverwritten.append(path) }
            default:
                // A link or a device planted under a kit's name: removed, never followed or written.
                guard unlinkat(dir, name, 0) == 0 || errno == ENOENT else {
                    throw Failure(description: "kit wipe: cannot remove \(path)")
                }
            }
            wiped.removed += 1
        }
        for marker in markers {
            guard unlinkat(dir, marker, 0) == 0 else {
                throw Failure(description: "kit wipe: cannot remove \(place.dir)/\(marker)")
            }
            wiped.removed += 1
        }
        if (try? FileManager.default.contentsOfDirectory(atPath: place.dir))?.isEmpty ?? false {
            _ = rmdir(place.dir)  // only ever an empty directory
        }
        return wiped
    }

    /// Whether `name` in the directory `dir` is the kit's marker: a regular file (never a link) with the exact text.
    static func isMarker(in dir: Int32, _ name: String) -> Bool {
        let fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size < 4_096 else { return false }
        var bytes = [UInt8](repeating: 0, count: 4_096)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return count >= 0 && Array(bytes.prefix(count)) == Array(Place.markerText.utf8)
    }

    /// Overwrites a file with zeros, syncs it and removes it. Opened without following a link (a link swapped
    /// in after the check is removed, never followed); only a regular file with one name is overwritten, whoever
    /// owns it (a restore or `sudo` changed it; round 4, finding 6), and a hard link to another file is only
    /// unlinked (finding 6). True when the whole file was overwritten and synced; false when it was only unlinked
    /// (review of issue 20, round 3, finding 7).
    @discardableResult
    static func overwriteAndRemove(_ path: String) throws -> Bool {
        let url = URL(fileURLWithPath: path)
        let dir = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { throw Failure(description: "kit: cannot remove \(path)") }
        defer { close(dir) }
        return try overwriteAndRemove(in: dir, url.lastPathComponent, shown: path)
    }

    @discardableResult
    static func overwriteAndRemove(in dir: Int32, _ name: String, shown path: String) throws -> Bool {
        var overwritten = false
        let fd = openat(dir, name, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            var info = stat()
            if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1 {
                var left = Int(info.st_size)
                let zeros = [UInt8](repeating: 0, count: 1 << 20)
                while left > 0 {
                    let written = zeros.withUnsafeBytes { write(fd, $0.baseAddress, min(left, zeros.count)) }
                    guard written > 0 else { break }
                    left -= written
                }
                overwritten = left == 0 && fsync(fd) == 0
            }
        }
        guard unlinkat(dir, name, 0) == 0 || errno == ENOENT else {
            throw Failure(description: "kit: cannot remove \(path)")
        }
        return overwritten
    }
}
