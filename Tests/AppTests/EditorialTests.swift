import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

@Suite struct EditorialTests {
    static let fields: [(String, String)] = [
        ("title", "Guatemala: defender <script>alert(1)</script> threatened"), ("type", "statement"), ("kind", ""),
        ("language", "en"), ("date", "2026-11-20"), ("countries", "Guatemala; European Union (EU)"),
        ("programmes", "human-rights-defenders"), ("programmes", "urgent-campaigns"), ("reference", ""),
        ("summary", "A short summary."), ("body", "## Facts\n\nShe was **threatened**.\n\n<img src=x onerror=alert(1)>")
    ]

    /// A second editor, signed in.
    static func secondEditor(
        _ app: Application,
        _ email: String = "second-editor@example.org"
    ) async throws -> TestBrowser {
        try await TestAccounts.create(email, [.editor], in: app)
        let browser = TestBrowser(app)
        try await browser.signIn(email)
        return browser
    }

    /// `browser` opens the publication and approves the version it shows, exactly as the form posts it.
    @discardableResult
    static func approve(_ id: String, by browser: TestBrowser) async throws -> TestBrowser.Page {
        let page = try await browser.get("/office/publications/\(id)")
        return try await browser.post("/office/publications/\(id)", formFields(page.body) + [("action", "approve")])
    }

    /// The fields of the publication form as a browser would post them (without the buttons).
    static func formFields(_ html: String) -> [(String, String)] {
        func unescape(_ s: String) -> String {
            s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(
                    of: "&#39;",
                    with: "'"
                ).replacingOccurrences(of: "&amp;", with: "&")
        }
        var fields: [(String, String)] = []
        let form = html.components(separatedBy: "publication-form").dropFirst().first ?? ""
        for match in matches("<input id=\"([a-z_]+)\" name=\"[a-z_]+\" type=\"[a-z-]+\" value=\"([^\"]*)\"", in: form) {
            fields.append((match[0], unescape(match[1])))
        }
        for match in matches(
            "<input type=\"hidden\" name=\"(revision)\" value=\"([^\"]*)\"",
            in: form)
        { fields.append((match[0], match[1])) }
        for match in matches(
            "<textarea id=\"([a-z_]+)\" name=\"[a-z_]+\" rows=\"[0-9]+\">([^<]*)</textarea>",
            in: form)
        {
            fields.append((match[0], unescape(match[1])))
        }
        for match in matches("<select id=\"([a-z_]+)\" name=\"[a-z_]+\">(.*?)</select>", in: form) {
            fields.append((match[0], firstMatch("<option value=\"([^\"]*)\" selected>", in: match[1]) ?? ""))
        }
        for match in matches(
            "name=\"programmes\" value=\"([a-z-]+)\" checked",
            in: form)
        { fields.append(("programmes", match[0])) }
        return fields
    }

    static func matches(_ pattern: String, in text: String) -> [[String]] {
        guard
            let regex = try? NSRegularExpression(
                pattern: pattern,
                options: [.dotMatchesLineSeparators])
        else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { m in
            (1..<m.numberOfRanges).map { Range(m.range(at: $0), in: text).map { String(text[$0]) } ?? "" }
        }
    }

