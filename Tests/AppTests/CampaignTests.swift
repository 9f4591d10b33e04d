import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Campaign pages gather publications and the public part of cases.
@Suite struct CampaignTests {
    @Test(arguments: Engine.all)
    func aCampaignShowsItsTextImagePublicationsAndCasesPublicPartsOnly(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(
                [
                    publication("portrait-1", .statement, title: "Portrait: a lawyer in Minsk"),
                    publication("other", .statement, title: "Unrelated")
                ], in: app)
            // A case with one published appeal and one draft.
            let (draft, file) = try await ReferenceCodeTests.draft(1, country: "MX", in: app)
            _ = try await InterventionWorkflow.approve(draft, file: file, by: "b", now: testClock.now(), on: app.db)
            let approved = try #require(try await InterventionStore.find(draft.id, cipher: app.site.cipher, on: app.db))
            _ = try await InterventionWorkflow.publish(approved, file: file, by: "b", now: testClock.now(), on: app.db)
            _ = try await InterventionStore.create(
                .init(
                    kind: .urgentAppeal, language: .en, followUpOf: nil, translationOf: nil, title: "Secret draft",
                    summary: "", body: "x"), case: file.id, by: "a", now: testClock.now(), cipher: app.site.cipher,
                on: app.db)

            let (_, secret) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org", secret: secret)
            try await editor.get("/office/campaigns")
            // A real PNG: a public image is re-encoded without metadata by mat2 (issue 20), which refuses a fake one.
            let png = try EvidenceTests.fixture("evidence-poster.png")
            let bad = try await editor.postMultipart(
                "/office/campaigns", [("id", "humans-against-torture"), ("title", "#HumansAgainstTorture")],
                files: [("image", "x.exe", [0x4D, 0x5A, 0, 0])])
            #expect(bad.status == .unprocessableEntity && bad.body.contains("JPEG or PNG"))
            let saved = try await editor.postMultipart(
                "/office/campaigns",
                [
                    ("id", "humans-against-torture"), ("title", "#HumansAgainstTorture"),
                    ("text", "Ten **portraits**.")
                ],
                files: [("image", "poster.png", png)])
            #expect(saved.status == .seeOther)
            #expect(
                try await app.get("/campaigns/humans-against-torture").status == .notFound, "not public until published"
            )
            // Issue 21: publications and cases are chosen from lists, not typed as ids.
            try await editor.get("/office/campaigns?edit=humans-against-torture&pub_q=minsk")
            let linked = try await editor.post(
                "/office/campaigns/humans-against-torture/publications",
                [("add", "portrait-1")])
            #expect(linked.status == .seeOther)
            try await CampaignLinkTests.officer(app).linkCase(file.id, to: "humans-against-torture")
            try await editor.get("/office/campaigns?edit=humans-against-torture")
            let fields = [
                ("id", "humans-against-torture"), ("title", "#HumansAgainstTorture"),
                ("text", "Ten **portraits**."), ("published", "yes")
            ]
            // Review 2: one editor put her own text on the public site alone. Four eyes: another person does it.
            let alone = try await editor.postMultipart("/office/campaigns", fields, files: [])
            #expect(alone.status == .unprocessableEntity, "the author alone does not make a campaign public")
            let rewritten = fields.map { $0.0 == "text" ? ($0.0, "Ten **portraits** of Wei.") : $0 }
            let second = try await EditorialTests.secondEditor(app)
            try await second.get("/office/campaigns?edit=humans-against-torture")
            #expect(
                try await second.postMultipart("/office/campaigns", rewritten, files: [])
                    .status == .unprocessableEntity, "nor does a text changed while ticking the box")
            #expect(try await app.get("/campaigns/humans-against-torture").status == .notFound)
            #expect(try await second.postMultipart("/office/campaigns", fields, files: []).status == .seeOther)
            #expect(
                try await editor.postMultipart("/office/campaigns", rewritten, files: [])
                    .status == .unprocessableEntity, "a public campaign is not rewritten in place")
            let page = try await app.get("/fr/campaigns/humans-against-torture")
            #expect(
                page.status == .ok && page.body.contains("Ten <strong>portraits</strong>.")
                    && page.body.contains("Publications de la campagne"))
            #expect(
                page.body.contains("Portrait: a lawyer in Minsk") && page.body.contains("Appeal 1")
                    && !page.body.contains("Unrelated"))
            #expect(
                !page.body.contains("Secret draft") && !page.body.contains("Case 1"),
                "cases show only their published interventions")
            #expect(
                page.body.contains("src=\"/campaigns/humans-against-torture/image\""),
                "the image kept from the first save")
            let image = try await app.get("/campaigns/humans-against-torture/image")
            #expect(image.headers.first(name: .contentType) == "image/png" && Array(image.body.utf8).count > 0)
            #expect(try await app.get("/campaigns").body.contains("href=\"/campaigns/humans-against-torture\""))
        }
    }
}
