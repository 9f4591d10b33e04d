import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The offline mission kit (issue 20): what it holds, that its file reveals nothing without the passphrase, that
/// the export is audited, and the mission-page button that shows the passphrase once.
@Suite struct MissionKitExportTests {
    static let linked = [
        "KITCANARY-label-Ines", "KITCANARY-person-Rahel", "KITCANARY-contact-+52 951",
        "KITCANARY-source-Tomas", "KITCANARY-file-bytes", "KITCANARY-notes", "KITCANARY-place-Ixtepec",
        "KITCANARY-concern-hearing"
    ]
    static let unlinked = "KITCANARY-elsewhere-Olga"

    /// A mission linked to two cases holding canaries, and a third case that is not linked.
    static func mission(
        _ app: Application, team: CaseTeam
    ) async throws -> (
        mission: String, cases: [String],
        other: String
    ) {
        let now = testClock.now(), cipher = app.site.cipher
        var cases: [String] = []
        for n in 0..<2 {
            let upload = Upload(
                filename: "KITCANARY-name-\(n).txt", contentType: "text/plain",
                data: Array("\(linked[4]) \(n)".utf8))
            cases.append(
                try await CaseStore.open(
                    NewCase(
                        country: "MX", label: linked[0] + " \(n)", notes: linked[5],
                        person: NewPerson(
                            kind: .defender, name: linked[1], consents: false, description: "a lawyer",
                            contact: linked[2]),
                        act: NewAct(
                            type: .threats, occurredOn: "2026-11-02", place: linked[6], perpetrator: .police,
                            detail: "—"),
                        source: NewSource(description: linked[3], contact: "—"), attachments: [upload]),
                    by: "drafter@example.org", now: now, cipher: cipher, on: app.db))
        }
        let other = try await CaseStore.open(
            NewCase(country: "MX", label: unlinked, notes: unlinked),
            by: "drafter@example.org", now: now, cipher: cipher, on: app.db)
        try await team.drafter.get("/office/missions")  // the form's CSRF token
        let created = try await team.drafter.post("/office/missions", MissionTests.missionFields())
        let path = try #require(created.location)
        for caseID in cases {
            let linked = try await team.drafter.post(path + "/cases", [("case", caseID), ("concern", linked[7])])
            #expect(linked.status == .seeOther)
        }
        return (String(path.split(separator: "/").last!), cases, other)
    }