    @Test(arguments: Engine.all)
    func draftIsInvisibleUntilPublishedThenUnpublished(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store([publication("old-1", on: "2026-10-01")], in: app)
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let browser = TestBrowser(app)
            try await browser.signIn("editor@example.org")
            try await browser.get("/office/publications/new")
            let preview = try await browser.post("/office/publications/new", Self.fields + [("action", "preview")])
            #expect(
                preview.status == .ok && preview.body.contains("<h2>Facts</h2>")
                    && preview.body.contains("&lt;img src=x"))
            #expect(!preview.body.contains("<script>alert(1)"))
            let saved = try await browser.post("/office/publications/new", Self.fields + [("action", "save")])
            let location = try #require(saved.location)
            let id = String(location.dropFirst("/office/publications/".count).prefix { $0 != "?" })
            #expect(try await browser.get(location).body.contains("Draft: not on the public site."))
            for path in ["/", "/publications", "/publications/feed.rss", "/countries/gt", "/publications/\(id)"] {
                #expect(
                    !(try await app.get(path).body.contains("defender &lt;script&gt;")), "draft hidden from \(path)")
            }
            #expect(try await app.get("/").body.contains("Articles: 1"))

            // Publishing needs a second editor's approval of this exact version (four eyes).
            let alone = try await browser.post("/office/publications/\(id)", Self.fields + [("action", "publish")])
            #expect(
                alone.status == .unprocessableEntity
                    && alone.body.contains("has not been approved by a second person"))
            let second = try await Self.secondEditor(app)
            try await Self.approve(id, by: second)
            try await browser.post("/office/publications/\(id)", Self.fields + [("action", "publish")])
            let home = try await app.get("/")
            #expect(
                home.body.contains("Articles: 2")
                    && home.body.contains("defender &lt;script&gt;alert(1)&lt;/script&gt; threatened"))
            #expect(try await app.get("/publications/feed.rss").body.contains("/publications/\(id)"))
            let article = try await app.get("/publications/\(id)")
            #expect(article.status == .ok && article.body.contains("European Union"))

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
            let past = try await browser.post(
                "/office/publications/new", Self.fields + [("action", "schedule"), ("publish_at", "2026-11-19T09:00")])
            #expect(past.status == .unprocessableEntity && past.body.contains("Choose a moment in the future"))
            let unapproved = try await browser.post(
                "/office/publications/new",
                Self.fields + [
                    ("action", "schedule"),
                    ("publish_at", "2026-11-21T09:30")
                ])
            #expect(unapproved.status == .unprocessableEntity && unapproved.body.contains("Save this version first"))
            // The date is approved with the rest: the version scheduled for the 21st is dated the 21st.
            let dated = Self.fields.map { $0.0 == "date" ? ($0.0, "2026-11-21") : $0 }
            let draft = try await browser.post("/office/publications/new", dated + [("action", "save")])
            let id = String(try #require(draft.location).dropFirst("/office/publications/".count).prefix { $0 != "?" })
            try await Self.approve(id, by: try await Self.secondEditor(app))
            let otherDay = try await browser.post(
                "/office/publications/\(id)",
                dated + [
                    ("action", "schedule"),
                    ("publish_at", "2026-11-22T09:30")
                ])
            #expect(
                otherDay.status == .unprocessableEntity
                    && otherDay.body.contains(
                        "The date is part of what was "
                            + "approved (2026-11-21)")
            )
            let saved = try await browser.post(
                "/office/publications/\(id)",
                dated + [
                    ("action", "schedule"),
                    ("publish_at", "2026-11-21T09:30")
                ])
            #expect(try await browser.get(saved.location!).body.contains("goes public at 2026-11-21T09:30:00Z"))
            #expect(try await EditorialStore.publishDue(now: clock.now(), on: app.db).isEmpty)
            #expect(try await app.get("/publications/\(id)").status == .notFound)
            clock.advance(seconds: 32 * 3600 + 29 * 60)  // 2026-11-21 09:29
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
            let page = try await browser.post(
                "/office/publications/new",
                [
                    ("action", "save"), ("title", "Chile: kept <b>as typed</b>"), ("type", "statement"),
                    ("kind", "urgent-appeal"), ("language", "xx"),
                    ("date", "2026-02-30"), ("countries", "Chile; Atlantis"), ("reference", "nonsense"),
                    ("follow_up_of", "missing-id"),
                    ("body", "Body kept & safe")
                ])
            #expect(page.status == .unprocessableEntity)
            for message in [
                "Only urgent interventions have a kind", "Choose a language", "Give the date as YYYY-MM-DD",
                "Unknown country: “Atlantis”", "A reference looks like",
                "There is no publication with the id “missing-id”"
            ] {
                #expect(page.body.contains(message), "names the problem: \(message)")
            }
            #expect(
                page.body.contains("value=\"Chile: kept &lt;b&gt;as typed&lt;/b&gt;\"")
                    && page.body.contains(">Body kept &amp; safe</textarea>"))
            #expect(page.body.contains("aria-invalid=\"true\""))
            let count = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM publications").first(
                decoding: CountRow.self)?.n
            #expect(count == 0, "nothing stored")
        }
    }
}
