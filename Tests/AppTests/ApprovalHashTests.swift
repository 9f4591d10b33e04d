import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The approval of a back-office publication covers everything the public reads of it: its date, type, countries,
/// programmes, language, title, summary and text. Approved, then one field changed on the way to publishing (by
/// the author or by the approver): refused, and nothing goes public. Generated changes, seeded (the seed is printed).
@Suite struct ApprovalHashTests {
    /// Another value for one public field of `EditorialTests.fields`.
    static func changed(_ field: String, _ rng: inout SeededGenerator) -> [(String, String)] {
        let fields = EditorialTests.fields
        func replace(_ value: String) -> [(String, String)] {
            var done = false
            return fields.compactMap { pair in
                guard pair.0 == field else { return pair }
                if done { return nil }
                done = true
                return (field, value)
            }
        }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz éß")
        // A letter first: a word of spaces alone is trimmed away and changes nothing.
        let word =
            "x"
            + String(
                (0..<Int.random(in: 0...11, using: &rng)).map { _ in
                    alphabet.randomElement(using: &rng)!
                })
        switch field {
        case "date":
            let day = Int.random(in: 1...19, using: &rng), month = Int.random(in: 1...11, using: &rng)
            return replace(String(format: "2026-%02d-%02d", month, day))
        case "type": return replace(["report", "news", "link"].randomElement(using: &rng)!)
        case "countries": return replace(["Mexico", "Guatemala", "France; Mexico"].randomElement(using: &rng)!)
        case "programmes": return replace(["children-rights", "violence-against-women"].randomElement(using: &rng)!)
        case "language": return replace(["fr", "es", "ar"].randomElement(using: &rng)!)
        case "title": return replace("Guatemala: " + word)
        case "summary": return replace("A short summary." + word)
        default: return replace("## Facts\n\nShe was **threatened**." + word)
        }
    }

    @Test(arguments: Engine.all)
    func approvedThenOneFieldChangedOnPublishingIsRefused(_ engine: Engine) async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("ApprovalHashTests seed \(seed)")
        var rng = SeededGenerator(seed: seed)
        try await withApp(engine) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org")
            let second = try await EditorialTests.secondEditor(app)
            try await editor.get("/office/publications/new")
            let saved = try await editor.post("/office/publications/new", EditorialTests.fields + [("action", "save")])
            let id = String(try #require(saved.location).dropFirst("/office/publications/".count).prefix { $0 != "?" })
            #expect(try await EditorialTests.approve(id, by: second).location != nil)
            // Only the date first, then every other public field, several generated values each.
            let fields = [
                "date", "date", "date", "type", "countries", "programmes", "language", "title", "summary",
                "body"
            ]
            for field in fields + fields.shuffled(using: &rng) {
                let form = Self.changed(field, &rng)
                for browser in [editor, second] {
                    for action in ["publish", "schedule"] {
                        // Scheduling sets the date to the day it goes out: another day than the approved one.
                        let at =
                            field == "date"
                            ? "2026-12-0\(Int.random(in: 1...9, using: &rng))T09:30"
                            : "2026-11-20T09:30"
                        let page = try await browser.post(
                            "/office/publications/\(id)",
                            form + [
                                ("action", action),
                                ("publish_at", at)
                            ])
                        #expect(page.status == .unprocessableEntity, "seed \(seed): \(field) changed, \(action)")
                    }
                }
                #expect(try await app.get("/publications/\(id)").status == .notFound, "seed \(seed): \(field)")
            }
            // The approved version itself goes out, with its approved date.
            #expect(
                try await second.post(
                    "/office/publications/\(id)",
                    EditorialTests.fields + [
                        (
                            "action",
                            "publish"
                        )
                    ]
                ).location != nil)
            let page = try await app.get("/publications/\(id)")
            #expect(page.status == .ok && page.body.contains("2026-11-20"))
        }
    }

    /// The hash itself: changing any one field the public reads changes it.
    @Test func everyPublicFieldIsInsideTheHash() throws {
        let p = ArchivePublication(
            id: "p1", type: .statement, kind: nil, language: .en,
            published: CivilDate("2026-11-20")!, title: "T", summary: "S", body: "B", countries: ["MX"],
            programmes: [.humanRightsDefenders],
            reference: nil, followUpOf: nil, translationOf: nil, eventDate: nil)
        let base = EditorialFourEyes.hash(p)
        var variants: [ArchivePublication] = []
        var q = p; q.published = CivilDate("2026-11-21")!; variants.append(q)
        q = p; q.type = .report; variants.append(q)
        q = p; q.language = .fr; variants.append(q)
        q = p; q.title = "T2"; variants.append(q)
        q = p; q.summary = "S2"; variants.append(q)
        q = p; q.body = "B2"; variants.append(q)
        q = p; q.countries = ["GT"]; variants.append(q)
        q = p; q.programmes = [.childrenRights]; variants.append(q)
        q = p; q.reference = "MEX 001 / 1126 / OBS 001"; variants.append(q)
        q = p; q.eventDate = CivilDate("2026-12-01"); variants.append(q)
        for v in variants { #expect(EditorialFourEyes.hash(v) != base, "\(v)") }
    }
}
