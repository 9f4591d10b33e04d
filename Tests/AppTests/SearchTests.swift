import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

@Suite struct SearchTests {
    static let items = [
        publication(
            "body-hit", on: "2026-01-10", title: "Mexico: annual statement",
            body: "The mission met human rights defenders in Oaxaca."),
        publication(
            "title-hit", on: "2025-01-10", title: "Mexico: defenders under attack", body: "Text about something else."),
        publication("summary-none", on: "2026-02-10", title: "Mexico: unrelated", body: "Nothing to see."),
        publication(
            "fr-1", language: .fr, on: "2026-03-01", title: "France : les défenseurs des droits humains",
            body: "Une déclaration sur la torture.",
            countries: ["FR"]),
        publication(
            "es-1", language: .es, on: "2026-03-02", title: "Colombia: defensores torturados",
            body: "La tortura de los defensores.",
            countries: ["CO"]),
        publication(
            "ar-1", language: .ar, on: "2026-03-03", title: "مصر: اعتقال المدافعين عن حقوق الإنسان",
            body: "بيان عن المدافعين.",
            countries: ["EG"]),
        publication(
            "phrase", on: "2026-03-04", title: "Kenya: rights human order reversed",
            body: "Words human and rights apart.", countries: ["KE"])
    ]

    func titles(_ page: String) -> [String] {
        page.components(separatedBy: "<a class=\"title\" href=\"/publications/").dropFirst().map {
            String($0.prefix { $0 != "\"" })
        }
    }

