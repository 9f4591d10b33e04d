import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The translation workflow through the running app, on both engines: the original beside an empty form, a
/// description per language asked for before approval, the languages of each intervention on the case page,
/// four eyes on translations, and the attacker's ways round the redaction in the target language.
@Suite struct TranslationWorkflowTests {
    static let juana = "Juana Pérez López"
    static let english = "a woman human rights defender in Oaxaca"
    static let french = "une défenseuse des droits humains à Oaxaca"
    static let arabic = "مدافعة عن حقوق الإنسان في أواكساكا"
    static let arabicName = "خوانا بيريث لوبيث"

    /// A verified case about Juana Pérez López (not named in public), an original appeal naming her approved and
    /// published; returns the case path, the original's path and the person's id.
    static func published(_ app: Application, _ team: CaseTeam) async throws -> (String, String, String) {
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
        let original = try await FourEyesTests.draft(
            team.drafter, casePath,
            title: "Mexico: threats against \(juana)",
            body: "## Description of the situation\n\n\(juana) "
                + "was threatened.")
        #expect(try await FourEyesTests.approve(original, by: team.approver).location != nil)
        try await team.approver.post(original, [("action", "publish")])
        let page = try await team.drafter.get(casePath)
        let person = try #require(firstMatch("/people/(person-[a-z0-9]{12})/languages", in: page.body))
        return (casePath, original, person)
    }

    static func describe(
        _ browser: TestBrowser, _ casePath: String, _ person: String,
        _ fields: [(String, String)]
    ) async throws -> TestBrowser.Page {
        try await browser.get(casePath)
        return try await browser.post("\(casePath)/people/\(person)/languages", fields)
    }

    static func section(_ id: String, of body: String) -> String {
        body.components(separatedBy: "id=\"\(id)\"").dropFirst().first?.components(separatedBy: "</table>").first ?? ""
    }

    static func publicPath(_ browser: TestBrowser, _ path: String) async throws -> String {
        try #require(firstMatch("id=\"public-link\" href=\"([^\"]+)\"", in: try await browser.get(path).body))
    }