    static func scratch() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kit-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: Engine.all)
    func theKitHoldsTheMissionAndItsCasesOnlyAndRevealsNothingWithoutItsPassphrase(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let team = try await CaseTeam.make(app)
            let (mission, cases, other) = try await Self.mission(app, team: team)
            let file = Self.scratch().appendingPathComponent("mission.obskit")
            // act
            let made = try await KitExport.run(
                mission: mission, to: file.path, days: 7, by: "exporter", app: app,
                cost: .fast)
            // assert: the file is the owner's only, and holds no canary, sealed or not.
            let bytes = try Data(contentsOf: file)
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            for canary in Self.linked + [Self.unlinked, "KITCANARY", mission, made.passphrase] {
                #expect(bytes.range(of: Data(canary.utf8)) == nil, "\(canary) is readable in the kit file")
            }
            #expect(made.cases == 2 && made.attachments == 2)
            // Opened with the passphrase, it holds every linked value in clear, and nothing of the other case.
            let (header, payload) = try MissionKit.open(
                Array(bytes), passphrase: made.passphrase,
                now: testClock.now().seconds)
            #expect(header.expiresAt == testClock.now().seconds + 7 * 86_400)
            let contents = try KitContents.decode(payload)
            let clear = String(decoding: payload, as: UTF8.self)
            for canary in Self.linked { #expect(clear.contains(canary), "\(canary) travels in the kit") }
            #expect(!clear.contains(Self.unlinked) && !clear.contains(other))
            #expect(contents.missionID == mission)
            #expect(Set(contents.table("cases")?.rows.map { $0[0] } ?? []) == Set(cases.map { .text($0) }))
            for table in ["case_messages", "verifications", "users", "audit_log"] {
                #expect(contents.table(table) == nil, "\(table) stays in the office")
            }
            // A wrong passphrase, or the right one after the expiry, opens nothing.
            #expect(throws: MissionKit.Failure.wrongPassphraseOrAltered) {
                try MissionKit.open(Array(bytes), passphrase: MissionKit.newPassphrase(), now: 0)
            }
            #expect(throws: MissionKit.Failure.self) {
                try MissionKit.open(Array(bytes), passphrase: made.passphrase, now: header.expiresAt)
            }
            // The export is audited: the mission and each case.
            struct Entry: Decodable { let action: String, recordId: String, actor: String }
            let entries = try await app.db.sql.raw("SELECT action, record_id, actor FROM audit_log")
                .all(decoding: Entry.self, keyDecodingStrategy: .convertFromSnakeCase)
            #expect(
                entries.contains {
                    $0.action == "mission.kit-export" && $0.recordId == mission
                        && $0.actor == "exporter"
                })
            #expect(Set(entries.filter { $0.action == "case.kit-export" }.map(\.recordId)) == Set(cases))
            #expect(
                entries.filter { $0.action == CustodyEvent.includedInKit.rawValue }.count == 2,
                "each file's custody history says it left in the kit")
            // Bad requests name the problem and write nothing.
            await #expect(throws: UserCommand.Failure.self) {
                _ = try await KitExport.run(mission: mission, to: file.path, days: 7, by: "x", app: app, cost: .fast)
            }
            await #expect(throws: UserCommand.Failure.self) {
                _ = try await KitExport.run(mission: "mission-nope", to: file.path + "2", days: 7, by: "x", app: app)
            }
            for days in [0, -1, 91] {
                await #expect(throws: UserCommand.Failure.self) {
                    _ = try await KitExport.run(mission: mission, to: file.path + "3", days: days, by: "x", app: app)
                }
            }
            #expect(
                !FileManager.default.fileExists(atPath: file.path + "2")
                    && !FileManager.default.fileExists(atPath: file.path + "3"))
        }
    }

    @Test(arguments: Engine.all)
    func theMissionPageMakesAKitShowsItsPassphraseOnceAndHandsItOverOnce(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let team = try await CaseTeam.make(app)
            let (mission, _, _) = try await Self.mission(app, team: team)
            let page = try await team.drafter.get("/office/missions/\(mission)")
            #expect(page.body.contains("action=\"/office/missions/\(mission)/kit\""))
            // act
            let refused = try await team.drafter.post("/office/missions/\(mission)/kit", [("days", "365")])
            let made = try await team.drafter.post("/office/missions/\(mission)/kit", [("days", "10")])
            // assert
            #expect(refused.status == .unprocessableEntity && refused.body.contains("from 1 to 90"))
            #expect(made.status == .ok)
            let passphrase = try #require(
                firstMatch(
                    "id=\"kit-passphrase\" dir=\"ltr\">([0-9A-Z-]{29})<",
                    in: made.body))
            let link = try #require(firstMatch("id=\"kit-download\" href=\"([^\"]+)\"", in: made.body))
            // Another officer cannot take it; its maker takes it once.
            #expect(try await team.approver.get(link).status == .gone)
            let download = try await EvidenceTests.download(team.drafter, link)
            #expect(download.status == .ok)
            let (_, payload) = try MissionKit.open(
                download.bytes, passphrase: passphrase,
                now: testClock.now().seconds)
            #expect(try KitContents.decode(payload).missionID == mission)
            #expect(try await team.drafter.get(link).status == .gone, "a kit is handed over once")
            let again = try await team.drafter.get("/office/missions/\(mission)")
            #expect(!again.body.contains(passphrase), "the passphrase is not shown again")
            // A partner cannot reach the button.
            #expect(try await team.partner.post("/office/missions/\(mission)/kit", [("days", "10")]).status != .ok)
        }
    }
}
