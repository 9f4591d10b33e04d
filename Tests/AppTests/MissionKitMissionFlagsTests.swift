import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// A kit's changes to the mission itself (review r3, findings 11 and 13): the mission's public facts (kind,
/// country, dates) are only flagged, and the flags, which hold no case, are decided on the mission page.
@Suite struct MissionKitMissionFlagsTests {
    typealias Merge = MissionKitMergeTests

    struct Mission: Decodable, Equatable {
        let kind: String, countryCode: String, startsOn: String, endsOn: String
    }

    static func mission(_ id: String, _ app: Application) async throws -> Mission {
        try #require(
            try await app.db.row(
                "SELECT kind, country_code, starts_on, ends_on FROM missions WHERE id = \(bind: id)",
                as: Mission.self))
    }

    @Test(arguments: Engine.all)
    func aMissionsPublicFactsWaitForAnOfficerOnTheMissionPage(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: offline, the mission is renamed, made a fact-finding in Guatemala from 3 December.
            let offline = MissionTests.missionFields(
                title: "KITCANARY-renamed-offline", kind: "fact-finding", starts: "2026-12-03"
            ).map { $0.0 == "country" ? ($0.0, "Guatemala") : $0 }
            let trip = try await Merge.trip(app, kitValue: "kit", officeValue: "office", offlineMission: offline)
            let exported = try await Self.mission(trip.mission, app)
            // At the office meanwhile, the last day is brought forward to 2 December.
            try await app.db.sql.raw("UPDATE missions SET ends_on = '2026-12-02' WHERE id = \(bind: trip.mission)")
                .run()
            // act
            let outcome = try await Merge.merge(trip, app)
            // assert: the title (internal) is applied; kind, country and first day are not, only flagged.
            let merged = try #require(try await MissionStore.find(trip.mission, cipher: app.site.cipher, on: app.db))
            #expect(merged.title.reveal() == "KITCANARY-renamed-offline")
            #expect(
                try await Self.mission(trip.mission, app)
                    == Mission(
                        kind: exported.kind, countryCode: exported.countryCode, startsOn: exported.startsOn,
                        endsOn: "2026-12-02"))
            let onMission = outcome.flags.filter { $0.table == "missions" }
            #expect(
                Set(onMission.map(\.column)) == ["kind", "country_code", "starts_on"]
                    && onMission.allSatisfy { $0.kind == "to-confirm" && $0.caseID == nil }, "\(outcome.flags)")
            let report = KitMerge.report(
                try KitMerge.read(
                    trip.returned, passphrase: trip.passphrase, now: testClock.now().seconds, cipher: app.site.cipher
                ), outcome, file: "kit.obskit")
            #expect(report.contains("missions \(trip.mission): field kind changed in the kit: not applied"))
            #expect(report.contains(OfficeRoute.mission(id: trip.mission).path), "\(report)")
            // The officer sees them on the mission page, with both values.
            let (_, secret) = try await TestAccounts.create(
                "decider@example.org", [.caseOfficer], secondFactor: true, in: app)
            let officer = TestBrowser(app)
            _ = try await officer.signIn("decider@example.org", secret: secret)
            let page = try await officer.get("/office/missions/\(trip.mission)")
            let shown = try await KitConflicts.shown(.mission(trip.mission), cipher: app.site.cipher, on: app.db)
            #expect(shown.count == 3, "\(shown)")
            for flag in shown { #expect(page.body.contains("id=\"\(flag.id)\""), "\(flag.column) is not shown") }
            #expect(page.body.contains("GT") && page.body.contains("2026-12-03") && page.body.contains("fact-finding"))
            let flag = { (column: String) in try #require(shown.first { $0.column == column }) }
            // A mission's flag is decided on its own mission only, never through a case's address.
            let throughCase = try await officer.post(
                "/office/cases/\(trip.cases[0])/kit-conflicts/\(try flag("kind").id)", [("keep", "kit")])
            #expect(throughCase.status == .notFound)
            let caseFlag = try #require(
                try await KitConflicts.shown(.caseFile(trip.cases[0]), cipher: app.site.cipher, on: app.db).first)
            let caseThroughMission = try await officer.post(
                "/office/missions/\(trip.mission)/kit-conflicts/\(caseFlag.id)", [("keep", "kit")])
            #expect(caseThroughMission.status == .notFound)
            // The kit's first day would come after the office's last: refused, nothing written.
            let late = try await officer.post(
                "/office/missions/\(trip.mission)/kit-conflicts/\(try flag("starts_on").id)", [("keep", "kit")])
            #expect(late.status == .conflict && late.body.contains("ends before it starts"), "\(late.body)")
            #expect(try await Self.mission(trip.mission, app).startsOn == exported.startsOn)
            // Take the kit's country, keep the office's kind, keep the office's first day.
            for (column, keep) in [("country_code", "kit"), ("kind", "office"), ("starts_on", "office")] {
                let decided = try await officer.post(
                    "/office/missions/\(trip.mission)/kit-conflicts/\(try flag(column).id)", [("keep", keep)])
                #expect(decided.status == .seeOther, "\(column): \(decided.body)")
            }
            #expect(
                try await Self.mission(trip.mission, app)
                    == Mission(
                        kind: exported.kind, countryCode: "GT", startsOn: exported.startsOn, endsOn: "2026-12-02"))
            #expect(try await KitConflicts.shown(.mission(trip.mission), cipher: app.site.cipher, on: app.db).isEmpty)
            // Decided: audited on the mission, and the kit's values are no longer kept.
            struct Decided: Decodable { let n: Int }
            let kept = try await app.db.row(
                """
                SELECT COUNT(*) AS n FROM kit_conflicts WHERE mission_id = \(bind: trip.mission)
                AND case_id IS NULL AND (decided_at IS NULL OR kit_value_sealed IS NOT NULL)
                """, as: Decided.self)
            #expect(kept?.n == 0)
            let audited = try await app.db.row(
                """
                SELECT COUNT(*) AS n FROM audit_log WHERE action = 'mission.kit-conflict'
                AND record_id = \(bind: trip.mission) AND actor = 'decider@example.org'
                """, as: Decided.self)
            #expect(audited?.n == 3)
            let again = try await officer.post(
                "/office/missions/\(trip.mission)/kit-conflicts/\(try flag("kind").id)", [("keep", "kit")])
            #expect(again.status == .notFound, "a decided flag is not decided twice")
        }
    }

    /// Round 5, finding 5: flags decided before their values were dropped lose them at the upgrade (048); one left
    /// to decide keeps its value.
    @Test(arguments: Engine.all)
    func theUpgradeDropsTheKitValuesOfDecidedFlags(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            for (id, column, decided) in [("conflict-old", "kind", true), ("conflict-open", "country_code", false)] {
                try await app.db.sql.raw(
                    """
                    INSERT INTO kit_conflicts (id, created_at, kit_id, mission_id, case_id, table_name, row_id,
                    column_name, kind, kit_value_sealed, actor, decided_at, decided_by, decision)
                    VALUES (\(bind: id), 0, 'kit-x', 'mission-x', NULL, 'missions', 'mission-x', \(bind: column),
                    'to-confirm', 'v2:sealed', 'member', \(bind: decided ? Int64(1) : nil),
                    \(bind: decided ? "officer" : nil), \(bind: decided ? "office" : nil))
                    """
                ).run()
            }
            try await DropDecidedKitValues().prepare(on: app.db)
            struct Kept: Decodable, Equatable { let id: String, kitValueSealed: String? }
            let kept = try await app.db.rows(
                "SELECT id, kit_value_sealed FROM kit_conflicts ORDER BY id", as: Kept.self)
            #expect(
                kept == [
                    Kept(id: "conflict-old", kitValueSealed: nil),
                    Kept(id: "conflict-open", kitValueSealed: "v2:sealed")
                ])
        }
    }
}
