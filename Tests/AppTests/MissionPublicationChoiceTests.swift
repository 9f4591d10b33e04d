import Fluent
import Foundation
import ObservatoryCore
import PropertyBased
import SQLKit
import Testing
import Vapor

@testable import App

/// A mission's preliminary findings and report are chosen from a searchable list (radio buttons a GET search fills,
/// no script), never typed as ids: the report among reports only, and any id the list could not have offered is
/// refused with nothing stored. Through the running app, on both engines.
@Suite struct MissionPublicationChoiceTests {
    static func fieldset(_ id: String, of body: String) -> String {
        body.components(separatedBy: "id=\"\(id)\"").dropFirst().first?.components(separatedBy: "</fieldset>").first
            ?? ""
    }

    static func links(_ app: Application) async throws -> [String?] {
        let missions = try await MissionStore.all(cipher: app.site.cipher, on: app.db)
        return missions.flatMap { [$0.preliminaryID, $0.reportID] }
    }

    @Test(arguments: Engine.all)
    func findingsAndReportAreChosenFromAListAndForgedIdsAreRefused(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            var older: [ArchivePublication] = []
            for n in 0..<35 {
                older.append(
                    publication(
                        "report-old-\(n)", .report, on: "2025-0\(n % 9 + 1)-1\(n % 9)",
                        title: "Annual review number \(n)"))
            }
            try await store(
                older + [
                    publication(
                        "prelim-1", .statement, on: "2026-12-05",
                        title: "Mexico: preliminary findings of the trial observation"),
                    publication("report-1", .report, on: "2026-12-20", title: "Mexico: the trial of a land defender"),
                    publication("statement-1", .statement, on: "2026-12-21", title: "Mexico: a statement")
                ], in: app)
            let officer = team.drafter

            // The new-mission form offers lists, not id fields; reports only in the report's list.
            let blank = try await officer.get("/office/missions")
            #expect(!blank.body.contains("name=\"report\" type=\"text\""), "no typed id")
            let reports = Self.fieldset("report-choices", of: blank.body)
            #expect(reports.contains("value=\"report-1\"") && !reports.contains("value=\"statement-1\""))
            #expect(!reports.contains("value=\"prelim-1\""))
            #expect(reports.contains("name=\"report\" value=\"\" checked"), "none is chosen at first")
            let preliminary = Self.fieldset("preliminary-choices", of: blank.body)
            #expect(preliminary.contains("value=\"statement-1\"") && preliminary.contains("value=\"prelim-1\""))
            #expect(blank.body.contains("name=\"pub_q\""))

            // Searching by words of the title (case and accents ignored) narrows both lists; at most 30 at once.
            let searched = try await officer.get("/office/missions?pub_q=TRIAL%20D%C3%89FENDER")
            let found = Self.fieldset("report-choices", of: searched.body)
            #expect(found.contains("value=\"report-1\"") && !found.contains("value=\"report-old-1\""))
            let many = try await officer.get("/office/missions?pub_q=annual")
            let offered = Self.fieldset("report-choices", of: many.body).components(separatedBy: "name=\"report\"")
            #expect(offered.count - 1 == ChoiceSearch.limit + 1, "30 reports and none: \(offered.count - 1)")
            #expect(many.body.contains("More match"))

            // Chosen from the lists: stored, and the mission page shows them checked.
            let created = try await officer.post(
                "/office/missions",
                MissionTests.missionFields(
                    preliminary: "prelim-1", report: "report-1"))
            let path = try #require(created.location, "created: \(created.body.prefix(300))")
            let page = try await officer.get(path)
            #expect(Self.fieldset("report-choices", of: page.body).contains("value=\"report-1\" checked"))
            #expect(Self.fieldset("preliminary-choices", of: page.body).contains("value=\"prelim-1\" checked"))
            #expect(try await Self.links(app) == ["prelim-1", "report-1"])
            // The page's own search keeps the chosen ones in the lists.
            let narrowed = try await officer.get(path + "?pub_q=annual%20review%203")
            #expect(Self.fieldset("report-choices", of: narrowed.body).contains("value=\"report-1\" checked"))

            // Forged ids: never stored, a non-report as the report, each refused by name with nothing changed.
            let forged = [
                "pub-forged", "report-1' OR '1'='1", "../report-1", "REPORT-1", "report-10",
                "statement-1"
            ]
            for id in forged {
                let refused = try await officer.post(
                    path,
                    MissionTests.missionFields(
                        preliminary: "prelim-1",
                        report: id))
                #expect(refused.status == .unprocessableEntity, "\(id) refused")
                #expect(
                    refused.body.contains("is not among the records you can link")
                        || refused.body.contains("is not a report"), "\(id): named")
                #expect(try await Self.links(app) == ["prelim-1", "report-1"], "\(id): nothing changed")
            }

            // Generated ids in either field: refused unless the list could offer them.
            let stored = Set(older.map(\.id) + ["prelim-1", "report-1", "statement-1"])
            let ids = Gen<Character?>.element(of: Array("report-1prelimstatement-'\"<>%é\u{202E} ")).map { $0! }
                .array(of: 1...14).map { String($0) }
            await propertyCheck(count: 60, input: ids, Gen.bool) { id, inReport in
                let fields = MissionTests.missionFields(
                    preliminary: inReport ? "prelim-1" : id,
                    report: inReport ? id : "report-1")
                let answer = try? await officer.post(path, fields)
                // The form reads a field without its surrounding spaces; nothing left is "none".
                let sent = id.trimmingCharacters(in: .whitespacesAndNewlines)
                let allowed = sent.isEmpty || (stored.contains(sent) && (!inReport || sent.hasPrefix("report-")))
                #expect(
                    answer.map { allowed ? $0.status == .seeOther : $0.status == .unprocessableEntity } ?? false,
                    "\(id) in \(inReport ? "report" : "preliminary")")
                #expect(answer.map { !$0.body.contains("<script") } ?? false)
            }

            // Choosing "none" unlinks; a partner or an editor cannot reach the lists.
            let unlinked = try await officer.post(path, MissionTests.missionFields(preliminary: "", report: ""))
            #expect(unlinked.status == .seeOther)
            #expect(try await Self.links(app) == [nil, nil])
            #expect(try await team.partner.get("/office/missions?pub_q=report").status == .forbidden)
            struct Count: Decodable { let n: Int }
            let audited =
                try await app.db.sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM audit_log WHERE action = 'mission.update'
                    """
                ).first(decoding: Count.self)?.n ?? 0
            #expect(audited >= 1, "every change of links is audited")
        }
    }
}
