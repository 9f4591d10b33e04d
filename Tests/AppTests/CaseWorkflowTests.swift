import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The whole workflow through the real app: report → receipt → verification by a partner → urgent appeal drafted,
/// approved by a second person and published with its reference code → follow-up and translation.
@Suite struct CaseWorkflowTests {
    @Test(arguments: Engine.all)
    func fromAReportToAPublishedAppealWithFollowUpAndTranslation(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let reporter = TestBrowser(app)
            let code = try #require(
                try await reporter.report(
                    person: "Juana Pérez López", description: "a woman human rights defender in Oaxaca",
                    account: "She received death threats at her office.", relation: "colleague",
                    contact: "signal +52 55 0000 1111",
                    files: [("files", "threat.txt", Array("The threat letter, word for word.".utf8))]))

            // The case officer finds it on the dashboard and asks the reporter a question.
            let dashboard = try await team.drafter.get("/office/cases")
            #expect(dashboard.body.contains("Juana Pérez López (Mexico)"))
            let caseID = try #require(firstMatch("/office/cases/(case-[a-z0-9]{12})", in: dashboard.body))
            let casePath = "/office/cases/\(caseID)"
            let file = try await team.drafter.get(casePath)
            #expect(
                file.body.contains("signal +52 55 0000 1111") && file.body.contains("She received death threats")
                    && file.body.contains("threat.txt"))
            try await team.drafter.post("\(casePath)/messages", [("message", "Is she safe where she lives now?")])

            // The reporter comes back with the receipt code (typed in lower case), reads the question and answers.
            try await reporter.get("/report/receipt")
            let followed = try await reporter.post("/report/receipt", [("code", code.lowercased())])
            #expect(followed.status == .ok && followed.body.contains("Is she safe where she lives now?"))
            #expect(!followed.body.contains("death threats"), "what the reporter sent is not shown back")
            let added = try await reporter.postMultipart(
                "/report/receipt/add", [("code", code), ("account", "She moved to a safe house.")], files: [])
            #expect(added.status == .ok && added.body.contains("your information has been added"))
            let wrong = try await reporter.post("/report/receipt", [("code", ReceiptCode.generate())])
            #expect(wrong.status == .notFound && wrong.body.contains("No report has this receipt code"))

            // Verification: the partner of org-1 reads only what was shared; the partner of org-2 reads nothing.
            try await team.drafter.get(casePath)
            let shared = "A woman defender in Oaxaca received death threats on 18 November. Can you confirm?"
            try await team.drafter.post("\(casePath)/verifications", [("organisation", "org-1"), ("shared", shared)])
            let requests = try await team.partner.get("/partner/verifications")
            let requestID = try #require(
                firstMatch("/partner/verifications/(verification-[a-z0-9]{12})", in: requests.body))
            #expect(try await team.otherPartner.get("/partner/verifications/\(requestID)").status == .notFound)
            #expect(try await team.otherPartner.get("/partner/verifications").body.contains(requestID) == false)
            #expect(try await team.partner.get(casePath).status == .forbidden)
            let request = try await team.partner.get("/partner/verifications/\(requestID)")
            #expect(
                request.body.contains(shared) && !request.body.contains("Juana") && !request.body.contains("signal +52")
            )
            try await team.partner.post(
                "/partner/verifications/\(requestID)", [("answer", "confirmed"), ("note", "Our lawyer confirms.")])
            let verified = try await team.drafter.get(casePath)
            #expect(
                verified.body.contains("Comité de Defensa Oaxaca") && verified.body.contains("Our lawyer confirms.")
                    && verified.body.contains(">Confirmed<"))
            #expect(verified.body.contains("id=\"case-status\">Under verification"))

            // An appeal cannot be approved before the case is verified.
            try await team.drafter.post("\(casePath)/status", [("status", "verified")])
            let form = try await team.drafter.get("\(casePath)/interventions/new?kind=urgent-appeal")
            #expect(form.body.contains("## Description of the situation") && form.body.contains("Juana Pérez López"))
            let created = try await team.drafter.post(
                "\(casePath)/interventions/new",
                [
                    ("kind", "urgent-appeal"), ("language", "en"), ("follow_up_of", ""), ("translation_of", ""),
                    ("title", "Mexico: Death threats against Juana Pérez López"),
                    ("summary", "Juana Pérez López was threatened."),
                    (
                        "body",
                        """
                        ## Description of the situation\n\nMs. López received death threats.\n\n## Actions \
                        requested\n\n1. Protect Juana Pérez López.
                        """
                    )
                ])
            let original = try #require(created.location)
            let ownApproval = try await team.drafter.post(original, [("action", "approve")])
            #expect(ownApproval.status == .unprocessableEntity && ownApproval.body.contains("cannot approve it"))

            // The second officer sees the public version, redacted, and approves: the code is assigned.
            let review = try await team.approver.get(original)
            let preview = try #require(
                review.body.components(separatedBy: "id=\"public-preview\"").last?.components(separatedBy: "</article>")
                    .first)
            #expect(preview.contains("Mexico: Death threats against a woman human rights defender in Oaxaca"))
            #expect(!preview.contains("Juana") && !preview.contains("López"))
            try await team.approver.post(original, [("action", "approve")])
            let approved = try await team.approver.get(original)
            #expect(approved.body.contains("id=\"reference\">MEX 001 / 1126 / OBS 001<"))
            try await team.approver.post(original, [("action", "publish")])
            let published = try await team.approver.get(original)
            let publicPath = try #require(firstMatch("id=\"public-link\" href=\"([^\"]+)\"", in: published.body))

            let page = try await app.get(publicPath)
            #expect(page.status == .ok && page.body.contains("MEX 001 / 1126 / OBS 001"))
            #expect(
                page.body.contains("a woman human rights defender in Oaxaca") && !page.body.contains("Juana")
                    && !page.body.contains("López"))
            #expect(try await team.drafter.get(casePath).body.contains("id=\"case-status\">Action launched"))

            // A follow-up gets the original's code with ".1" and joins the public chain; a translation carries the
            // code.
            let followForm = try await team.drafter.get(
                "\(casePath)/interventions/new?follow_up_of=\(original.split(separator: "/").last!)")
            #expect(followForm.body.contains("## New information"))
            let followUp = try #require(
                try await team.drafter.post(
                    "\(casePath)/interventions/new",
                    [
                        ("kind", "urgent-appeal"), ("language", "en"),
                        ("follow_up_of", String(original.split(separator: "/").last!)), ("translation_of", ""),
                        ("title", "Mexico: New threats against Juana Pérez López"), ("summary", ""),
                        ("body", "## New information\n\nShe was threatened again.")
                    ]
                ).location)
            let translation = try #require(
                try await team.drafter.post(
                    "\(casePath)/interventions/new",
                    [
                        ("kind", "urgent-appeal"), ("language", "fr"), ("follow_up_of", ""),
                        ("translation_of", String(original.split(separator: "/").last!)),
                        ("title", "Mexique : menaces de mort contre Juana Pérez López"), ("summary", ""),
                        ("body", "## Description de la situation\n\nMenaces.")
                    ]
                ).location)
            // A translation naming her needs her description in French (issue 21).
            let person = try #require(
                firstMatch(
                    "/people/(person-[a-z0-9]{12})/languages",
                    in: try await team.drafter.get(casePath).body))
            _ = try await TranslationWorkflowTests.describe(
                team.drafter, casePath, person,
                [("description_fr", "une défenseuse à Oaxaca")])
            for path in [followUp, translation] {
                try await team.approver.get(path)
                try await team.approver.post(path, [("action", "approve")])
                try await team.approver.post(path, [("action", "publish")])
            }
            #expect(try await team.approver.get(followUp).body.contains("id=\"reference\">MEX 001 / 1126 / OBS 001.1<"))
            #expect(
                try await team.approver.get(translation).body.contains("id=\"reference\">MEX 001 / 1126 / OBS 001<"))
            let chain = try await app.get(publicPath)
            #expect(chain.body.contains("New threats against a woman human rights defender in Oaxaca"))
            #expect(chain.body.contains("MEX 001 / 1126 / OBS 001.1") && chain.body.contains("hreflang=\"fr\""))
            #expect(!chain.body.contains("Juana"))
            let timeline = try await team.drafter.get(casePath)
            #expect(timeline.body.contains("id=\"case-status\">Follow-up"))
            for entry in [
                "Case opened from the public report form", "Verification asked of Comité de Defensa Oaxaca",
                "answered: Confirmed", "Original approved: MEX 001 / 1126 / OBS 001", "Follow-up published"
            ] {
                #expect(timeline.body.contains(entry), "timeline: \(entry)")
            }
        }
    }

    @Test(arguments: Engine.all)
    func aPartnersAccessEndsOnTheDayTheOfficerChose(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            let team = try await CaseTeam.make(app)
            try await team.drafter.get("/office/cases/new")
            let opened = try await team.drafter.post(
                "/office/cases/new", [("label", "L"), ("country", "MX"), ("risk", "low"), ("kind", "defender")])
            let casePath = try #require(opened.location)
            try await team.drafter.get(casePath)
            try await team.drafter.post(
                "\(casePath)/verifications", [("organisation", "org-1"), ("shared", "Please confirm."), ("days", "7")])
            #expect(try await team.drafter.get(casePath).body.contains("access until 2026-11-27"))
            let requestID = try #require(
                firstMatch(
                    "/partner/verifications/(verification-[a-z0-9]{12})",
                    in: try await team.partner.get("/partner/verifications").body))
            #expect(try await team.partner.get("/partner/verifications/\(requestID)").status == .ok)
            clock.advance(seconds: 7 * 86_400 + 1)
            try await team.partner.signIn("partner@example.org", clock: clock)  // a week later: a new session
            let late = try await team.partner.get("/partner/verifications/\(requestID)")
            #expect(late.status == .forbidden && late.body.contains("Your access to this request has ended"))
            #expect(
                try await team.partner.post("/partner/verifications/\(requestID)", [("answer", "confirmed")]).status
                    == .forbidden)
            #expect(try await team.partner.get("/partner/verifications").body.contains("(access ended)"))
        }
    }

    @Test(arguments: Engine.all)
    func statusChangesFollowTheStateMachine(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            try await team.drafter.get("/office/cases/new")
            let opened = try await team.drafter.post(
                "/office/cases/new",
                [
                    ("label", "Raid on the union office"), ("country", "Colombia"), ("risk", "high"),
                    ("kind", "organisation"), ("person", "Sindicato X"), ("consents", "yes")
                ])
            let casePath = try #require(opened.location)
            try await team.drafter.get(casePath)
            let jump = try await team.drafter.post("\(casePath)/status", [("status", "action-launched")])
            #expect(
                jump.status == .unprocessableEntity
                    && jump.body.contains("cannot go from “Received” to “Action launched”"))
            let noOutcome = try await team.drafter.post("\(casePath)/status", [("status", "closed")])
            #expect(noOutcome.status == .unprocessableEntity && noOutcome.body.contains("Choose the outcome"))
            try await team.drafter.post("\(casePath)/status", [("status", "closed"), ("outcome", "charges-dropped")])
            let closed = try await team.drafter.get(casePath)
            #expect(closed.body.contains("id=\"case-status\">Closed (Charges dropped)"))
            #expect(closed.body.contains("Status: Received → Closed (outcome: Charges dropped)"))
            // The organisation withdraws its consent to be named: public texts then use the description.
            let personID = try #require(
                firstMatch("/office/cases/case-[a-z0-9]{12}/people/(person-[a-z0-9]{12})", in: closed.body))
            let noDescription = try await team.drafter.post(
                "\(casePath)/people/\(personID)", [("description", ""), ("contact", "")])
            #expect(
                noDescription.status == .unprocessableEntity
                    && noDescription.body.contains("Describe how public texts may refer to them"))
            try await team.drafter.post(
                "\(casePath)/people/\(personID)", [("description", "a trade union in Antioquia"), ("contact", "")])
            let cipher = app.site.cipher
            let file = try #require(
                try await CaseStore.find(String(casePath.split(separator: "/").last!), cipher: cipher, on: app.db))
            #expect(file.redactor.redact("Sindicato X was raided.") == "a trade union in Antioquia was raided.")
            #expect(
                try await team.drafter.post("\(casePath)/people/person-000000000000", [("description", "x")]).status
                    == .notFound)
            let list = try await team.drafter.get("/office/cases?status=closed")
            #expect(list.body.contains("Raid on the union office"))
        }
    }

    @Test(arguments: Engine.all)
    func badReportsAndFilesAreRefusedByName(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let reporter = TestBrowser(app)
            try await reporter.get("/report")
            let empty = try await reporter.postMultipart(
                "/report", [("person", ""), ("country", "XX"), ("account", "")], files: [])
            #expect(empty.status == .unprocessableEntity)
            for message in [
                "Name the person or organisation at risk.", "Choose the country.", "Describe what happened."
            ] { #expect(empty.body.contains(message)) }
            let exe = try await reporter.postMultipart(
                "/report", [("person", "A"), ("country", "MX"), ("account", "B")],
                files: [("files", "run.exe", [0x4D, 0x5A, 0x90, 0x00, 0x03])])
            #expect(
                exe.status == .unprocessableEntity
                    && exe.body.contains("“run.exe” is not a PDF, JPEG, PNG or plain text file."))
            let forged = try await reporter.postMultipart(
                "/report", [("person", "A"), ("country", "MX"), ("account", "B")], files: [])
            #expect(forged.status == .ok)
            reporter.lastCSRF = "forged"
            #expect(
                try await reporter.postMultipart(
                    "/report", [("person", "A"), ("country", "MX"), ("account", "B")], files: []
                ).status == .forbidden)
            let french = try await TestBrowser(app).get("/fr/report")
            #expect(
                french.body.contains("Signaler une menace") && french.headers.first(name: .cacheControl) == "no-store")
            #expect(try await app.get("/").body.contains("href=\"/report\""), "every public page links to the form")
        }
    }

    @Test func reportsAreRateLimitedPerAddressWithoutStoringIt() async throws {
        try await withApp(.sqlite) { app in
            let reporter = TestBrowser(app)
            for n in 1...20 {
                #expect(try await reporter.report(person: "P\(n)", description: "d", account: "a") != nil)
            }
            try await reporter.get("/report")
            // Past the hourly threshold a busy source is not refused (others may share its address): it is stored
            // for bulk triage.
            let fields = [("person", "P21"), ("country", "MX"), ("account", "a")]
            let next = try await reporter.postMultipart("/report", fields, files: [])
            #expect(next.status == .ok && next.body.contains("id=\"receipt-code\""))
            struct Flagged: Decodable { let n: Int }
            let flagged = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM intake_bulk")
                .first(decoding: Flagged.self)
            #expect(flagged?.n == 1)
            struct Row: Decodable { let n: Int }
            let stored = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE address <> ''").first(
                decoding: Row.self)
            #expect(stored?.n == 0, "no address written down for reports")
        }
    }
}
