import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// An original drafted in French, Spanish or Arabic (not a translation) describes the people it may not name in its
/// own language, never with the case file's English description inside a French, Spanish or Arabic sentence; without
/// a description in that language it is refused at approval, as a translation is. Through the running app, on both
/// engines.
@Suite struct OriginalLanguageTests {
    static let juana = TranslationWorkflowTests.juana
    static let english = TranslationWorkflowTests.english
    static let described: [(code: String, title: String, body: String, description: String, spelling: String?)] = [
        (
            "fr", "Mexique : menaces contre \(juana)", "\(juana) a été menacée de mort.",
            TranslationWorkflowTests.french, nil
        ),
        (
            "es", "México: amenazas contra \(juana)", "\(juana) fue amenazada de muerte.",
            "una defensora de derechos humanos en Oaxaca", nil
        ),
        (
            "ar", "المكسيك: تهديدات ضد \(TranslationWorkflowTests.arabicName)",
            "تلقت \(TranslationWorkflowTests.arabicName) تهديدات بالقتل.",
            TranslationWorkflowTests.arabic, TranslationWorkflowTests.arabicName
        )
    ]

    /// A verified case about Juana Pérez López (not named in public): the case path and the person's id.
    static func verifiedCase(_ app: Application, _ team: CaseTeam) async throws -> (String, String) {
        let reporter = TestBrowser(app)
        _ = try #require(
            try await reporter.report(
                person: juana, description: english,
                account: "Death threats at her office.",
                contact: "+52 55 1234 5678"))
        let dashboard = try await team.drafter.get("/office/cases")
        let caseID = try #require(firstMatch("/office/cases/(case-[a-z0-9]{12})", in: dashboard.body))
        _ = try await CaseStore.changeStatus(
            caseID, from: .received, to: .verified, outcome: nil,
            by: "drafter@example.org", now: testClock.now(), on: app.db)
        let casePath = "/office/cases/\(caseID)"
        let page = try await team.drafter.get(casePath)
        let person = try #require(firstMatch("/people/(person-[a-z0-9]{12})/languages", in: page.body))
        return (casePath, person)
    }

    static func preview(_ page: TestBrowser.Page) -> String {
        page.body.components(separatedBy: "id=\"public-preview\"").last?.components(separatedBy: "</article>")
            .first ?? ""
    }

    @Test(arguments: Engine.all)
    func anOriginalInFrenchSpanishOrArabicUsesTheDescriptionInItsLanguage(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let (casePath, person) = try await Self.verifiedCase(app, team)
            for language in Self.described {
                let name = try #require(Language(rawValue: language.code)).englishName
                // Drafted in the language, the person described only in English: the preview never carries the
                // English description, and approval asks for the one in the draft's language.
                let draft = try await FourEyesTests.draft(
                    team.drafter, casePath, title: language.title,
                    body: language.body, language: language.code)
                let before = Self.preview(try await team.approver.get(draft))
                #expect(!before.contains(Self.english), "\(language.code): no English description: \(before)")
                #expect(!before.contains("Juana"), "\(language.code): \(before)")
                let refused = try await FourEyesTests.approve(draft, by: team.approver)
                #expect(refused.status == .unprocessableEntity, "\(language.code) refused")
                let refusal = firstMatch("id=\"refusal\">([^<]+)<", in: refused.body) ?? ""
                #expect(
                    refusal.contains("person 1 (Defender) of the case") && refusal.contains("in \(name)"),
                    "\(language.code): \(refusal)")
                #expect(try await team.approver.get(draft).body.contains("id=\"intervention-status\">Draft"))

                // With the description (and the spelling, in Arabic) on the case page, the text uses it.
                var fields = [("description_\(language.code)", language.description)]
                if let spelling = language.spelling { fields.append(("spelling_\(language.code)", spelling)) }
                _ = try await TranslationWorkflowTests.describe(team.drafter, casePath, person, fields)
                let after = Self.preview(try await team.approver.get(draft))
                #expect(
                    after.contains(language.description) && !after.contains(Self.english),
                    "\(language.code): \(after)")
                #expect(
                    try await FourEyesTests.approve(draft, by: team.approver).location != nil,
                    "\(language.code) approved")
                try await team.approver.post(draft, [("action", "publish")])
                let path = try await TranslationWorkflowTests.publicPath(team.approver, draft)
                let published = try await app.get(path)
                #expect(published.status == .ok)
                #expect(published.body.contains(language.description), "\(language.code) public page")
                #expect(
                    !published.body.contains(Self.english) && !published.body.contains("Juana")
                        && !published.body.contains("خوانا"), "\(language.code): neither the English nor the name")
            }
            // An English original still uses the case file's (English) description.
            let englishDraft = try await FourEyesTests.draft(
                team.drafter, casePath,
                title: "Mexico: threats against \(Self.juana)", body: "\(Self.juana) was threatened.")
            let shown = Self.preview(try await team.approver.get(englishDraft))
            #expect(shown.contains("Mexico: threats against \(Self.english)") && !shown.contains("Juana"))
        }
    }
}
