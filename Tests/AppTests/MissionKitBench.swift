import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The measure of `bench/kit.sh` (not a test; runs only with OBSERVATORY_BENCH_KIT=1): a mission of 20 cases with
/// 50 MB of attachments (random bytes: photos do not compress), exported, opened, changed offline, returned and
/// merged, with the standard scrypt cost, on SQLite files. Prints the sizes and times.
@Suite struct MissionKitBench {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["OBSERVATORY_BENCH_KIT"] != nil))
    func twentyCasesAndFiftyMegabytes() async throws {
        let dir = MissionKitExportTests.scratch()
        func seconds(_ start: ContinuousClock.Instant) -> String {
            let d = ContinuousClock.now - start
            return String(format: "%.2f s", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
        }
        try await withApp(.sqlite, sqliteFile: dir.path + "/office.sqlite") { app in
            let team = try await CaseTeam.make(app)
            let now = testClock.now(), cipher = app.site.cipher
            var cases: [String] = []
            var generator = SystemRandomNumberGenerator()
            for n in 0..<20 {
                let words = (0..<(2_500_000 / 8)).map { _ in generator.next() as UInt64 }
                let bytes = words.withUnsafeBytes { Array($0) }
                cases.append(
                    try await CaseStore.open(
                        NewCase(
                            country: "MX", label: "Bench case \(n)", notes: "notes \(n)",
                            person: NewPerson(
                                kind: .defender, name: "Person \(n)", consents: false, description: "a lawyer",
                                contact: "+52 \(n)"),
                            attachments: [Upload(filename: "photo-\(n).jpg", contentType: "image/jpeg", data: bytes)]),
                        by: "drafter@example.org", now: now, cipher: cipher, on: app.db))
            }
            try await team.drafter.get("/office/missions")
            let created = try await team.drafter.post("/office/missions", MissionTests.missionFields())
            let path = try #require(created.location)
            for caseID in cases {
                _ = try await team.drafter.post(path + "/cases", [("case", caseID), ("concern", "the hearing")])
            }
            let mission = String(path.split(separator: "/").last!)
            // export
            var start = ContinuousClock.now
            let made = try await KitExport.run(
                mission: mission, to: dir.path + "/bench.obskit", days: 7,
                by: "drafter@example.org", app: app)
            print(
                "BENCH kit: \(made.cases) cases, \(made.attachments) files, \(made.file.count) bytes; "
                    + "export \(seconds(start))")
            // open: unlock, a fresh local copy migrated and filled, the change log installed
            start = ContinuousClock.now
            let place = KitOffline.Place(dir: dir.path + "/laptop")
            let (header, contents) = try await KitOffline.unlock(
                made.file, passphrase: made.passphrase,
                place: place, now: now.seconds
            ) { _ in }
            try place.create()
            var returned: [UInt8] = []
            try await withApp(
                .sqlite, sqliteFile: place.database,
                adjust: { $0.key = .text(FieldCipher.newKeyText()) }
            ) { laptop in
                try await laptop.db.write { tx in
                    try await KitTables.load(contents, cipher: laptop.site.cipher, on: tx)
                    try await KitOffline.installChangeLog(on: tx)
                }
                print("BENCH open: \(seconds(start))")
                for caseID in cases {
                    try await MissionKitMergeTests.set(
                        "cases", .caseNotes, "notes_sealed", caseID, "offline",
                        cipher: laptop.site.cipher, on: laptop.db)
                }
                start = ContinuousClock.now
                returned = try await KitOffline.returned(
                    KitOffline.Returning(
                        place: place, header: header, exported: contents,
                        passphrase: made.passphrase),
                    cipher: laptop.site.cipher, now: now.seconds, on: laptop.db
                ).file
                print("BENCH return (20 changed cases): \(returned.count) bytes, \(seconds(start))")
            }
            start = ContinuousClock.now
            let sha256 = Evidence.sha256(returned)
            let kit = try KitMerge.read(returned, passphrase: made.passphrase, now: now.seconds, cipher: cipher)
            let outcome = try await app.db.write { tx in
                try await KitMerge.merge(
                    kit, file: sha256, by: "bench", cipher: cipher, now: now, on: tx)
            }
            print("BENCH merge: \(outcome.updated) records changed, \(seconds(start))")
            start = ContinuousClock.now
            let again = try await app.db.write { tx in
                try await KitMerge.merge(
                    kit, file: sha256, by: "bench", cipher: cipher, now: now, on: tx)
            }
            print("BENCH merge again: \(again.applied) changes, \(seconds(start))")
            #expect(outcome.updated == 20 && !again.changedAnything)
        }
        try? FileManager.default.removeItem(at: dir)
    }
}
