import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

@Suite struct HTTPTests {
    @Test(arguments: Engine.all)
    func etagGives304AndAChangeDropsTheCachedPage(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            try await store([publication("one", title: "Mexico: first")], in: app)
            let first = try await app.get("/")
            let etag = try #require(first.headers.first(name: .eTag))
            #expect(first.headers.first(name: .lastModified) != nil)
            #expect(first.headers.first(name: .cacheControl) == "public, max-age=60")
            // act / assert: same version → 304, no body
            let again = try await app.get("/", headers: ["If-None-Match": etag])
            #expect(again.status == .notModified)
            #expect(again.body.isEmpty)
            // a change anywhere → new ETag and the new content
            try await store([publication("two", on: "2026-11-02", title: "Mexico: second")], in: app)
            app.site.contentWatcher.invalidate()
            let changed = try await app.get("/", headers: ["If-None-Match": etag])
            #expect(changed.status == .ok)
            #expect(changed.body.contains("Mexico: second"))
            #expect(changed.body.contains("Articles: 2"))
            #expect(changed.headers.first(name: .eTag) != etag)
        }
    }

    @Test func theCachedPageIsTheRenderedPage() async throws {
        try await withApp(.sqlite) { app in
            try await store([publication("one", title: "Mexico: first")], in: app)
            let rendered = try await app.get("/publications?country=mx")
            // Change the row behind the cache's back: a cached page must still be served until the version moves.
            try await app.db.sql.raw("UPDATE publications SET title = 'Mexico: changed'").run()
            let cached = try await app.get("/publications?country=mx")
            #expect(cached.body == rendered.body)
            try await ContentVersion.bump(on: app.db)
            let fresh = try await app.get("/publications?country=mx")
            #expect(fresh.body.contains("Mexico: changed"))
        }
    }

    @Test func withTheCacheOffEveryRequestRenders() async throws {
        try await withApp(.sqlite, pageCache: false) { app in
            try await store([publication("one", title: "Mexico: first")], in: app)
            _ = try await app.get("/publications/one")
            try await app.db.sql.raw("UPDATE publications SET title = 'Mexico: changed'").run()
            #expect(try await app.get("/publications/one").body.contains("Mexico: changed"))
        }
    }

    @Test func securityHeadersOnEveryResponse() async throws {
        try await withApp(.sqlite) { app in
            for path in ["/", "/publications/missing", "/publications?type=bad", SiteRoute.stylesheet.path] {
                let response = try await app.get(path)
                let csp = try #require(response.headers.first(name: "Content-Security-Policy"), "\(path)")
                #expect(csp.contains("default-src 'self'"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(response.headers.first(name: "Referrer-Policy") == "same-origin")
            }
        }
    }

    @Test func pagesReferNoOtherHostAndStayLight() async throws {
        try await withApp(.sqlite) { app in
            let demo = DemoArchive(endingOn: testToday, count: 400, organisations: 5)
            _ = try await ArchiveImporter(db: app.db).importRecords(demo.publications, demo.organisations)
            try await DemoField.load(demo.publications, today: testToday, cipher: app.site.cipher, on: app.db)
            #expect(
                try await app.get("/missions").body.contains("id=\"mission-reports\""), "the demo has a mission report")
            let css = try await app.get(SiteRoute.stylesheet.path)
            #expect(css.headers.first(name: .cacheControl) == "public, max-age=31536000, immutable")
            for path in [
                "/", "/publications", "/publications?language=fr", "/countries/mx", "/countries",
                "/publications/demo-5",
                "/missions", "/calls", "/calls/women-defenders-needs", "/campaigns",
                "/campaigns/humans-against-torture", "/organisations"
            ] {
                let page = try await app.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(
                    page.body.utf8.count + css.body.utf8.count < 30_000,
                    "\(path) weighs \(page.body.utf8.count) + \(css.body.utf8.count) bytes")
                // No request to any other host: every src/href is site-relative (links out would be <a>, not loaded).
                for attribute in ["src=\"http", "src=\"//", "href=\"//"] {
                    #expect(!page.body.contains(attribute), "\(path) has \(attribute)")
                }
                // No code: the one script element allowed is the JSON-LD data block, which browsers never run.
                let withoutData = page.body.replacingOccurrences(of: "<script type=\"application/ld+json\">", with: "")
                #expect(!withoutData.contains("<script"), "\(path)")
                #expect(!page.body.contains("style=\""), "\(path) has inline style")
            }
        }
    }
}

@Suite struct HTTPDateTests {
    @Test func formatsAsHTTPDates() {
        #expect(ContentVersion.Snapshot.httpDate(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(
            ContentVersion.Snapshot.httpDate(Date(timeIntervalSince1970: 1_795_401_698))
                == "Mon, 23 Nov 2026 02:41:38 GMT")
    }
}

@Suite struct SiteRouteTests {
    @Test func linksAreStableAndEscaped() {
        #expect(SiteRoute.publication(id: "pub-1_2.3~x").path == "/publications/pub-1_2.3~x")
        #expect(SiteRoute.publication(id: "a b/é:?").path == "/publications/a%20b%2F%C3%A9%3A%3F")
        let filter = PublicationFilter(
            type: .report, programme: .childrenRights, country: CountryDirectory.shared.country(code: "EU"),
            language: .ar, year: 2020, page: 3)
        #expect(
            SiteRoute.publications(filter).path
                == "/publications?type=report&programme=children-rights&country=eu&language=ar&year=2020&page=3")
        #expect(
            SiteRoute.feed(.atom, filter).path
                == "/publications/feed.atom?type=report&programme=children-rights&country=eu&language=ar&year=2020")
        #expect(
            SiteRoute.country(filter.country!, filter).path
                == "/countries/eu?type=report&programme=children-rights&language=ar&year=2020&page=3")
    }
}
