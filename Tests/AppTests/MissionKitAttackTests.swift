import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// A returned kit forged by whoever holds it and its passphrase (review of issue 20, findings 1, 2, 3, 10-13): its
/// contents decoded, altered and sealed again with the passphrase. The office trusts nothing of it but the offline
/// changes to the records it exported, checked against its own record of the export (`kit_exports`).
@Suite struct MissionKitAttackTests {
    typealias Value = KitContents.Value
    typealias Trip = MissionKitMergeTests.Trip

    /// The returned kit of `trip`, decoded, changed by `change`, and sealed again under its passphrase.
    static func forge(
        _ trip: Trip, expiresAt: Int64? = nil, cost: MissionKit.Cost? = nil,
        _ change: (inout KitContents) throws -> Void
    ) throws -> Trip {
        let (header, payload) = try MissionKit.open(
            trip.returned, passphrase: trip.passphrase,
            now: testClock.now().seconds)
        var contents = try KitContents.decode(payload)
        try change(&contents)
        let file = try MissionKit.seal(
            try contents.encoded(), passphrase: trip.passphrase,
            createdAt: header.createdAt, expiresAt: expiresAt ?? header.expiresAt,
            cost: cost ?? header.cost)
        return Trip(
            mission: trip.mission, cases: trip.cases, passphrase: trip.passphrase, returned: file,
            sourceID: trip.sourceID, exported: trip.exported)
    }

    /// The kit as the office exported it.
    static func exported(_ trip: Trip) throws -> KitContents {
        try KitContents.decode(
            MissionKit.open(
                trip.exported, passphrase: trip.passphrase,
                now: testClock.now().seconds
            ).1)
    }

    static func row(_ table: KitContents.Table?, _ id: String) -> [String: Value]? { KitMerge.rows(table)[id] }

    static func first(_ contents: KitContents, _ table: String, where column: String, is value: String) -> String? {
        KitMerge.rows(contents.table(table)).first { KitTables.text($0.value[column] ?? .null) == value }?.key
    }

    static func logged(_ contents: inout KitContents, _ table: String, _ id: String, _ operation: String) {
        contents.changes.append(
            KitChange(
                at: testClock.now().seconds, actor: "mallory@example.org", table: table,
                row: id, column: nil, before: nil, after: operation))
    }

    /// Puts `row` in the kit's rows (or its base), replacing the one with its id.
    static func put(_ contents: inout KitContents, _ table: String, base: Bool = false, _ row: [String: Value]) {
        var tables = base ? contents.base : contents.tables
        let id = KitTables.text(row["id"] ?? .null)
        if !tables.contains(where: { $0.name == table }) {
            tables.append(KitContents.Table(name: table, columns: row.keys.sorted(), rows: []))
        }
        let index = tables.firstIndex { $0.name == table }!
        let columns = tables[index].columns
        let idIndex = columns.firstIndex(of: "id")!
        tables[index].rows.removeAll { KitTables.text($0[idIndex]) == id }
        tables[index].rows.append(columns.map { row[$0] ?? .null })
        if base { contents.base = tables } else { contents.tables = tables }
    }

    static func remove(_ contents: inout KitContents, _ table: String, _ id: String) {
        guard let index = contents.tables.firstIndex(where: { $0.name == table }),
            let idIndex = contents.tables[index].columns.firstIndex(of: "id")
        else { return }
        contents.tables[index].rows.removeAll { KitTables.text($0[idIndex]) == id }
    }

    /// `trip`'s kit with `table` `id` as exported in its base and as `edit` makes it in its rows, logged.
    static func changing(
        _ trip: Trip, _ table: String, _ id: String,
        _ edit: (inout [String: Value]) -> Void
    ) throws -> Trip {
        let exported = try exported(trip)
        let original = try #require(row(exported.table(table), id), "\(table) \(id) was exported")
        return try forge(trip) { contents in
            var changed = original
            edit(&changed)
            put(&contents, table, base: true, original)
            put(&contents, table, changed)
            logged(&contents, table, id, "update")
        }
    }