    @Test(arguments: Engine.all)
    func aTranslationIsWrittenBesideItsOriginalAndUsesTheDescriptionInItsLanguage(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let team = try await CaseTeam.make(app)
            let (casePath, original, person) = try await Self.published(app, team)
            let originalID = FourEyesTests.id(original)

            // The case page lists the languages: English present, the others missing, each with its link.
            let before = Self.section("intervention-languages", of: try await team.drafter.get(casePath).body)
            #expect(before.contains("data-language=\"en\"><a href=\"\(original)\">EN</a> (Published)"))
            for code in ["fr", "es", "ar"] {
                #expect(before.contains("class=\"missing\" data-language=\"\(code)\""), "\(code) missing")
                #expect(before.contains("translation_of=\(originalID)&amp;language=\(code)"), "\(code) link")
            }

            // The form shows the original beside empty fields, not a copy of the English text to overwrite.
            let form = try await team.drafter
                .get("\(casePath)/interventions/new?translation_of=\(originalID)&language=fr")
            #expect(form.status == .ok && form.body.contains("class=\"translation-pair\""))
            let shown = try #require(
                form.body.components(separatedBy: "id=\"original\"").last?
                    .components(separatedBy: "</section>").first)
            #expect(shown.contains("Mexico: threats against \(Self.juana)") && shown.contains("was threatened"))
            #expect(form.body.contains("name=\"title\" type=\"text\" value=\"\""), "the title is not pre-filled")
            let textarea = try #require(
                form.body.components(separatedBy: "name=\"body\"").last?
                    .components(separatedBy: "</textarea>").first)
            #expect(!textarea.contains("threatened"), "the text is not pre-filled: \(textarea.prefix(200))")

            // A translation naming her, without a French description, is refused at approval by number and language.
            let translation = try await FourEyesTests.draft(
                team.drafter, casePath,
                title: "Mexique : menaces contre \(Self.juana)", body: "\(Self.juana) a été menacée.",
                language: "fr", translationOf: originalID)
            let page = try await team.approver.get(translation)
            #expect(page.body.contains("id=\"original\""), "the original is beside the translation when editing")
            #expect(page.body.contains("id=\"translation-problems\""))
            let refused = try await FourEyesTests.approve(translation, by: team.approver)
            let refusal = try #require(firstMatch("id=\"refusal\">([^<]+)<", in: refused.body))
            #expect(refused.status == .unprocessableEntity)
            #expect(refusal.contains("person 1 (Defender) of the case") && refusal.contains("in French"), "\(refusal)")
            #expect(!refusal.contains("Juana") && !refusal.contains("López"))
            #expect(try await team.approver.get(translation).body.contains("id=\"intervention-status\">Draft"))

            // With the French description entered on the case page, the French appeal says it in French.
            let saved = try await Self.describe(team.drafter, casePath, person, [("description_fr", Self.french)])
            #expect(saved.status == .seeOther || saved.status == .found, "saved: \(saved.body.prefix(200))")
            let preview = try #require(
                try await team.approver.get(translation).body
                    .components(separatedBy: "id=\"public-preview\"").last?.components(separatedBy: "</article>").first)
            #expect(preview.contains("Mexique : menaces contre \(Self.french)") && !preview.contains("Juana"))
            #expect(try await FourEyesTests.approve(translation, by: team.approver).location != nil)
            try await team.approver.post(translation, [("action", "publish")])
            let frenchPath = try await Self.publicPath(team.approver, translation)
            let frenchPage = try await app.get(frenchPath)
            #expect(frenchPage.body.contains("<h1><bdi>Mexique : menaces contre \(Self.french)</bdi></h1>"))
            let article =
                frenchPage.body.components(separatedBy: "<div class=\"body\">").last?
                .components(separatedBy: "</div>").first ?? ""
            #expect(article.contains(Self.french) && !article.contains(Self.english), "no English inside the French")
            #expect(!frenchPage.body.contains("Juana") && !frenchPage.body.contains("López"))
            #expect(
                try await team.approver.get(translation).body
                    .contains("id=\"reference\">MEX 001 / 1126 / OBS 001<"))

            // The case page now shows French present; the description is sealed in the database and audited.
            let after = Self.section("intervention-languages", of: try await team.drafter.get(casePath).body)
            #expect(after.contains("data-language=\"fr\"><a href=\"\(translation)\">FR</a> (Published)"))
            #expect(after.contains("class=\"missing\" data-language=\"es\""))
            struct Stored: Decodable { let descriptionSealed: String }
            let stored = try await app.db.sql.raw("SELECT description_sealed FROM case_person_languages")
                .all(decoding: Stored.self, keyDecodingStrategy: .convertFromSnakeCase)
            #expect(stored.count == 1 && !stored[0].descriptionSealed.contains("Oaxaca"))
            struct Count: Decodable { let n: Int }
            let audited = try await app.db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM audit_log WHERE action = 'case.person.languages'
                """
            ).first(decoding: Count.self)?.n
            #expect(audited == 1)
            // The description is confidential until an approved translation holds it: not on any other public page.
            for path in ["/fr/publications", "/search?q=d%C3%A9fenseuse", "/publications/feed.rss"] {
                #expect(!(try await app.get(path).body.contains("Juana")), "no name in \(path)")
            }
        }
    }

    @Test(arguments: Engine.all)
    func fourEyesHoldForTranslationsAsForOriginals(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let (casePath, original, person) = try await Self.published(app, team)
            _ = try await Self.describe(team.drafter, casePath, person, [("description_es", "una defensora en Oaxaca")])
            let translation = try await FourEyesTests.draft(
                team.drafter, casePath,
                title: "México: amenazas contra \(Self.juana)", body: "\(Self.juana) fue amenazada.",
                language: "es", translationOf: FourEyesTests.id(original))
            // The translator cannot approve her own translation.
            let own = try await FourEyesTests.approve(translation, by: team.drafter)
            #expect(own.status == .unprocessableEntity && own.body.contains("cannot approve it"))

            // Dozens of simultaneous approvals by the second officer: one approval, the original's code.
            let cipher = app.site.cipher
            let read = try #require(
                try await InterventionStore.find(
                    FourEyesTests.id(translation), cipher: cipher,
                    on: app.db))
            let file = try #require(try await CaseStore.find(read.caseID, cipher: cipher, on: app.db))
            let approvals = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<24 {
                    group.addTask {
                        let result = try await InterventionWorkflow.approve(
                            read, file: file,
                            by: "approver@example.org", now: testClock.now(), on: app.db)
                        if case .success = result { return true }
                        return false
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(approvals == 1)
            #expect(
                try await team.approver.get(translation).body
                    .contains("id=\"reference\">MEX 001 / 1126 / OBS 001<"))

            // Edited after approval (by the translator): back to draft, cannot be published, needs approval again.
            try await team.drafter.get(translation)
            try await team.drafter.post(
                translation,
                [
                    ("action", "save"), ("title", "México: \(Self.juana) detenida"),
                    ("summary", ""), ("body", "\(Self.juana) fue detenida.")
                ])
            #expect(try await team.drafter.get(translation).body.contains("id=\"intervention-status\">Draft"))
            let publish = try await team.approver.post(translation, [("action", "publish")])
            #expect(publish.status == .unprocessableEntity)
            #expect(!(try await app.get("/es/publications").body.contains("detenida")))
            // The approver who rewrites it cannot approve her own rewrite either.
            try await team.approver.get(translation)
            try await team.approver.post(
                translation,
                [
                    ("action", "save"), ("title", "México: \(Self.juana) liberada"),
                    ("summary", ""), ("body", "\(Self.juana) fue liberada.")
                ])
            let rewritten = try await FourEyesTests.approve(translation, by: team.approver)
            #expect(rewritten.status == .unprocessableEntity && rewritten.body.contains("cannot approve it"))
            #expect(try await FourEyesTests.approve(translation, by: team.drafter).location != nil)
            try await team.drafter.post(translation, [("action", "publish")])
            let spanish = try await app.get(try await Self.publicPath(team.drafter, translation))
            #expect(spanish.body.contains("una defensora en Oaxaca liberada") && !spanish.body.contains("Juana"))
        }
    }

    @Test(arguments: Engine.all)
    func aTranslationNamingHerInTheTargetLanguagesSpellingNeverGoesOut(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let (casePath, original, person) = try await Self.published(app, team)
            _ = try await Self.describe(team.drafter, casePath, person, [("description_ar", Self.arabic)])
            // Her name written in Arabic letters: the redaction cannot know it, so approval asks for the spelling.
            let translation = try await FourEyesTests.draft(
                team.drafter, casePath,
                title: "المكسيك: تهديدات ضد \(Self.arabicName)", body: "تلقت \(Self.arabicName) تهديدات بالقتل.",
                language: "ar", translationOf: FourEyesTests.id(original))
            let refused = try await FourEyesTests.approve(translation, by: team.approver)
            let refusal = try #require(firstMatch("id=\"refusal\">([^<]+)<", in: refused.body))
            #expect(refusal.contains("person 1 (Defender) of the case") && refusal.contains("spelt in Arabic"))
            #expect(!refusal.contains("Juana") && !refusal.contains("خوانا"))

            // With the spelling recorded, every form of it is replaced by the Arabic description (with the article
            // or a prefix, without the dots) and an English follow-up that copies the spelling is caught as well.
            _ = try await Self.describe(
                team.drafter, casePath, person,
                [
                    ("description_ar", Self.arabic),
                    ("spelling_ar", Self.arabicName)
                ])
            try await team.drafter.get(translation)
            try await team.drafter.post(
                translation,
                [
                    ("action", "save"), ("title", "المكسيك: تهديدات ضد خوانا"),
                    ("summary", ""), ("body", "تلقت \(Self.arabicName) تهديدات. ولوبيث في خطر.")
                ])
            let preview = try await team.approver.get(translation)
            let shown = try #require(
                preview.body.components(separatedBy: "id=\"public-preview\"").last?
                    .components(separatedBy: "</article>").first)
            #expect(shown.contains(Self.arabic) && !shown.contains("خوانا") && !shown.contains("لوبيث"), "\(shown)")
            #expect(try await FourEyesTests.approve(translation, by: team.approver).location != nil)
            try await team.approver.post(translation, [("action", "publish")])
            let arabicPage = try await app.get(try await Self.publicPath(team.approver, translation))
            #expect(arabicPage.body.contains(Self.arabic) && !arabicPage.body.contains("خوانا"))
            let followUp = try await FourEyesTests.draft(
                team.drafter, casePath, title: "Mexico: new threats",
                body: "## New information\n\nShe signs \(Self.arabicName).", followUpOf: FourEyesTests.id(original))
            let english = try await team.approver.get(followUp)
            let englishPreview =
                english.body.components(separatedBy: "id=\"public-preview\"").last?
                .components(separatedBy: "</article>").first ?? ""
            #expect(englishPreview.contains("She signs") && !englishPreview.contains("خوانا"))
            // The spelling and the Arabic description are sealed: not in the raw rows.
            struct Row: Decodable { let descriptionSealed: String, spellingSealed: String }
            let rows = try await app.db.sql.raw("SELECT description_sealed, spelling_sealed FROM case_person_languages")
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            #expect(
                rows.count == 1 && !rows[0].spellingSealed.contains("خوانا")
                    && !rows[0].descriptionSealed.contains("أواكساكا"))
            // An over-long description is refused by name and loses nothing stored.
            let long = try await Self.describe(
                team.drafter, casePath, person,
                [("description_ar", String(repeating: "ا", count: 301))])
            #expect(long.status == .unprocessableEntity && long.body.contains("under 300 characters"))
            let kept = try await app.db.sql.raw("SELECT description_sealed, spelling_sealed FROM case_person_languages")
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            #expect(kept.count == 1 && kept[0].descriptionSealed == rows[0].descriptionSealed)
        }
    }

    @Test(arguments: Engine.all)
    func takeActionAndTheChainSpeakTheTranslationsLanguage(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(
                [
                    publication(
                        "ua", .urgentIntervention, kind: .urgentAppeal, on: "2026-09-12",
                        title: "Mexico: arrest of a defender", reference: "MEX 001 / 0926 / OBS 077"),
                    publication(
                        "ua-fr", .urgentIntervention, kind: .urgentAppeal, language: .fr, on: "2026-09-13",
                        title: "Mexique : arrestation d'une défenseuse", reference: "MEX 001 / 0926 / OBS 077",
                        translationOf: "ua"),
                    publication(
                        "ua-1", .urgentIntervention, kind: .urgentAppeal, on: "2026-10-01",
                        title: "Mexico: release of the defender", reference: "MEX 001 / 0926 / OBS 077.1",
                        followUpOf: "ua"),
                    publication(
                        "ua-1-fr", .urgentIntervention, kind: .urgentAppeal, language: .fr, on: "2026-10-02",
                        title: "Mexique : libération de la défenseuse", reference: "MEX 001 / 0926 / OBS 077.1",
                        translationOf: "ua-1"),
                    publication(
                        "ua-2", .urgentIntervention, kind: .urgentAppeal, on: "2026-11-01",
                        title: "Mexico: charges dropped", reference: "MEX 001 / 0926 / OBS 077.2",
                        followUpOf: "ua")
                ], in: app)
            // The letter of a French reader quotes the French title, whichever version they came from.
            for path in ["/fr/publications/ua/take-action", "/fr/publications/ua-fr/take-action"] {
                let page = try await app.get(path)
                let letter = try #require(firstMatch("<textarea id=\"letter\"[^>]*>([^<]+)<", in: page.body))
                #expect(
                    letter.contains("Mexique : arrestation d&#39;une défenseuse")
                        || letter.contains("Mexique : arrestation d'une défenseuse"), "\(path): \(letter)")
                #expect(!letter.contains("arrest of a defender"), "\(path)")
            }
            // A Spanish reader, with no Spanish version, gets the original's title.
            let spanish = try await app.get("/es/publications/ua/take-action")
            #expect(spanish.body.contains("Mexico: arrest of a defender"))
            // The French translation shows the whole chain of its original, in French where translated.
            let french = try await app.get("/publications/ua-fr")
            let chain = try #require(
                french.body.components(separatedBy: "id=\"chain\"").last?
                    .components(separatedBy: "</section>").first)
            #expect(chain.contains("aria-current=\"page\"") && chain.contains("arrestation"))
            #expect(chain.contains("href=\"/publications/ua-1-fr\"") && chain.contains("libération"))
            #expect(chain.contains("href=\"/publications/ua-2\"") && chain.contains("OBS 077.2"))
            #expect(!chain.contains("href=\"/publications/ua\""), "the translation stands in its original's place")
            let followUp = try await app.get("/publications/ua-1-fr")
            #expect(followUp.body.contains("id=\"chain\"") && followUp.body.contains("href=\"/publications/ua-fr\""))
        }
    }
}
