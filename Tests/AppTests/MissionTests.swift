import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Missions: staff plan them and link the cases they concern; the public sees only the published reports.
@Suite struct MissionTests {
    static func missionFields(
        title: String = "Oaxaca trial observation", kind: String = "trial-observation", starts: String = "2026-12-01",
        ends: String = "2026-12-04", security: String = "Safe house in Oaxaca; check-in every 4 hours",
        preliminary: String = "", report: String = ""
    ) -> [(String, String)] {
        [
            ("kind", kind), ("title", title), ("country", "Mexico"), ("starts", starts), ("ends", ends),
            ("members", "Ana (lawyer), Ben (interpreter)"),
            ("objectives", "Observe the hearing of the defender"), ("logistics", "Flights booked via the partner"),
            ("security", security),
            ("findings", ""), ("preliminary", preliminary), ("report", report)
        ]
    }

    @Test(arguments: Engine.all)
    func staffPlanAMissionLinkACaseAndPublishItsReportsPreliminaryFindingsFirst(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            try await store(
                [
                    publication(
                        "prelim-1", .statement, on: "2026-12-05",
                        title: "Mexico: preliminary findings of the trial observation"),
                    publication(
                        "report-1", .report, on: "2026-12-20",
                        title: "Mexico: the trial of a land defender, mission report"),
                    publication("statement-1", .statement, title: "Mexico: a statement")
                ], in: app)
            try await store([publication("draft-report", .report, title: "Draft report")], status: "draft", in: app)
            let caseID = try await CaseStore.open(
                NewCase(country: "MX", label: "Case of the land defender"), by: "drafter@example.org",
                now: testClock.now(), cipher: app.site.cipher, on: app.db)
            let officer = team.drafter
            try await officer.get("/office/missions")

            // Wrong fields are named, nothing stored.
            var fields = Self.missionFields(starts: "2026-12-05", ends: "2026-12-01", report: "statement-1")
            fields[2] = ("country", "Atlantis")
            let bad = try await officer.post("/office/missions", fields)
            #expect(bad.status == .unprocessableEntity)
            #expect(
                bad.body.contains("Unknown country “Atlantis”")
                    && bad.body.contains("The mission ends before it starts.")
                    && bad.body.contains("Publication “statement-1” is not a report (it is a statement)."))
            #expect(bad.body.contains("value=\"Oaxaca trial observation\""), "what was typed is kept")
            #expect(try await MissionStore.all(cipher: app.site.cipher, on: app.db).isEmpty)

            let created = try await officer.post("/office/missions", Self.missionFields())
            let path = try #require(created.location)
            #expect(created.status == .seeOther && path.hasPrefix("/office/missions/mission-"))
            let list = try await officer.get("/office/missions")
            let upcoming = try #require(
                list.body.components(separatedBy: "id=\"missions-upcoming\"").last?.components(
                    separatedBy: "id=\"missions-past\""
                ).first)
            #expect(upcoming.contains("Oaxaca trial observation") && upcoming.contains("Upcoming"))
            #expect(
                try await officer.get("/office/cases").body.contains(
                    "Missions under way or within 30 days</a> <strong>1</strong>"))

            // Link the case; the case file lists the mission and its timeline says so.
            #expect(
                try await officer.post(path + "/cases", [("case", "case-nope"), ("concern", "x")]).body.contains(
                    "There is no case “case-nope”."))
            #expect(
                try await officer.post(
                    path + "/cases", [("case", caseID), ("concern", "Hearing of 2 December, Oaxaca criminal court")]
                ).status == .seeOther)
            let mission = try await officer.get(path)
            #expect(
                mission.body.contains("Case of the land defender")
                    && mission.body.contains("Hearing of 2 December, Oaxaca criminal court"))
            #expect(mission.body.contains("Safe house in Oaxaca"))
            let file = try await officer.get("/office/cases/\(caseID)")
            #expect(
                file.body.contains("id=\"case-missions\"") && file.body.contains("Oaxaca trial observation")
                    && file.body.contains("Concerned by a mission"))

            // Nothing public yet; the public page is empty in every language.
            #expect(try await app.get("/missions").body.contains("No mission report has been published yet."))
            // Link a draft report and published preliminary findings: only the published one shows.
            let first = try await officer.post(
                path, Self.missionFields(preliminary: "prelim-1", report: "draft-report"))
            #expect(first.status == .seeOther)
            var page = try await app.get("/missions")
            #expect(
                page.body.contains("preliminary findings of the trial observation")
                    && !page.body.contains("Draft report"))
            _ = try await officer.post(path, Self.missionFields(preliminary: "prelim-1", report: "report-1"))
            page = try await app.get("/fr/missions")
            #expect(page.status == .ok && page.body.contains("Mission d’observation judiciaire — Mexique"))
            let prelim = try #require(page.body.range(of: "Conclusions préliminaires")),
                report = try #require(page.body.range(of: "mission report"))
            #expect(prelim.lowerBound < report.lowerBound, "preliminary findings first")
            // Each publication shows the mission it reports on, and links the other.
            let article = try await app.get("/publications/report-1").body
            #expect(
                article.contains("Trial observation mission — Mexico")
                    && article.contains("href=\"/publications/prelim-1\""))
            #expect(!(try await app.get("/publications/statement-1").body.contains("class=\"mission\"")))
            let english = try await app.get("/missions").body
            for secret in [
                "Oaxaca trial observation", "Safe house", "Ana (lawyer)", "Flights booked", "Observe the hearing",
                "Hearing of 2 December"
            ] {
                #expect(!page.body.contains(secret) && !english.contains(secret), "\(secret) stays internal")
            }
            // The mission is past once its last day is gone.
            let later = try await MissionStore.all(cipher: app.site.cipher, on: app.db)
            #expect(later.first?.phase(today: CivilDate("2026-12-05")!) == .past)
            // Views of the mission file are audited.
            struct Action: Decodable { let action: String }
            let actions = try await app.db.sql.raw("SELECT action FROM audit_log").all(decoding: Action.self).map(
                \.action)
            #expect(
                actions.contains("mission.view") && actions.contains("mission.create")
                    && actions.contains("mission.concern"))
        }
    }

    @Test(arguments: Engine.all)
    func onlyCaseOfficersReachMissions(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            try await team.drafter.get("/office/missions")
            let created = try await team.drafter.post("/office/missions", Self.missionFields())
            let path = try #require(created.location)
            let (_, secret) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org", secret: secret)
            for browser in [editor, team.partner] {
                #expect(try await browser.get(path).status == .forbidden)
                #expect(try await browser.get("/office/missions").status == .forbidden)
            }
            #expect(try await TestBrowser(app).get(path).status == .seeOther, "the public is sent to sign in")
        }
    }
}
