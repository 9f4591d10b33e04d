import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Calls for input: opened by staff, answered by anyone until the deadline, answers sealed and exported as CSV.
@Suite struct CallsForInputTests {
    @Test(arguments: Engine.all)
    func aCallIsAnsweredUntilItsDeadlineAndTheAnswersStayWithStaff(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            let (_, secret) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org", secret: secret)
            try await editor.get("/office/calls")
            let bad = try await editor.post("/office/calls", [("id", "X Y"), ("title", ""), ("deadline", "soon")])
            #expect(bad.status == .unprocessableEntity && bad.body.contains("Give an address"))
            let call = [
                ("id", "whrd-africa"), ("title", "Women defenders in Africa: your needs"),
                ("deadline", "2026-11-30"), ("text", "Tell us what **you** need.")
            ]
            // Four eyes: the author saves the call; another person puts that text on the public site.
            try await editor.post("/office/calls", call)
            let second = try await EditorialTests.secondEditor(app)
            try await second.get("/office/calls")
            #expect(try await second.post("/office/calls", call + [("open", "yes")]).status == .seeOther)
            let list = try await app.get("/fr/calls")
            #expect(
                list.body.contains("href=\"/fr/calls/whrd-africa\"")
                    && list.body.contains("Réponses jusqu’au 30 novembre 2026"))

            let reader = TestBrowser(app)
            try await reader.get("/fr/calls/whrd-africa")
            let empty = try await reader.post("/fr/calls/whrd-africa", [("answer", " ")])
            #expect(empty.status == .unprocessableEntity && empty.body.contains("Écrivez votre réponse"))
            let sent = try await reader.post(
                "/fr/calls/whrd-africa",
                [
                    ("answer", "=HYPERLINK(\"x\") Nous avons besoin de \"protection\"."),
                    ("who", "Collectif Kivu"), ("contact", "signal +243 000"), ("country", "Congo, Democratic Republic")
                ])
            #expect(sent.status == .ok && sent.body.contains("Seule l’équipe de l’Observatoire la lira."))
            #expect(
                !(try await app.get("/calls/whrd-africa").body.contains("Collectif Kivu")), "answers are not public")

            let answers = try await editor.get("/office/calls/whrd-africa")
            #expect(
                answers.body.contains("Answers (1), confidential") && answers.body.contains("Collectif Kivu")
                    && answers.body.contains("· CD ·"), "\(answers.body.suffix(900))")
            let csv = try await editor.get("/office/calls/whrd-africa/answers.csv")
            #expect(csv.headers.first(name: .contentType) == "text/csv; charset=utf-8")
            let lines = csv.body.components(separatedBy: "\r\n")
            #expect(lines[0] == "\"received\",\"language\",\"country\",\"name or organisation\",\"contact\",\"answer\"")
            #expect(
                lines[1].hasSuffix(
                    """
                    ,\"fr\",\"CD\",\"Collectif Kivu\",\"signal +243 000\",\"'=HYPERLINK(\"\"x\"\") Nous avons \
                    besoin de \"\"protection\"\".\"
                    """
                ))
            struct Row: Decodable { let answerSealed: String, contactSealed: String }
            let stored = try await app.db.sql.raw("SELECT answer_sealed, contact_sealed FROM call_answers").all(
                decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            #expect(
                stored.count == 1 && !stored[0].answerSealed.contains("protection")
                    && !stored[0].contactSealed.contains("+243"))

            // After the deadline: closed, and an answer sent anyway is not taken.
            clock.advance(seconds: 11 * 86_400)
            let late = TestBrowser(app)
            let closed = try await late.get("/calls/whrd-africa")
            #expect(closed.body.contains("This call for input is closed."))
            try await late.post("/calls/whrd-africa", [("answer", "Too late")])
            #expect(try await CallStore.answers("whrd-africa", cipher: app.site.cipher, on: app.db).count == 1)
            #expect(!(try await app.get("/calls").body.contains("whrd-africa")))
        }
    }
}