    @Test(arguments: Engine.all)
    func titleMatchesRankAboveBodyMatchesWithSnippetsAndCount(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(Self.items, in: app)
            let page = try await app.get("/search?q=Defenders")
            #expect(page.status == .ok)
            #expect(titles(page.body) == ["title-hit", "body-hit"], "title above body, whatever the dates")
            #expect(page.body.contains("2 results for “Defenders”"))
            #expect(page.body.contains("<mark>defenders</mark>"), "highlighted snippet")
            #expect(page.body.contains("href=\"/search/feed.rss?q=Defenders\""))
        }
    }

    @Test(arguments: Engine.all)
    func accentsCasePrefixesPhrasesAndOtherScripts(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(Self.items, in: app)
            #expect(
                titles(try await app.get("/search?q=DEFENSEURS").body) == ["fr-1"], "accents and case do not matter")
            #expect(titles(try await app.get("/search?q=d%C3%A9fenseurs").body) == ["fr-1"])
            #expect(Set(titles(try await app.get("/search?q=tortur*").body)) == ["fr-1", "es-1"], "prefix")
            #expect(titles(try await app.get("/search?q=tortur").body).isEmpty, "whole words without *")
            #expect(
                titles(try await app.get("/search?q=%22human+rights%22").body) == ["body-hit"],
                "a phrase keeps its order")
            let anyOrder: Set<String> = ["body-hit", "phrase"]
            #expect(Set(titles(try await app.get("/search?q=human+rights").body)) == anyOrder, "all words, any order")
            #expect(
                titles(try await app.get("/search?q=" + SiteRoute.escapeSegment("المدافعين")).body) == ["ar-1"],
                "Arabic finds Arabic")
        }
    }

    @Test(arguments: Engine.all)
    func combinesWithEveryListFilterAndPages(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            var many = (1...35).map {
                publication(
                    "p\($0)", on: "2024-05-\(String(format: "%02d", $0 % 28 + 1))", title: "Peru: protest \($0)",
                    countries: ["PE"])
            }
            many.append(publication("other-country", on: "2024-05-01", title: "Chile: protest", countries: ["CL"]))
            many.append(publication("other-year", on: "2023-05-01", title: "Peru: protest then", countries: ["PE"]))
            many.append(
                publication("report", .report, on: "2024-05-01", title: "Peru: protest report", countries: ["PE"]))
            try await store(many, in: app)
            let first = try await app.get("/search?q=protest&country=pe&year=2024&type=statement")
            #expect(first.body.contains("35 results for “protest”"))
            #expect(titles(first.body).count == 30 && first.body.contains("Page 1 of 2"))
            let second = try await app.get("/search?q=protest&country=pe&year=2024&type=statement&page=2")
            #expect(titles(second.body).count == 5)
            #expect(
                Set(titles(first.body) + titles(second.body)).isDisjoint(with: ["other-country", "other-year", "report"]
                ))
            #expect(titles(try await app.get("/search?q=protest&language=fr").body).isEmpty)
        }
    }

    @Test(arguments: Engine.all)
    func pagesRunAcrossRankingTiersNewestFirstWithinEach(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            func day(_ n: Int) -> String { "2025-03-\(String(format: "%02d", n))" }
            let inTitle = (1...20).map { publication("t\($0)", on: day($0), title: "Chile: strike \($0)") }
            let inSummary = (1...5).map {
                publication("s\($0)", on: day($0), title: "Chile: news \($0)", body: "Nothing.")
            }
            .map { p -> ArchivePublication in
                var q = p; q.summary = "About the strike."; return q
            }
            let inBody = (1...20).map {
                publication("b\($0)", on: day($0), title: "Chile: other \($0)", body: "A strike began.")
            }
            try await store(inTitle + inSummary + inBody, in: app)
            let first = titles(try await app.get("/search?q=strike").body)
            let second = titles(try await app.get("/search?q=strike&page=2").body)
            #expect(
                first == (1...20).reversed().map { "t\($0)" } + (1...5).reversed().map { "s\($0)" }
                    + (16...20).reversed().map { "b\($0)" })
            #expect(second == (1...15).reversed().map { "b\($0)" })
            #expect(try await app.get("/search?q=strike&page=2").body.contains("45 results"))
        }
    }

    @Test(arguments: Engine.all)
    func hostileQueriesGetAClearAnswer(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(Self.items, in: app)
            let punctuation = try await app.get("/search?q=" + SiteRoute.escapeSegment("!!! ??? \"\" *** ()"))
            #expect(punctuation.status == .ok && punctuation.body.contains("has no words to search for"))
            let long = try await app.get("/search?q=" + String(repeating: "a", count: 10_000))
            #expect(
                long.status == .badRequest
                    && long.body.contains("The search is 10000 characters long; use at most 500."))
            for hostile in [
                "NEAR(a b)", "title:defenders", "defenders OR mexico", "-defenders", "\"unbalanced", "a AND",
                "^defenders",
                "defenders' OR 1=1 --", "<script>alert(1)</script>", "{title body}: x", "*", "d*f*n"
            ] {
                let page = try await app.get("/search?q=" + SiteRoute.escapeSegment(hostile))
                #expect(page.status == .ok, "\(hostile)")
                #expect(!page.body.contains("<script>alert"), "\(hostile)")
            }
            #expect(
                titles(try await app.get("/search?q=" + SiteRoute.escapeSegment("title:defenders")).body).contains(
                    "title-hit"),
                "engine syntax is read as words")
        }
    }

    @Test(arguments: Engine.all)
    func indexFollowsEveryChangeAndNeverShowsDrafts(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(Self.items, in: app)
            try await store(
                [publication("draft", on: "2026-04-01", title: "Mexico: secret defenders draft")], status: "draft",
                in: app)
            #expect(!titles(try await app.get("/search?q=secret").body).contains("draft"))
            try await EditorialStore.setStatus("draft", .published, publishAt: nil, now: testClock.now(), on: app.db)
            #expect(titles(try await app.get("/search?q=secret").body) == ["draft"], "published: found at once")
            try await store([publication("draft", on: "2026-04-01", title: "Mexico: renamed")], in: app)
            #expect(titles(try await app.get("/search?q=secret").body).isEmpty, "an edit re-indexes")
            #expect(titles(try await app.get("/search?q=renamed").body) == ["draft"])
            try await EditorialStore.setStatus("draft", .draft, publishAt: nil, now: testClock.now(), on: app.db)
            #expect(titles(try await app.get("/search?q=renamed").body).isEmpty, "unpublished: gone at once")
        }
    }

    @Test(arguments: Engine.all)
    func everySearchHasAValidFeed(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(Self.items, in: app)
            let rss = try await app.get("/search/feed.rss?q=defenders&country=mx", headers: ["Host": "obs.example"])
            let xml = XMLOutline(rss.body)
            #expect(rss.status == .ok && xml.error == nil)
            #expect(
                xml.all("rss/channel/atom:link").first?.attributes["href"]
                    == "http://obs.example/search/feed.rss?q=defenders&country=mx")
            #expect(
                xml.all("rss/channel/item/guid").map(\.text) == [
                    "http://obs.example/publications/title-hit", "http://obs.example/publications/body-hit"
                ])
            let atom = XMLOutline(try await app.get("/search/feed.atom?q=%22human+rights%22").body)
            #expect(atom.error == nil && atom.all("feed/entry/id").count == 1)
            #expect(atom.all("feed/title").first?.text == "Observatory — search “\"human rights\"”")
        }
    }
}
