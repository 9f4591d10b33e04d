import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

#if canImport(Glibc)
    import Glibc
#endif

/// Working offline on a kit (issue 20): guesses are counted, slowed and stopped; the local copy is sealed under a
/// key of its own, served through the usual office pages, and every write to its records is in the change log.
@Suite struct MissionKitOfflineTests {
    /// A kit of a mission with two canary cases, made on `engine`, and its passphrase.
    static func kit(_ engine: Engine) async throws -> (file: [UInt8], passphrase: String, mission: String) {
        var result: ([UInt8], String, String)? = nil
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let (mission, _, _) = try await MissionKitExportTests.mission(app, team: team)
            let made = try await KitExport.make(
                mission: mission, days: 5, by: "drafter@example.org",
                now: testClock.now(), cipher: app.site.cipher, cost: .fast,
                on: app.db)
            result = (made.file, made.passphrase, mission)
        }
        return try #require(result)
    }

    @Test(arguments: Engine.all)
    func wrongPassphrasesAreCountedSlowedAndStopped(_ engine: Engine) async throws {
        // setup
        let (file, passphrase, _) = try await Self.kit(engine)
        let scratch = MissionKitExportTests.scratch().path
        let place = KitOffline.Place(dir: scratch + "/laptop", state: scratch + "/attempts-of-the-user.json")
        let waits = NIOLockedValueBox<[Int]>([])
        let now = testClock.now().seconds
        // act: four wrong guesses, each waiting longer than the last.
        for left in [4, 3, 2, 1] {
            do {
                _ = try await KitOffline.unlock(file, passphrase: "GUESS-\(left)", place: place, now: now) { seconds in
                    waits.withLockedValue { $0.append(seconds) }
                }
                Issue.record("a wrong passphrase opened the kit")
            } catch let failure as UserCommand.Failure {
                #expect(
                    failure.description.contains("passphrase is wrong")
                        && failure.description
                            .contains("\(left) tr"),
                    "\(failure)")
            }
        }
        // The right one still opens, and clears the count.
        let (_, contents) = try await KitOffline.unlock(file, passphrase: passphrase, place: place, now: now) { _ in }
        #expect(!contents.tables.isEmpty)
        #expect(waits.withLockedValue { $0 } == [0, 2, 4, 8], "the right one was given its own wait (16)")
        // Five wrong ones in a row lock the kit here, even against the right passphrase.
        for n in 0..<KitAttempts.allowed {
            _ = try? await KitOffline.unlock(file, passphrase: "GUESS-\(n)", place: place, now: now) { _ in }
        }
        await #expect(throws: UserCommand.Failure.self) {
            _ = try await KitOffline.unlock(file, passphrase: passphrase, place: place, now: now) { _ in }
        }
        // The private directory is its owner's only.
        let mode = try FileManager.default.attributesOfItem(atPath: place.dir)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        // Killing the program during a try does not reset the count: it is written before the try.
        let counted = try JSONDecoder().decode(
            [String: KitAttempts].self,
            from: Data(contentsOf: URL(fileURLWithPath: place.attempts)))
        #expect(counted.values.first?.failures == KitAttempts.allowed)
        // Neither another --dir nor deleting the directory's count resets it: the user's count is bound to the kit.
        try FileManager.default.removeItem(atPath: place.attempts)
        for other in [place, KitOffline.Place(dir: scratch + "/elsewhere", state: place.state)] {
            await #expect(throws: UserCommand.Failure.self, "\(other.dir)") {
                _ = try await KitOffline.unlock(file, passphrase: passphrase, place: other, now: now) { _ in }
            }
        }
    }

    /// Finding 8: `--dir` on a folder that is not empty and not the kit's is refused, and `kit wipe` there removes
    /// nothing; in the kit's own directory it removes only the files the kit wrote, and follows no planted link.
    @Test func onlyTheKitsOwnDirectoryIsUsedAndWipedAndOnlyItsFiles() async throws {
        let (file, passphrase, _) = try await Self.kit(.sqlite)
        let scratch = MissionKitExportTests.scratch().path, manager = FileManager.default
        let home = KitOffline.Place(dir: scratch + "/home", state: scratch + "/state.json")
        try manager.createDirectory(
            atPath: home.dir, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755])
        let thesis = home.dir + "/thesis.txt"
        try Data("my own work".utf8).write(to: URL(fileURLWithPath: thesis))
        await #expect(throws: UserCommand.Failure.self) {
            _ = try await KitOffline.unlock(file, passphrase: passphrase, place: home, now: testClock.now().seconds) {
                _ in
            }
        }
        #expect(throws: UserCommand.Failure.self) { _ = try KitOffline.wipe(home) }
        #expect(try String(contentsOfFile: thesis, encoding: .utf8) == "my own work")
        #expect(try manager.attributesOfItem(atPath: home.dir)[.posixPermissions] as? Int == 0o755)
        #expect(!manager.fileExists(atPath: home.marker))
        // The kit's own directory: its files go, a stranger's file and the file a planted link points to stay.
        let place = KitOffline.Place(dir: scratch + "/laptop", state: home.state)
        _ = try await KitOffline.unlock(file, passphrase: passphrase, place: place, now: testClock.now().seconds) { _ in
        }
        try Data("kit data".utf8).write(to: URL(fileURLWithPath: place.database))
        try manager.createSymbolicLink(atPath: place.database + "-wal", withDestinationPath: thesis)
        try Data("stranger".utf8).write(to: URL(fileURLWithPath: place.dir + "/stranger.txt"))
        let wiped = try KitOffline.wipe(place)
        #expect(wiped.removed >= 4 && wiped.notOverwritten.isEmpty, "\(wiped)")
        #expect(try manager.contentsOfDirectory(atPath: place.dir) == ["stranger.txt"])
        #expect(try String(contentsOfFile: thesis, encoding: .utf8) == "my own work", "the link was not followed")
    }

    @Test(arguments: Engine.all)
    func theLocalCopyIsSealedServedAsTheOfficeAndLogsEveryWrite(_ engine: Engine) async throws {
        // setup: a kit made on `engine`, opened into an SQLite file with a key of its own.
        let (file, passphrase, mission) = try await Self.kit(engine)
        let place = KitOffline.Place(dir: MissionKitExportTests.scratch().path + "/laptop")
        let (_, contents) = try await KitOffline.unlock(
            file, passphrase: passphrase, place: place,
            now: testClock.now().seconds
        ) { _ in }
        try place.create()
        // Finding 7: the local key is beside the copy only sealed under the passphrase.
        let header = try MissionKit.Header.read(file)
        let sealed = try #require(FileManager.default.contents(atPath: place.sealedKey))
        #expect(!FileManager.default.fileExists(atPath: place.database + ".key"), "no key in clear")
        #expect(throws: KitLocalKey.Failure.self) {
            _ = try KitLocalKey.unwrap(Array(sealed), passphrase: "GUESS", header: header)
        }
        let local = KitOffline.localConfig(AppConfig(storage: .sqlite(path: ":memory:"), demo: false), place)
        let keyText = try KitLocalKey.unwrap(Array(sealed), passphrase: passphrase, header: header)
        #expect(local.key == .text(keyText))
        #expect(sealed.range(of: Data(keyText.utf8)) == nil)
        try await withApp(.sqlite, sqliteFile: place.database, adjust: { $0.key = local.key }) {
            app in
            try await app.db.write { tx in
                try await KitTables.load(contents, cipher: app.site.cipher, on: tx)
                try await KitOffline.installChangeLog(on: tx)
            }
            // act: the officer reads the mission and a case through the usual pages, and changes the mission.
            let (_, secret) = try await TestAccounts.create(
                "drafter@example.org", [.caseOfficer], secondFactor: true,
                in: app)
            let officer = TestBrowser(app)
            _ = try await officer.signIn("drafter@example.org", secret: secret)
            let page = try await officer.get("/office/missions/\(mission)")
            let caseID = try #require(KitTables.ids(contents.table("cases")).first)
            let casePage = try await officer.get("/office/cases/\(caseID)")
            let saved = try await officer.post(
                "/office/missions/\(mission)",
                MissionTests.missionFields(title: "Renamed offline"))
            // assert
            #expect(page.status == .ok && page.body.contains("KITCANARY-concern-hearing"))
            #expect(casePage.status == .ok && casePage.body.contains("KITCANARY-label-Ines"))
            #expect(saved.status == .seeOther)
            let changes = try await KitOffline.changes(on: app.db)
            #expect(changes.contains { $0.tableName == "missions" && $0.rowId == mission && $0.operation == "update" })
            #expect(!changes.contains { $0.operation == "insert" }, "loading the kit is not an offline change")
        }
        // The local file holds no canary in clear: it is sealed under the local key.
        var raw = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: place.dir) {
            raw += try Data(contentsOf: URL(fileURLWithPath: place.dir + "/" + name))
        }
        for canary in MissionKitExportTests.linked {
            #expect(raw.range(of: Data(canary.utf8)) == nil, "\(canary) is in clear in the local copy")
        }
        #expect(raw.range(of: Data(keyText.utf8)) == nil, "the local key is nowhere in clear")
        // Wiping removes the local copy.
        #expect(try KitOffline.wipe(place).removed >= 2)
        #expect(!FileManager.default.fileExists(atPath: place.dir))
    }

    /// Retsafe findings 5 and 6: only a marker that is a regular file with the kit's exact text counts; the home
    /// directory and / are refused after resolving; another user's directory is refused before its mode changes;
    /// a link swapped in is never followed and a hard link's other name is never zeroed.
    @Test func theKitsDirectoryIsItsOwnAndItsFilesAreNeverFollowed() throws {
        let scratch = MissionKitExportTests.scratch().path, manager = FileManager.default
        // The old marker's name (the default directory's) or a marker that is not a regular file with the text.
        let fake = KitOffline.Place(dir: scratch + "/fake", state: scratch + "/state.json")
        try manager.createDirectory(atPath: fake.dir + "/.observatory-kit", withIntermediateDirectories: true)
        let victim = fake.dir + "/kit.json"
        try Data("the user's own kit.json".utf8).write(to: URL(fileURLWithPath: victim))
        #expect(!fake.isKits)
        #expect(throws: UserCommand.Failure.self) { _ = try KitOffline.wipe(fake) }
        try manager.createDirectory(atPath: fake.marker, withIntermediateDirectories: true)
        #expect(!fake.isKits, "a directory is no marker")
        try manager.removeItem(atPath: fake.marker)
        let text = scratch + "/text"
        try Data(KitOffline.Place.markerText.utf8).write(to: URL(fileURLWithPath: text))
        try manager.createSymbolicLink(atPath: fake.marker, withDestinationPath: text)
        #expect(!fake.isKits, "a link is no marker")
        try manager.removeItem(atPath: fake.marker)
        try Data("something else".utf8).write(to: URL(fileURLWithPath: fake.marker))
        #expect(!fake.isKits, "other text is no marker")
        #expect(throws: UserCommand.Failure.self) { _ = try KitOffline.wipe(fake) }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "the user's own kit.json")
        // A copy made before the marker's new name: its old marker, a regular file with the text, is still the
        // kit's, and the copy can be wiped (round 3, finding 5).
        let legacy = KitOffline.Place(dir: scratch + "/legacy", state: fake.state)
        try manager.createDirectory(
            atPath: legacy.dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Data(KitOffline.Place.markerText.utf8).write(to: URL(fileURLWithPath: legacy.legacyMarker))
        try Data("KITSECRET".utf8).write(to: URL(fileURLWithPath: legacy.database))
        #expect(legacy.isKits)
        #expect(try KitOffline.wipe(legacy) == KitOffline.Wiped(removed: 2, notOverwritten: []))
        #expect(!manager.fileExists(atPath: legacy.dir))
        // ~ and / are refused however they are written.
        for dir in [NSHomeDirectory() + "/.", "/", scratch + "/../../../../../../../.."] {
            #expect(throws: UserCommand.Failure.self, "\(dir)") {
                try KitOffline.Place(dir: dir).checkPrivate("kit")
            }
        }
        // A link swapped in for a kit's file is removed, not followed; a hard link's other name keeps its content.
        let place = KitOffline.Place(dir: scratch + "/laptop", state: fake.state)
        try place.create()
        #expect(place.isKits)
        let mine = scratch + "/mine.txt"
        try Data("my own work".utf8).write(to: URL(fileURLWithPath: mine))
        try manager.createSymbolicLink(atPath: place.opened, withDestinationPath: mine)
        try KitOffline.overwriteAndRemove(place.opened)
        try manager.linkItem(atPath: mine, toPath: place.attempts)
        #expect(try KitOffline.overwriteAndRemove(place.attempts) == false, "only unlinked, and said so")
        #expect(try String(contentsOfFile: mine, encoding: .utf8) == "my own work")
        #expect(!manager.fileExists(atPath: place.opened) && !manager.fileExists(atPath: place.attempts))
        // A regular file of the kit's is zeroed before it goes (read through a descriptor kept open).
        try Data("KITSECRET".utf8).write(to: URL(fileURLWithPath: place.database))
        let reader = try #require(FileHandle(forReadingAtPath: place.database))
        #expect(try KitOffline.overwriteAndRemove(place.database))
        #expect(reader.readDataToEndOfFile() == Data(count: 9))
        try reader.close()
        // Another user's directory: never opened into (refused before its mode changes); but a copy whose owner or
        // mode changed (a sync tool, a restore, sudo) is still wiped in an emergency (round 3, finding 6), and a
        // file it could only unlink (not the user's) is named (finding 7).
        if getuid() == 0 {
            let theirs = KitOffline.Place(dir: scratch + "/theirs", state: fake.state)
            try theirs.create()
            try Data("theirs".utf8).write(to: URL(fileURLWithPath: theirs.database))
            try Data("mine".utf8).write(to: URL(fileURLWithPath: theirs.opened))
            #expect(chown(theirs.dir, 65_534, 65_534) == 0)
            #expect(chmod(theirs.dir, 0o755) == 0)
            #expect(throws: UserCommand.Failure.self) { try theirs.create() }
            #expect(try manager.attributesOfItem(atPath: theirs.dir)[.posixPermissions] as? Int == 0o755)
            #expect(try String(contentsOfFile: theirs.database, encoding: .utf8) == "theirs")
            #expect(chown(theirs.database, 65_534, 65_534) == 0)
            let theirsReader = try #require(FileHandle(forReadingAtPath: theirs.database))
            let wiped = try KitOffline.wipe(theirs)
            // Another owner's file is overwritten too (round 4, finding 6).
            #expect(wiped.removed == 3 && wiped.notOverwritten.isEmpty, "\(wiped)")
            #expect(theirsReader.readDataToEndOfFile() == Data(count: 6))
            try theirsReader.close()
            #expect(!manager.fileExists(atPath: theirs.dir))
        }
        // A directory under a kit file's name is neither entered nor removed, and is named (round 4, finding 6).
        try manager.createDirectory(atPath: place.database + "-wal", withIntermediateDirectories: false)
        try Data("inside".utf8).write(to: URL(fileURLWithPath: place.database + "-wal/kept.txt"))
        let wiped = try KitOffline.wipe(place)
        #expect(wiped.notOverwritten == [place.database + "-wal (a directory, left as it is)"], "\(wiped)")
        #expect(try String(contentsOfFile: place.database + "-wal/kept.txt", encoding: .utf8) == "inside")
        try manager.removeItem(atPath: place.dir)
    }

    /// Retsafe finding 8: an evil maid plants the marker and a known clear key before the first open; the new
    /// copy is not sealed under it, and the planted key is overwritten and removed.
    @Test func aPlantedClearKeyIsNotAdoptedForANewCopy() async throws {
        let (file, passphrase, _) = try await Self.kit(.sqlite)
        let scratch = MissionKitExportTests.scratch().path
        let place = KitOffline.Place(dir: scratch + "/laptop", state: scratch + "/state.json")
        try place.create()
        let planted = FieldCipher.newKeyText()
        try Data(planted.utf8).write(to: URL(fileURLWithPath: place.database + ".key"))
        _ = try await KitOffline.unlock(file, passphrase: passphrase, place: place, now: testClock.now().seconds) { _ in
        }
        let sealed = try #require(FileManager.default.contents(atPath: place.sealedKey))
        let header = try MissionKit.Header.read(file)
        #expect(try KitLocalKey.unwrap(Array(sealed), passphrase: passphrase, header: header) != planted)
        #expect(!FileManager.default.fileExists(atPath: place.database + ".key"))
        _ = try KitOffline.wipe(place)
        // Round 4, finding 5: this kit's copy was sealed here before; planted files are refused whatever the user
        // says, and the user is told to wipe them.
        func plant(_ place: KitOffline.Place) throws {
            try place.create()
            let opened = KitOffline.Opened(
                salt: KitOffline.hex(header.salt), missionID: "m", expiresAt: header.expiresAt, openedAt: 0)
            try JSONEncoder().encode(opened).write(to: URL(fileURLWithPath: place.opened))
            try Data("any".utf8).write(to: URL(fileURLWithPath: place.database))
            try Data(planted.utf8).write(to: URL(fileURLWithPath: place.database + ".key"))
        }
        try plant(place)
        #expect(throws: UserCommand.Failure.self) {
            do {
                try KitOffline.unlockLocalKey(place, passphrase: passphrase, header: header, adoptClearKey: true)
            } catch let failure as UserCommand.Failure {
                #expect(failure.description.contains("was sealed here before") && failure.description.contains("Wipe"))
                throw failure
            }
        }
        #expect(!FileManager.default.fileExists(atPath: place.sealedKey), "nothing was changed")
        _ = try KitOffline.wipe(place)
        // Round 3, finding 8: the marker, kit.json, a kit.sqlite and a known clear key planted together look like a
        // copy opened before keys were sealed (by a user whose state holds no sealed copy of this kit): the key is
        // taken only when the user says so.
        let other = KitOffline.Place(dir: scratch + "/laptop", state: scratch + "/other-state.json")
        try plant(other)
        do {
            try KitOffline.unlockLocalKey(other, passphrase: passphrase, header: header, adoptClearKey: false)
            Issue.record("a planted clear key was adopted")
        } catch let failure as UserCommand.Failure {
            #expect(failure.description.contains("OBSERVATORY_KIT_ADOPT_CLEAR_KEY=1"), "\(failure)")
        }
        #expect(!FileManager.default.fileExists(atPath: other.sealedKey), "nothing was changed")
        #expect(FileManager.default.fileExists(atPath: other.database + ".key"))
        try KitOffline.unlockLocalKey(other, passphrase: passphrase, header: header, adoptClearKey: true)
        let adopted = try #require(FileManager.default.contents(atPath: other.sealedKey))
        #expect(try KitLocalKey.unwrap(Array(adopted), passphrase: passphrase, header: header) == planted)
        #expect(!FileManager.default.fileExists(atPath: other.database + ".key"), "the clear key is gone")
        #expect(try KitOffline.wasSealed(other, header: header), "sealed now: never adopted again")
        _ = try KitOffline.wipe(other)
    }
}