    static func refused(_ trip: Trip, _ app: Application, now: Int64? = nil, _ says: String) async throws {
        do {
            let outcome = try await MissionKitMergeTests.merge(trip, app, now: now)
            Issue.record("merged (\(outcome)), but should be refused: \(says)")
        } catch let failure as UserCommand.Failure {
            #expect(
                failure.description.contains(says) && failure.description.contains("nothing was merged"),
                "\(failure)")
        }
    }

    /// Review of issue 20, round 3, finding 3: a base whose rows name the kit's one large file again and again
    /// costs one hash of it, and gives the digest the office computed without the memo.
    @Test func aFileNamedAgainAndAgainIsHashedOnce() throws {
        let cipher = try FieldCipher(keyText: FieldCipher.newKeyText())
        let big = Data(repeating: 7, count: 1 << 20), other = Data(repeating: 8, count: 1 << 20)
        var row: [String: Value] = ["id": .text("x"), "small": .bytes(Data([1, 2, 3])), "other": .bytes(other)]
        for n in 0..<200 { row["c\(n)"] = .bytes(big) }
        var blobs = KitRecord.BlobDigests()
        let memo = KitRecord.digest("case_attachments", row, cipher: cipher, blobs: &blobs)
        #expect(blobs.known.count == 2, "each large file hashed once: \(blobs.known.count)")
        var plain = row
        plain["c7"] = .bytes(Data(repeating: 7, count: 1 << 20))  // the same bytes in storage of their own
        #expect(memo == KitRecord.digest("case_attachments", plain, cipher: cipher))
        plain["c7"] = .bytes(other)
        #expect(memo != KitRecord.digest("case_attachments", plain, cipher: cipher))
    }

    @Test(arguments: Engine.all)
    func aForgedKitIsRefusedByTheOfficesRecordOfItsExportAndChangesNothing(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: a kit returned from the mission, and a case of the office that it never carried.
            let trip = try await MissionKitMergeTests.trip(app, kitValue: "kit", officeValue: "office")
            let outside = try await CaseStore.open(
                NewCase(country: "MX", label: "OUTSIDE", notes: "OUTSIDE"),
                by: "drafter@example.org", now: testClock.now(),
                cipher: app.site.cipher, on: app.db)
            let exported = try Self.exported(trip)
            let caseID = trip.cases[1]
            let personID = try #require(Self.first(exported, "case_people", where: "case_id", is: caseID))
            let linkID = try #require(Self.first(exported, "mission_cases", where: "case_id", is: caseID))
            let fileID = try #require(Self.first(exported, "case_attachments", where: "case_id", is: caseID))
            let before = try await MissionKitMergeTests.everything(app.db)
            // act and assert: each forgery is refused, naming the problem.
            try await Self.refused(try Self.forge(trip) { $0.kitID = "kit-forged" }, app, "never exported")
            // The header's expiry is pushed back: the office's record of the expiry still holds.
            let late = testClock.now().seconds + 6 * 86_400
            try await Self.refused(
                try Self.forge(trip, expiresAt: late + 86_400 * 60) { _ in }, app, now: late,
                "by the office's record of its export")
            try await Self.refused(try Self.forge(trip) { $0.missionID = "mission-forged" }, app, "names the mission")
            // The base says the office had other notes than it had: refused.
            try await Self.refused(
                try Self.forge(trip) { contents in
                    var base = try #require(Self.row(exported.table("cases"), caseID))
                    base["notes_sealed"] = .text("forged base")
                    Self.put(&contents, "cases", base: true, base)
                    Self.logged(&contents, "cases", caseID, "update")
                }, app, "not as the office exported it")
            // A record slipped into a case the kit never carried, or moved to it, or a link re-pointed to it.
            try await Self.refused(
                try Self.forge(trip) { contents in
                    Self.put(
                        &contents, "case_sources",
                        [
                            "id": .text("source-forged"), "case_id": .text(outside),
                            "description_sealed": .text("planted"),
                            "contact_sealed": .text("—"), "added_at": .integer(0)
                        ])
                    Self.logged(&contents, "case_sources", "source-forged", "insert")
                }, app, "which this kit did not carry")
            try await Self.refused(
                try Self.changing(trip, "case_people", personID) {
                    $0["case_id"] = .text(outside)
                }, app, "which this kit did not carry")
            try await Self.refused(
                try Self.changing(trip, "mission_cases", linkID) {
                    $0["case_id"] = .text(outside)
                }, app, "which this kit did not carry")
            // The office's case given as one made offline.
            try await Self.refused(
                try Self.forge(trip) { contents in
                    var fake = try #require(Self.row(exported.table("cases"), caseID))
                    fake["id"] = .text(outside)
                    Self.put(&contents, "cases", fake)
                    Self.logged(&contents, "cases", outside, "insert")
                }, app, "which this kit did not carry")
            // Columns a kit may not change: the receipt's hash, the origin, the opening date, a file's content.
            for (column, value) in [
                ("receipt_hash", Value.text("forged")), ("origin", .text("report")),
                ("opened_at", .integer(1))
            ] {
                try await Self.refused(
                    try Self.changing(trip, "cases", caseID) { $0[column] = value }, app,
                    "changes \(column) of cases")
            }
            try await Self.refused(
                try Self.changing(trip, "case_attachments", fileID) {
                    $0["data_sealed"] = .bytes(Data("forged".utf8))
                    $0["sha256_sealed"] = .text(Evidence.sha256(Array("forged".utf8)))
                }, app, "which a kit may not change")
            try await Self.refused(
                try Self.changing(trip, "mission_cases", linkID) {
                    $0["mission_id"] = .text("mission-other")
                }, app, "another mission")
            // A file made offline whose hash is not its content's.
            try await Self.refused(
                try Self.forge(trip) { contents in
                    var file = try #require(Self.row(exported.table("case_attachments"), fileID))
                    file["id"] = .text("file-forged")
                    file["sha256_sealed"] = .text(Evidence.sha256(Array("something else".utf8)))
                    Self.put(&contents, "case_attachments", file)
                    Self.logged(&contents, "case_attachments", "file-forged", "insert")
                }, app, "not its content's")
            #expect(try await MissionKitMergeTests.everything(app.db) == before)
            // A header asking for a costlier scrypt than the office writes is not even tried (finding 11).
            var costly = trip.returned
            costly[8] = 20
            try await Self.refused(
                Trip(
                    mission: trip.mission, cases: trip.cases, passphrase: trip.passphrase,
                    returned: costly, sourceID: trip.sourceID), app, "not an Observatory")
            #expect(throws: MissionKit.Failure.notAKit) {
                try MissionKit.Header.read(
                    try Self.forge(trip, cost: MissionKit.Cost(log2N: 12, r: 8, p: 1)) { _ in }
                        .returned)
            }
            // The honest kit still merges.
            let outcome = try await MissionKitMergeTests.merge(trip, app)
            #expect(outcome.updated >= 2, "\(outcome)")
        }
    }

    @Test(arguments: Engine.all)
    func aCaseMadeOfflineIsMergedOnceWithItsRecords(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: the laptop made a case with a person (as its change log and rows would carry them).
            let trip = try await MissionKitMergeTests.trip(app, kitValue: "kit", officeValue: "office")
            let exported = try Self.exported(trip)
            let (newCase, newPerson) = ("case-made-offline", "person-made-offline")
            let forged = try Self.forge(trip) { contents in
                var made = try #require(Self.row(exported.table("cases"), trip.cases[1]))
                made["id"] = .text(newCase)
                made["receipt_hash"] = .null
                made["notes_sealed"] = .text("KITCANARY-offline-case")
                Self.put(&contents, "cases", made)
                Self.logged(&contents, "cases", newCase, "insert")
                let personID = try #require(Self.first(exported, "case_people", where: "case_id", is: trip.cases[1]))
                var person = try #require(Self.row(exported.table("case_people"), personID))
                person["id"] = .text(newPerson)
                person["case_id"] = .text(newCase)
                Self.put(&contents, "case_people", person)
                Self.logged(&contents, "case_people", newPerson, "insert")
            }
            // act
            let first = try await MissionKitMergeTests.merge(forged, app)
            let after = try await MissionKitMergeTests.everything(app.db)
            let second = try await MissionKitMergeTests.merge(forged, app)
            // assert
            #expect(try await MissionKitMergeTests.notes(newCase, app) == "KITCANARY-offline-case")
            let file = try #require(try await CaseStore.find(newCase, cipher: app.site.cipher, on: app.db))
            #expect(file.people.count == 1, "\(first)")
            #expect(!second.changedAnything && second.applied == 0, "\(second)")
            #expect(try await MissionKitMergeTests.everything(app.db) == after)
        }
    }

    /// Review of issue 20, round 3, finding 4: a person made offline under the name of a person of the case, put
    /// first and described in the kit's words, comes after the case's people, undescribed; the kit's words wait
    /// for the officer (flagged), and redaction keeps the office's description for the name.
    @Test(arguments: Engine.all)
    func aPersonMadeOfflineNeverTakesTheDescriptionOfAnotherOfTheCase(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let trip = try await MissionKitMergeTests.trip(app, kitValue: "kit", officeValue: "office")
            let exported = try Self.exported(trip)
            // A case of the trip whose person the office kept (the trip deletes one person at the office).
            var found: (String, CaseFile)? = nil
            for id in trip.cases where found == nil {
                let file = try #require(try await CaseStore.find(id, cipher: app.site.cipher, on: app.db))
                if !file.people.isEmpty { found = (id, file) }
            }
            let (caseID, before) = try #require(found)
            let office = try #require(before.people.first)
            let personID = office.id
            let forged = try Self.forge(trip) { contents in
                var person = try #require(Self.row(exported.table("case_people"), personID))
                person["id"] = .text("person-twin")
                person["position"] = .integer(-1)
                person["public_description"] = .text("KITCANARY-kit-words")
                Self.put(&contents, "case_people", person)
                Self.logged(&contents, "case_people", "person-twin", "insert")
            }
            let outcome = try await MissionKitMergeTests.merge(forged, app)
            let file = try #require(try await CaseStore.find(caseID, cipher: app.site.cipher, on: app.db))
            #expect(file.people.count == before.people.count + 1, "\(outcome)")
            #expect(file.people.first?.id == office.id, "the office's person stays first")
            let twin = try #require(file.people.first { $0.id == "person-twin" })
            #expect(twin.publicDescription == "" && !twin.consentsToBeNamed)
            #expect(
                outcome.flags.contains {
                    $0.row == "person-twin" && $0.column == "public_description" && $0.kind == "to-confirm"
                }, "\(outcome.flags)")
            let people = file.people.map {
                Redactor.Person(
                    name: $0.name.reveal(), consentsToBeNamed: $0.consentsToBeNamed,
                    description: $0.publicDescription)
            }
            let redacted = Redactor(people: people, secrets: []).redact("Statement about \(office.name.reveal()).")
            #expect(!redacted.contains("KITCANARY") && redacted.contains(office.publicDescription), "\(redacted)")
        }
    }

    @Test(arguments: Engine.all)
    func aKitNeverDeletesACaseMissionLinkOrFileAndLeavesEvidenceAsItWas(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let trip = try await MissionKitMergeTests.trip(app, kitValue: "kit", officeValue: "office")
            let exported = try Self.exported(trip)
            let caseID = trip.cases[1]
            let linkID = try #require(Self.first(exported, "mission_cases", where: "case_id", is: caseID))
            let fileID = try #require(Self.first(exported, "case_attachments", where: "case_id", is: caseID))
            let events = KitTables.ids(exported.table("case_events"))
            let deleted =
                [
                    ("cases", caseID), ("missions", trip.mission), ("mission_cases", linkID),
                    ("case_attachments", fileID)
                ] + events.prefix(1).map { ("case_events", $0) }
            let forged = try Self.forge(trip) { contents in
                for (table, id) in deleted {
                    Self.put(&contents, table, base: true, try #require(Self.row(exported.table(table), id)))
                    Self.remove(&contents, table, id)
                    Self.logged(&contents, table, id, "delete")
                }
                // A timeline entry made offline, claiming another actor.
                Self.put(
                    &contents, "case_events",
                    [
                        "id": .integer(999_999), "case_id": .text(caseID),
                        "at": .integer(testClock.now().seconds),
                        "actor": .text("mallory@example.org"),
                        "summary": .text("note made offline")
                    ])
                Self.logged(&contents, "case_events", "999999", "insert")
            }
            let cipher = app.site.cipher
            func evidence() async throws -> (file: String, bytes: [UInt8], integrity: String, custody: [String]) {
                let stored = try #require(
                    try await EvidenceStore.find(
                        fileID, case: caseID, cipher: cipher,
                        on: app.db))
                let (bytes, integrity) = try await EvidenceStore.contents(stored, cipher: cipher, on: app.db)
                let custody = try await EvidenceStore.custody(stored, on: app.db)
                    .map { "\($0.sequence) \($0.at) \($0.event) \($0.actor) \($0.detail)" }
                return ("\(stored.sha256 ?? "") \(stored.size) \(stored.contentType)", bytes, "\(integrity)", custody)
            }
            let before = try await evidence()
            // act
            let outcome = try await MissionKitMergeTests.merge(forged, app)
            let again = try await MissionKitMergeTests.merge(forged, app)
            // assert: nothing deleted, each deletion flagged for the officer.
            for (table, id) in deleted {
                #expect(
                    outcome.flags.contains { $0.table == table && $0.row == id && $0.kind == "not-deleted" },
                    "\(table) \(id): \(outcome.flags)")
                let left = try await KitTables.read(
                    table, where: "id", in: [id], cipher: app.site.cipher,
                    numeric: table == KitTables.numbered, on: app.db)
                #expect(left.rows.count == 1, "\(table) \(id) was deleted")
            }
            #expect(outcome.deleted == 0 && !again.changedAnything, "\(outcome) \(again)")
            // The file: the same bytes, the same hash, the same custody history.
            let after = try await evidence()
            #expect(after.file == before.file && after.bytes == before.bytes && after.integrity == before.integrity)
            #expect(after.custody == before.custody && !before.custody.isEmpty)
            // The offline timeline entry: under the account that merged, a fixed summary (review finding 10).
            struct Event: Decodable { let actor: String, summary: String }
            let entries = try await app.db.sql.raw(
                """
                SELECT actor, summary FROM case_events WHERE case_id = \(bind: caseID)
                AND (summary LIKE \(bind: "%note made offline%") OR summary = 'A timeline entry made offline')
                """
            ).all(decoding: Event.self)
            #expect(
                entries.count == 1
                    && entries.allSatisfy {
                        $0.actor == MissionKitMergeTests.merger && $0.summary == "A timeline entry made offline"
                    }, "\(entries)")
            // The officer sees the kept case on its page.
            let (_, secret) = try await TestAccounts.create(
                "decider@example.org", [.caseOfficer],
                secondFactor: true, in: app)
            let officer = TestBrowser(app)
            _ = try await officer.signIn("decider@example.org", secret: secret)
            let page = try await officer.get("/office/cases/\(caseID)")
            #expect(page.body.contains("a kit never deletes it"), "the flag is shown on the case page")
        }
    }

    @Test(arguments: Engine.all)
    func aStaleKitNeverBringsBackACaseErasedOrAnonymisedAtTheOffice(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: the trip, then the office anonymises one case and erases the other (retention).
            let trip = try await MissionKitMergeTests.trip(app, kitValue: "KITCANARY-stale", officeValue: "office")
            let cipher = app.site.cipher
            let (anonymised, erased) = (trip.cases[0], trip.cases[1])
            try await app.db.write { tx in
                try await CaseErasure.anonymise(anonymised, cipher: cipher, on: tx)
                try await tx.sql.insert(into: "retention_decisions")
                    .columns("id", "decided_by", "decided_at", "kind", "record_id", "decision")
                    .values(
                        SQLBind("\(RetainedKind.closedCase.rawValue):\(anonymised)"), SQLBind("admin"),
                        SQLBind(testClock.now().seconds), SQLBind(RetainedKind.closedCase.rawValue),
                        SQLBind(anonymised), SQLBind("anonymise")
                    )
                    .run()
                try await CaseErasure.delete(erased, on: tx)
            }
            struct Count: Decodable { let n: Int }
            func rows(of caseID: String) async throws -> Int {
                var total = 0
                for table in KitTables.carried.map(\.table) where table != "missions" {
                    let column = table == "cases" ? "id" : "case_id"
                    total +=
                        try await app.db.sql.raw(
                            """
                            SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) = \(bind: caseID)
                            """
                        ).first(decoding: Count.self)?.n ?? 0
                }
                return total
            }
            let anonymisedRows = try await rows(of: anonymised)
            // act
            let outcome = try await MissionKitMergeTests.merge(trip, app)
            // assert: nothing of either case written back, each named in the report.
            #expect(try await rows(of: erased) == 0)
            #expect(try await rows(of: anonymised) == anonymisedRows)
            #expect(try await MissionKitMergeTests.notes(anonymised, app) == "")
            #expect(outcome.skipped.contains { $0.caseID == erased && $0.reason.contains("erased at the office") })
            #expect(outcome.skipped.contains { $0.caseID == anonymised && $0.reason.contains("anonymised") })
            let report = KitMerge.report(
                try KitMerge.read(
                    trip.returned, passphrase: trip.passphrase,
                    now: testClock.now().seconds, cipher: cipher),
                outcome, file: "kit.obskit")
            #expect(report.contains("erased at the office since the export"), "\(report)")
            let conflicts = try await app.db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM kit_conflicts WHERE case_id IN (\(binds: [anonymised, erased]))
                """
            ).first(decoding: Count.self)?.n
            #expect(conflicts == 0)
            let dump = try await MissionKitMergeTests.everything(app.db).joined(separator: "\n")
            #expect(!dump.contains("KITCANARY-stale"))
        }
    }

    @Test(arguments: Engine.all)
    func theKitsValueIsNeverTakenIntoACaseAnonymisedSinceTheMerge(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: merged, a conflict left on the case; then the office anonymises it.
            let trip = try await MissionKitMergeTests.trip(app, kitValue: "KITCANARY-late", officeValue: "office")
            _ = try await MissionKitMergeTests.merge(trip, app)
            let caseID = trip.cases[0], cipher = app.site.cipher
            let conflict = try #require(
                try await KitConflicts.shown(.caseFile(caseID), cipher: cipher, on: app.db)
                    .first { $0.column == "notes_sealed" })
            try await app.db.write { tx in
                try await CaseErasure.anonymise(caseID, cipher: cipher, on: tx)
                try await tx.sql.insert(into: "retention_decisions")
                    .columns("id", "decided_by", "decided_at", "kind", "record_id", "decision")
                    .values(
                        SQLBind("\(RetainedKind.closedCase.rawValue):\(caseID)"), SQLBind("admin"),
                        SQLBind(testClock.now().seconds), SQLBind(RetainedKind.closedCase.rawValue),
                        SQLBind(caseID), SQLBind("anonymise")
                    )
                    .run()
                // As if the conflict had survived the anonymisation: the decision must still refuse.
                try await tx.sql.raw(
                    """
                    INSERT INTO kit_conflicts (id, created_at, kit_id, mission_id, case_id, table_name, row_id,
                    column_name, kind, kit_value_sealed, actor) VALUES (\(bind: conflict.id + "-kept"), 0, 'kit-x',
                    \(bind: trip.mission), \(bind: caseID), 'cases', \(bind: caseID), 'notes_sealed', 'both-changed',
                    \(bind: cipher.seal("t:KITCANARY-late", in: .kitConflictValue, row: conflict.id + "-kept")),
                    'drafter@example.org')
                    """
                ).run()
            }
            let (_, secret) = try await TestAccounts.create(
                "decider@example.org", [.caseOfficer],
                secondFactor: true, in: app)
            let officer = TestBrowser(app)
            _ = try await officer.signIn("decider@example.org", secret: secret)
            _ = try await officer.get("/office/cases/\(caseID)")
            // act
            let taken = try await officer.post(
                "/office/cases/\(caseID)/kit-conflicts/\(conflict.id)-kept",
                [("keep", "kit")])
            // assert
            #expect(taken.status == .conflict, "\(taken.status)")
            #expect(try await MissionKitMergeTests.notes(caseID, app) == "")
        }
    }
}
