import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The second round of attacks on a returned kit (docs/review-kitsafe.md findings 1-14, review-kitsafe2.md): a kit
/// forged by whoever holds it and its passphrase, as in `MissionKitAttackTests`.
@Suite struct MissionKitAttack2Tests {
    typealias Value = KitContents.Value
    typealias Trip = MissionKitMergeTests.Trip
    typealias Attack = MissionKitAttackTests

    struct Count: Decodable { let n: Int }

    static func count(_ sql: SQLQueryString, _ db: any Database) async throws -> Int {
        try await db.sql.raw(sql).first(decoding: Count.self)?.n ?? -1
    }

    /// One column of one row, as the database holds it (sealed values opened).
    static func value(_ table: String, _ id: String, _ column: String, _ app: Application) async throws -> Value? {
        KitMerge.rows(
            try await KitTables.read(
                table, where: "id", in: [id], cipher: app.site.cipher,
                on: app.db))[id]?[column]
    }

    @Test(arguments: Engine.all)
    func anIdTheOfficeKnewIsRefusedAndTheOfficeSetsTheColumnsOfARecordMadeOffline(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: an id the office knew (a case erased since, its audit entries kept).
            let trip = try await MissionKitMergeTests.trip(app, kitValue: "kit", officeValue: "office")
            let exported = try Attack.exported(trip)
            try await AuditLog.record(
                AuditEvent(actor: "drafter@example.org", action: "case.open", recordType: "case", recordID: "case-old"),
                now: testClock.now(), on: app.db)
            let template = try #require(Attack.row(exported.table("cases"), trip.cases[1]))
            let fileID = try #require(Attack.first(exported, "case_attachments", where: "case_id", is: trip.cases[1]))
            let personID = try #require(Attack.first(exported, "case_people", where: "case_id", is: trip.cases[1]))
            func newCase(_ id: String) -> [String: Value] {
                var made = template
                made["id"] = .text(id)
                made["receipt_hash"] = .text(Evidence.sha256(Array("receipt:FORGED".utf8)))
                made["origin"] = .text("report")
                made["opened_at"] = .integer(1)
                made["status_changed_at"] = .integer(1)
                made["last_activity_at"] = .integer(1)
                return made
            }
            // act and assert: the erased case sent back as made offline is refused (finding 1) ...
            try await Attack.refused(
                try Attack.forge(trip) { contents in
                    Attack.put(&contents, "cases", newCase("case-old"))
                    Attack.logged(&contents, "cases", "case-old", "insert")
                }, app, "which the office knew before")
            // ... and so is a person whose id the office's log names (finding 2c).
            try await Attack.refused(
                try Attack.forge(trip) { contents in
                    var person = try #require(Attack.row(exported.table("case_people"), personID))
                    person["id"] = .text(fileID)
                    Attack.put(&contents, "case_people", person)
                    Attack.logged(&contents, "case_people", fileID, "insert")
                }, app, "which the office holds or knew")
            // A person made offline without a column the database requires: refused by the merge, never by the
            // database, whose error would carry the row's values to the log (round 4, finding 7).
            // The kit's table of people without the column at all.
            try await Attack.refused(
                try Attack.forge(trip) { contents in
                    var person = try #require(Attack.row(exported.table("case_people"), personID))
                    person["id"] = .text("person-partial")
                    person["contact_sealed"] = nil
                    Attack.put(&contents, "case_people", person)
                    Attack.logged(&contents, "case_people", "person-partial", "insert")
                    let index = try #require(contents.tables.firstIndex { $0.name == "case_people" })
                    var table = contents.tables[index]
                    let dropped = try #require(table.columns.firstIndex(of: "contact_sealed"))
                    table.columns.remove(at: dropped)
                    table.rows = table.rows.map {
                        var row = $0; row.remove(at: dropped); return row
                    }
                    contents.tables[index] = table
                }, app, "made offline leaves out contact_sealed")
            // A case and a file made offline, every column the office sets forged (finding 2).
            let bytes = Array("a note taken offline".utf8)
            let forged = try Attack.forge(trip) { contents in
                Attack.put(&contents, "cases", newCase("case-new"))
                Attack.logged(&contents, "cases", "case-new", "insert")
                var file = try #require(Attack.row(exported.table("case_attachments"), fileID))
                file["id"] = .text("file-new")
                file["case_id"] = .text("case-new")
                file["data_sealed"] = .bytes(Data(bytes))
                file["sha256_sealed"] = .text(Evidence.sha256(bytes))
                file["content_type"] = .text("text/html")
                file["size"] = .integer(999)
                file["added_by"] = .text("boss@example.org")
                file["added_at"] = .integer(1)
                file["derived_from"] = .text(fileID)
                file["derivation"] = .text("metadata removed (mat2)")
                Attack.put(&contents, "case_attachments", file)
                Attack.logged(&contents, "case_attachments", "file-new", "insert")
            }
            let outcome = try await MissionKitMergeTests.merge(forged, app)
            #expect(outcome.inserted == 2, "\(outcome)")
            let now = Value.integer(testClock.now().seconds)
            #expect(try await Self.value("cases", "case-new", "receipt_hash", app) == .null)
            #expect(try await Self.value("cases", "case-new", "origin", app) == .text("mission"))
            for column in ["opened_at", "status_changed_at", "last_activity_at"] {
                #expect(try await Self.value("cases", "case-new", column, app) == now, "\(column)")
            }
            #expect(try await Self.value("case_attachments", "file-new", "content_type", app) == .text("text/plain"))
            #expect(try await Self.value("case_attachments", "file-new", "size", app) == .integer(Int64(bytes.count)))
            #expect(
                try await Self.value("case_attachments", "file-new", "added_by", app)
                    == .text(MissionKitMergeTests.merger))
            #expect(try await Self.value("case_attachments", "file-new", "derived_from", app) == .null)
            #expect(try await Self.value("case_attachments", "file-new", "derivation", app) == .null)
        }
    }

    @Test(arguments: Engine.all)
    func consentNamesAndSpellingsWaitForAnOfficerAndAKitNeitherDeletesNorRestores(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: the person of the second case named otherwise and consenting, a new Arabic spelling, its act
            // deleted, the case closed with its dates in 1970.
            let trip = try await MissionKitMergeTests.trip(app, kitValue: "kit", officeValue: "office")
            let exported = try Attack.exported(trip)
            // A person the office still holds (the trip deletes one at the office).
            struct Held: Decodable { let id: String, caseId: String }
            let held = try #require(
                try await app.db.sql.raw("SELECT id, case_id FROM case_people WHERE case_id IN (\(binds: trip.cases))")
                    .first(decoding: Held.self, keyDecodingStrategy: .convertFromSnakeCase))
            let (caseID, personID) = (held.caseId, held.id)
            let actID = try #require(Attack.first(exported, "case_acts", where: "case_id", is: caseID))
            let forged = try Attack.forge(trip) { contents in
                var person = try #require(Attack.row(exported.table("case_people"), personID))
                Attack.put(&contents, "case_people", base: true, person)
                person["consents_to_be_named"] = .integer(1)
                person["name_sealed"] = .text("KITCANARY-another-spelling")
                person["position"] = .integer(1_000)  // after a twin made offline (round 4, finding 2)
                Attack.put(&contents, "case_people", person)
                Attack.logged(&contents, "case_people", personID, "update")
                Attack.put(
                    &contents, "case_person_languages",
                    [
                        "id": .text("spelling-new"), "person_id": .text(personID), "case_id": .text(caseID),
                        "language": .text("ar"), "description_sealed": .text("KITCANARY-identifying"),
                        "spelling_sealed": .text("KITCANARY-spelling"), "changed_at": .integer(1)
                    ])
                Attack.logged(&contents, "case_person_languages", "spelling-new", "insert")
                Attack.put(
                    &contents, "case_acts", base: true, try #require(Attack.row(exported.table("case_acts"), actID)))
                Attack.remove(&contents, "case_acts", actID)
                Attack.logged(&contents, "case_acts", actID, "delete")
                var file = try #require(Attack.row(exported.table("cases"), caseID))
                Attack.put(&contents, "cases", base: true, file)
                file["status"] = .text(CaseStatus.closed.rawValue)
                file["status_changed_at"] = .integer(0)
                file["last_activity_at"] = .integer(0)
                Attack.put(&contents, "cases", file)
                Attack.logged(&contents, "cases", caseID, "update")
            }
            // act
            let outcome = try await MissionKitMergeTests.merge(forged, app)
            // assert: consent and name unchanged, each to confirm; the spelling not written; the act kept.
            #expect(try await Self.value("case_people", personID, "consents_to_be_named", app) == .integer(0))
            #expect(
                try await Self.value("case_people", personID, "name_sealed", app) != .text("KITCANARY-another-spelling")
            )
            #expect(try await Self.value("case_people", personID, "position", app) != .integer(1_000))
            for column in ["consents_to_be_named", "name_sealed", "position"] {
                #expect(
                    outcome.flags.contains { $0.row == personID && $0.column == column && $0.kind == "to-confirm" },
                    "\(outcome.flags)")
            }
            #expect(try await Self.count("SELECT COUNT(*) AS n FROM case_person_languages", app.db) == 0)
            #expect(try await Self.count("SELECT COUNT(*) AS n FROM case_acts WHERE id = \(bind: actID)", app.db) == 1)
            #expect(outcome.flags.contains { $0.row == actID && $0.kind == "not-deleted" })
            // The status is applied, its dates are the office's (finding 6).
            #expect(try await Self.value("cases", caseID, "status", app) == .text(CaseStatus.closed.rawValue))
            let now = Value.integer(testClock.now().seconds)
            #expect(try await Self.value("cases", caseID, "status_changed_at", app) == now)
            #expect(try await Self.value("cases", caseID, "last_activity_at", app) == now)
            // The officer takes the spelling: written then, into the same case's person only.
            let shown = try await KitConflicts.shown(.caseFile(caseID), cipher: app.site.cipher, on: app.db)
            let spelling = try #require(shown.first { $0.kind == "new-spelling" }, "\(shown)")
            #expect(spelling.kit.contains("KITCANARY-spelling"))
            let decided = try await KitConflicts.decide(
                spelling.id, .caseFile(caseID), keep: "kit", by: "decider@example.org", now: testClock.now(),
                cipher: app.site.cipher, on: app.db)
            #expect(decided == .done)
            #expect(
                try await Self.value("case_person_languages", "spelling-new", "spelling_sealed", app)
                    == .text("KITCANARY-spelling"))
        }
    }

    @Test(arguments: Engine.all)
    func aKitIsMergedFromOneFileAndErasureDropsItsDigests(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let trip = try await MissionKitMergeTests.trip(app, kitValue: "kit", officeValue: "office")
            // act and assert: merged once; the same file again changes nothing; another file is refused (finding 9).
            let first = try await MissionKitMergeTests.merge(trip, app)
            #expect(first.changedAnything)
            let after = try await MissionKitMergeTests.everything(app.db)
            let again = try await MissionKitMergeTests.merge(trip, app)
            #expect(!again.changedAnything && again.applied == 0)
            #expect(try await MissionKitMergeTests.everything(app.db) == after)
            try await Attack.refused(try Attack.forge(trip) { _ in }, app, "merged on")
            // Erasing a case drops its rows' digests from the kit's record, keeping their ids (finding 4).
            let caseID = trip.cases[1]
            try await app.db.write { tx in try await CaseErasure.delete(caseID, on: tx) }
            struct Stored: Decodable { let rowDigests: String }
            let digests = try #require(
                try await app.db.sql.raw("SELECT row_digests FROM kit_exports").first(
                    decoding: Stored.self, keyDecodingStrategy: .convertFromSnakeCase)
            ).rowDigests.split(separator: "\n")
            let erased = digests.filter { $0.hasSuffix(" " + caseID) }
            #expect(erased.count >= 4 && erased.allSatisfy { $0.split(separator: " ")[2] == "-" }, "\(erased)")
            #expect(digests.contains { $0 == "cases \(caseID) - \(caseID)" })
            #expect(digests.contains { $0.hasPrefix("cases \(trip.cases[0]) ") && !$0.contains(" - ") })
            // Cleared at the kit's expiry.
            try await KitRecord.clearExpired(now: testClock.now().seconds + 6 * 86_400, on: app.db)
            #expect(try await Self.count("SELECT COUNT(*) AS n FROM kit_exports WHERE row_digests = ''", app.db) == 1)
        }
    }

    @Test(arguments: Engine.all)
    func aValueOfTheWrongKindOrOutsideTheOfficesVocabularyIsRefused(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let trip = try await MissionKitMergeTests.trip(app, kitValue: "kit", officeValue: "office")
            let exported = try Attack.exported(trip)
            let caseID = trip.cases[1]
            let actID = try #require(Attack.first(exported, "case_acts", where: "case_id", is: caseID))
            let before = try await MissionKitMergeTests.everything(app.db)
            for (column, value, says) in [
                ("notes_sealed", Value.integer(5_551_234), "is not text"),
                ("label_sealed", .bytes(Data([1, 2])), "is not text"),
                ("label_sealed", .text(String(repeating: "x", count: 301)), "too long"),
                ("status", .text("x"), "not one of the office's values"),
                ("risk_level", .integer(3), "not of its column's kind"),
                ("country_code", .text("ZZ"), "not a country code")
            ] {
                try await Attack.refused(try Attack.changing(trip, "cases", caseID) { $0[column] = value }, app, says)
            }
            for day in ["yesterday", "2024-02-30", "0000-05-01", "2026-13-01"] {  // round 5, finding 1
                try await Attack.refused(
                    try Attack.changing(trip, "case_acts", actID) { $0["occurred_on"] = .text(day) }, app,
                    "not a date")
            }
            try await Attack.refused(
                try Attack.changing(trip, "case_acts", actID) { $0["perpetrator"] = .text("aliens") }, app,
                "not one of the office's values")
            // A place no office list reaches, which would overflow the next person's (round 4, finding 3).
            let personID = try #require(Attack.first(exported, "case_people", where: "case_id", is: caseID))
            for place in [Int64.max, -1, KitValues.maxPosition + 1] {
                try await Attack.refused(
                    try Attack.changing(trip, "case_people", personID) { $0["position"] = .integer(place) }, app,
                    "not a place from 0 to")
            }
            #expect(try await MissionKitMergeTests.everything(app.db) == before)
        }
    }

    @Test func aFileThatIsNotRegularOrTooLargeIsNotReadAndKitTextNeverReachesTheTerminalRaw() throws {
        // A FIFO (whose reading would never end) and a device are refused before a byte is read (finding 7).
        let dir = MissionKitExportTests.scratch()
        let fifo = dir.appendingPathComponent("kit.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for path in [fifo, "/dev/zero"] {
            #expect(throws: UserCommand.Failure.self) { try KitMerge.readFile(path) }
        }
        // Records claiming more than the cap are refused before JSON decoding (kitsafe2 2).
        var big = Array("KITP".utf8) + withUnsafeBytes(of: UInt64(KitContents.maxJSONBytes + 1).bigEndian) { Array($0) }
        big += [UInt8](repeating: 0x20, count: KitContents.maxJSONBytes + 1)
        #expect(throws: MissionKit.Failure.malformedContents("its records are too large")) {
            try KitContents.decode(big)
        }
        // Escapes in the kit's words are never printed (finding 13).
        #expect(KitMerge.safe("\u{1B}[2Jmerged\u{7}") == "??2Jmerged?")
        var kit = KitContents(missionID: "mission-\u{1B}[1A", exportedBy: "x", exportedAt: 0, tables: [])
        kit.kitID = "kit-\u{1B}]0;"
        kit.returnedBy = "mallory\u{1B}[8m@example.org"
        var outcome = KitMerge.Outcome()
        outcome.flags = [
            KitMerge.Flag(
                table: "cases", row: "case-\u{1B}[K", column: "", kind: "not-deleted", caseID: nil, isNew: true)
        ]
        let report = KitMerge.report(kit, outcome, file: "kit\u{1B}.obskit")
        #expect(!report.unicodeScalars.contains { $0.value == 0x1B }, "\(report)")
        try? FileManager.default.removeItem(at: dir)
    }
}
