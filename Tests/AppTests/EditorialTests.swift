import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor
@testable import App

@Suite struct EditorialTests {
    static let fields: [(String, String)] = [
        ("title", "Guatemala: defender <script>alert(1)</script> threatened"), ("type", "urgent-intervention"), ("kind", "urgent-appeal"),
        ("language", "en"), ("date", "2026-11-20"), ("countries", "Guatemala; European Union (EU)"),
        ("programmes", "human-rights-defenders"), ("programmes", "urgent-campaigns"), ("reference", "GTM 001 / 1126 / OBS 101"),
        ("summary", "A short summary."), ("body", "## Facts\n\nShe was **threatened**.\n\n<img src=x onerror=alert(1)>"),
    ]

    @Test(arguments: Engine.all)
    func draftIsInvisibleUntilPublishedThenUnpublished(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store([publication("old-1", on: "2026-10-01")], in: app)
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let browser = TestBrowser(app)
            try await browser.signIn("editor@example.org")
            try await browser.get("/office/publications/new")
            let preview = try await browser.post("/office/publications/new", Self.fields + [("action", "preview")])
            #expect(preview.status == .ok && preview.body.contains("<h2>Facts</h2>") && preview.body.contains("&lt;img src=x"))
            #expect(!preview.body.contains("<script>alert(1)"))
            let saved = try await browser.post("/office/publications/new", Self.fields + [("action", "save")])
            let location = try #require(saved.location)
            let id = String(location.dropFirst("/office/publications/".count).prefix { $0 != "?" })
            #expect(try await browser.get(location).body.contains("Draft: not on the public site."))
            for path in ["/", "/publications", "/publications/feed.rss", "/countries/gt", "/publications/\(id)"] {
                #expect(!(try await app.get(path).body.contains("defender &lt;script&gt;")), "draft hidden from \(path)")
            }
            #expect(try await app.get("/").body.contains("Articles: 1"))

            try await browser.post("/office/publications/\(id)", Self.fields + [("action", "publish")])
            let home = try await app.get("/")
            #expect(home.body.contains("Articles: 2") && home.body.contains("defender &lt;script&gt;alert(1)&lt;/script&gt; threatened"))
            #expect(try await app.get("/publications/feed.rss").body.contains("/publications/\(id)"))
            let article = try await app.get("/publications/\(id)")
            #expect(article.status == .ok && article.body.contains("GTM 001 / 1126 / OBS 101") && article.body.contains("European Union"))

            try await browser.post("/office/publications/\(id)", Self.fields + [("action", "unpublish")])
            #expect(try await app.get("/publications/\(id)").status == .notFound)
            #expect(try await app.get("/").body.contains("Articles: 1"))
        }
    }

    @Test(arguments: Engine.all)
    func scheduledPublicationAppearsAtItsTimeNotBefore(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let browser = TestBrowser(app)
            try await browser.signIn("editor@example.org")
            try await browser.get("/office/publications/new")
            let past = try await browser.post("/office/publications/new", Self.fields + [("action", "schedule"), ("publish_at", "2026-11-19T09:00")])
            #expect(past.status == .unprocessableEntity && past.body.contains("Choose a moment in the future"))
            let saved = try await browser.post("/office/publications/new", Self.fields + [("action", "schedule"), ("publish_at", "2026-11-21T09:30")])
            let id = String(try #require(saved.location).dropFirst("/office/publications/".count).prefix { $0 != "?" })
            #expect(try await browser.get(saved.location!).body.contains("goes public at 2026-11-21T09:30:00Z"))
            #expect(try await EditorialStore.publishDue(now: clock.now(), on: app.db).isEmpty)
            #expect(try await app.get("/publications/\(id)").status == .notFound)
            clock.advance(seconds: 32 * 3600 + 29 * 60)   // 2026-11-21 09:29
            #expect(try await EditorialStore.publishDue(now: clock.now(), on: app.db).isEmpty)
            clock.advance(seconds: 60)
            #expect(try await EditorialStore.publishDue(now: clock.now(), on: app.db) == [id])
            let article = try await app.get("/publications/\(id)")
            #expect(article.status == .ok && article.body.contains("November 21, 2026"), "dated the day it went public")
        }
    }

    @Test(arguments: Engine.all)
    func invalidFieldsAreNamedAndWhatWasTypedIsKept(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let browser = TestBrowser(app)
            try await browser.signIn("editor@example.org")
            try await browser.get("/office/publications/new")
            let page = try await browser.post("/office/publications/new", [
                ("action", "save"), ("title", "Chile: kept <b>as typed</b>"), ("type", "statement"), ("kind", "urgent-appeal"), ("language", "xx"),
                ("date", "2026-02-30"), ("countries", "Chile; Atlantis"), ("reference", "nonsense"), ("follow_up_of", "missing-id"),
                ("body", "Body kept & safe"),
            ])
            #expect(page.status == .unprocessableEntity)
            for message in ["Only urgent interventions have a kind", "Choose a language", "Give the date as YYYY-MM-DD",
                            "Unknown country: “Atlantis”", "A reference looks like", "There is no publication with the id “missing-id”"] {
                #expect(page.body.contains(message), "names the problem: \(message)")
            }
            #expect(page.body.contains("value=\"Chile: kept &lt;b&gt;as typed&lt;/b&gt;\"") && page.body.contains(">Body kept &amp; safe</textarea>"))
            #expect(page.body.contains("aria-invalid=\"true\""))
            let count = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM publications").first(decoding: CountRow.self)?.n
            #expect(count == 0, "nothing stored")
        }
    }
}
