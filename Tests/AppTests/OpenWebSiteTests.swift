import Fluent
import Foundation
import ObservatoryCore
import PropertyBased
import SQLKit
import Testing
import Vapor

@testable import App

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct SitemapTests {
    static func locs(
        _ xml: XMLOutline,
        _ path: String
    ) -> [String] { xml.all(path).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) } }

    /// One sitemap: valid XML, every public page in every language with its alternates and lastmod, nothing
    /// unpublished and no internal path; every address listed answers 200.
    @Test(arguments: Engine.all)
    func listsEveryPublicPageInEveryLanguageAndNothingElse(_ engine: Engine) async throws {
        try await withApp(engine, publicURL: "https://obs.example") { app in
            try await OpenWebFixture.load(app)
            _ = try await PublicationStore.upsert(
                [
                    ArchiveOrganisation(
                        id: "org-a", name: "Comité & Co",
                        country: "MX")
                ], on: app.db)
            try await app.db.sql.raw("UPDATE organisations SET contacts_sealed = 'SEALEDCONTACT'").run()
            try await ContentVersion.bump(on: app.db)
            let answer = try await app.get("/sitemap.xml")
            #expect(
                answer.status == .ok
                    && answer.headers.first(name: .contentType)
                        == "application/xml; charset=utf-8"
            )
            let xml = XMLOutline(answer.body)
            #expect(xml.error == nil, "valid XML")
            let locs = Self.locs(xml, "urlset/url/loc")
            let publicPages =
                Sitemap.listPaths.count + 5 /* MX FR CO CH of published,
                none hidden */ - 1 + OpenWebFixture.published.count + 1
            #expect(locs.count == publicPages * 4, "\(locs.count)")
            #expect(Set(locs).count == locs.count)
            #expect(xml.all("urlset/url/lastmod").count == locs.count)
            #expect(xml.all("urlset/url/xhtml:link").count == locs.count * 5)
            #expect(
                locs.contains("https://obs.example/fr/publications/pub-ua")
                    && locs.contains("https://obs.example/ar/countries/mx"))
            #expect(locs.contains("https://obs.example/organisations/org-a"))
            #expect(xml.all("urlset/url").count == locs.count)
            let forUA = xml.all("urlset/url/xhtml:link").filter {
                $0.attributes["href"]?.hasSuffix("/publications/pub-ua") == true
            }
            #expect(Set(forUA.compactMap { $0.attributes["hreflang"] }) == ["en", "fr", "es", "ar", "x-default"])
            #expect(
                !answer.body.contains("hidden-") && !answer.body.contains(OpenWebFixture.secret)
                    && !answer.body.contains("SEALED"))
            for loc in locs {
                let path = String(loc.dropFirst("https://obs.example".count))
                #expect(!path.hasPrefix("/office") && !path.hasPrefix("/partner") && !path.hasPrefix("/account"))
                #expect(try await app.get(path).status == .ok, "\(path)")
            }
            #expect(try await app.get("/sitemap-1.xml").status == .notFound, "no numbered sitemap while one suffices")
        }
    }

    /// Past the page size `/sitemap.xml` is an index; the numbered files hold every address exactly once, each
    /// within the size; one past the last is 404. (Page size 7 here stands for the protocol's 50,000.)
    @Test(arguments: Engine.all)
    func pagedPastThePageSize(_ engine: Engine) async throws {
        try await withOpenWebApp(
            engine,
            {
                $0.sitemapPageSize = 7; $0.publicURL = "http://obs.example"
            }
        ) { app in
            try await OpenWebFixture.load(app)
            let pages = try await Sitemap.pages(on: app.db, today: testToday.description)
            let total = pages.count * 4
            let index = XMLOutline(try await app.get("/sitemap.xml").body)
            #expect(index.error == nil)
            let files = SitemapTests.locs(index, "sitemapindex/sitemap/loc")
            #expect(files.count == (total + 6) / 7)
            #expect(files.first == "http://obs.example/sitemap-1.xml")
            var all: [String] = []
            for file in files {
                let xml = XMLOutline(try await app.get(String(file.dropFirst("http://obs.example".count))).body)
                #expect(xml.error == nil)
                let locs = SitemapTests.locs(xml, "urlset/url/loc")
                #expect(locs.count <= 7 && !locs.isEmpty)
                all += locs
            }
            #expect(all.count == total && Set(all).count == total)
            #expect(try await app.get("/sitemap-\(files.count + 1).xml").status == .notFound)
            #expect(try await app.get("/sitemap-0.xml").status == .notFound)
        }
    }

    /// A large generated archive: 12,600 publications make 50,464 addresses, past the protocol's 50,000.
    @Test(arguments: Engine.all)
    func aLargeArchiveMakesAnIndexAtTheProtocolsLimit(_ engine: Engine) async throws {
        try await withApp(engine, pageCache: false) { app in
            let archive = (0..<12_600).map {
                publication(
                    String(format: "l-%05d", $0), on: "2020-01-01",
                    countries: ["MX"])
            }
            for start in stride(from: 0, to: archive.count, by: 2_000) {
                _ = try await PublicationStore.upsert(
                    Array(archive[start..<min(start + 2_000, archive.count)]),
                    status: "published", on: app.db)
            }
            try await ContentVersion.bump(on: app.db)
            let index = XMLOutline(try await app.get("/sitemap.xml").body)
            #expect(SitemapTests.locs(index, "sitemapindex/sitemap/loc").count == 2)
            let second = XMLOutline(try await app.get("/sitemap-2.xml").body)
            #expect(
                SitemapTests.locs(
                    second,
                    "urlset/url/loc"
                ).count == (Sitemap.listPaths.count + 1 + 12_600) * 4 - 50_000)
        }
    }
}

@Suite struct RobotsTests {
    /// Google's matching: the longest matching rule wins, `*` any characters, `$` the end; Allow wins a tie.
    static func allowed(_ path: String, robots: String) -> Bool {
        var best: (length: Int, allow: Bool) = (-1, true)
        for line in robots.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, ["allow", "disallow"].contains(parts[0].lowercased()),
                !parts[1].isEmpty
            else { continue }
            let pattern =
                "^"
                + NSRegularExpression.escapedPattern(for: parts[1]).replacingOccurrences(
                    of: "\\*",
                    with: ".*")
            guard path.range(of: pattern, options: .regularExpression) != nil else { continue }
            let allow = parts[0].lowercased() == "allow"
            if parts[1].count > best.length || (parts[1].count == best.length && allow) {
                best = (
                    parts[1].count,
                    allow
                )
            }
        }
        return best.allow
    }

    /// Every declared internal route (office, partner, account, sign-in, …), sign-in and the public form targets
    /// are out of bounds for crawlers; every public page is not; the sitemap is named by its absolute address.
    @Test func keepsCrawlersOutOfEveryInternalRouteAndFormTarget() async throws {
        try await withApp(.sqlite, publicURL: "https://obs.example") { app in
            let answer = try await app.get("/robots.txt")
            #expect(answer.status == .ok && answer.headers.first(name: .contentType) == "text/plain; charset=utf-8")
            let robots = answer.body
            #expect(
                robots.hasPrefix("User-agent: *\n")
                    && robots.contains("\nSitemap: https://obs.example/sitemap.xml\n"))
            let declared = app.site.routes.routes
            #expect(declared.count > 50)
            for route in declared {
                let path = "/" + route.path.map { $0.hasPrefix(":") ? "x-1" : $0 }.joined(separator: "/")
                #expect(!Self.allowed(path, robots: robots), "\(route.method) \(path) is open to crawlers")
            }
            for path in [
                "/login", "/office", "/partner/verifications", "/account", "/report/receipt",
                "/fr/report/receipt",
                "/report/receipt/add", "/publications/obs-1/take-action", "/ar/publications/obs-1/take-action",
                "/subscribe/confirm/t", "/unsubscribe/t", "/subscription/t", "/language/fr?to=/"
            ] {
                #expect(!Self.allowed(path, robots: robots), "\(path)")
            }
            for path in [
                "/", "/publications", "/publications/obs-1", "/fr/publications?type=report", "/countries/mx",
                "/ar/countries",
                "/search?q=x", "/organisations/org-1", "/report", "/es/report", "/subscribe", "/map",
                "/sitemap.xml",
                "/publications.csv", "/missions", "/calls", "/campaigns"
            ] {
                #expect(Self.allowed(path, robots: robots), "\(path) is kept from crawlers")
            }
        }
    }
}

@Suite struct JSONLDTests {
    static func blocks(_ html: String) -> [String] {
        html.components(separatedBy: "<script type=\"application/ld+json\">").dropFirst().map {
            String($0.components(separatedBy: "</script>")[0])
        }
    }

    @Test(arguments: Engine.all)
    func typesAndPublicFieldsOnly(_ engine: Engine) async throws {
        try await withApp(engine, publicURL: "https://obs.example") { app in
            try await OpenWebFixture.load(app)
            let allowed: Set<String> = [
                "@context", "@type", "headline", "name", "description", "datePublished",
                "inLanguage", "url",
                "identifier", "startDate", "location", "about", "publisher", "organizer"
            ]
            for (id, type) in [
                ("pub-ua", "NewsArticle"), ("pub-st", "NewsArticle"), ("pub-rep", "Report"),
                (
                    "pub-ev",
                    "Event"
                )
            ] {
                let page = try await app.get("/publications/\(id)")
                let blocks = Self.blocks(page.body)
                #expect(blocks.count == 1, "\(id)")
                let object = try jsonObject(try #require(blocks.first))
                #expect(object["@context"] as? String == "https://schema.org")
                #expect(object["@type"] as? String == type)
                #expect(Set(object.keys).isSubset(of: allowed), "\(object.keys)")
                #expect(object["url"] as? String == "https://obs.example/publications/\(id)")
                #expect(
                    object["datePublished"] as? String
                        == OpenWebFixture.published.first {
                            $0.id
                                == id
                        }?.published.description)
                if type == "Event" {
                    #expect(
                        object["name"] as? String == "Hearing in Geneva"
                            && object["startDate"] as? String
                                == "2024-01-05"
                    )
                    #expect((object["location"] as? [String: String])?["@type"] == "Place")
                } else {
                    #expect(object["headline"] as? String == OpenWebFixture.published.first { $0.id == id }?.title)
                }
            }
            let appeal = Self.blocks(try await app.get("/publications/pub-ua").body)[0]
            #expect(
                try jsonObject(appeal)["identifier"] as? String
                    == "MEX 001 / 0326 / OBS 001")
            #expect(
                Self.blocks(try await app.get("/publications/pub-link").body).isEmpty,
                "links have no schema.org type")
            let csp = try await app.get("/publications/pub-ua").headers.first(name: "Content-Security-Policy") ?? ""
            #expect(csp == SecurityHeadersMiddleware.contentSecurityPolicy && csp.contains("script-src 'self';"))
            #expect(!csp.contains("unsafe-inline") && !csp.contains("sha256-"))
        }
    }

    /// Generated titles and summaries full of `</script>`, `<!--`, U+2028 and friends never end the data block early:
    /// the page has exactly one `</script>`, and the block parses back to the same text.
    @Test(arguments: Engine.all)
    func hostileTitlesCannotCloseTheScript(_ engine: Engine) async throws {
        try await withApp(engine, pageCache: false) { app in
            let text = openWebText.map { $0.replacingOccurrences(of: "\u{0}", with: "") }
            await propertyCheck(count: 60, input: text, text) { title, summary in
                var p = publication("hostile", .statement, title: "x" + title)
                p.summary = summary
                try await store([p], in: app)
                let body = try await app.get("/publications/hostile").body
                #expect(body.lowercased().components(separatedBy: "</script").count == 2, "\(title.debugDescription)")
                #expect(!body.lowercased().contains("<script>"))
                let block = try #require(Self.blocks(body).first)
                #expect(
                    !block.contains("<") && !block.contains(">") && !block.contains("\u{2028}")
                        && !block.contains("\u{2029}"))
                let object = try jsonObject(block)
                #expect(object["headline"] as? String == p.title)
                #expect(object["description"] as? String == (summary.isEmpty ? nil : summary))
            }
        }
    }
}

@Suite struct OnionLocationTests {
    static let onion = "http://" + OnionAddressTestsValid.value + ".onion"

    @Test func configurationAcceptsAValidAddressAndRefusesAMalformedOne() throws {
        #expect(try AppConfig.fromEnvironment(["OBSERVATORY_ONION_URL": Self.onion + "/"]).onion?.origin == Self.onion)
        #expect(try AppConfig.fromEnvironment([:]).onion == nil)
        for bad in [
            "https://" + OnionAddressTestsValid.value + ".onion", "http://example.onion", Self.onion + "/x",
            "onion"
        ] {
            do {
                _ = try AppConfig.fromEnvironment(["OBSERVATORY_ONION_URL": bad])
                Issue.record("accepted \(bad)")
            } catch let invalid as AppConfig.Invalid {
                #expect(invalid.description.contains("OBSERVATORY_ONION_URL:"))
            }
        }
    }

    @Test(arguments: Engine.all)
    func onPublicPagesOnlyWithTheSamePathAndQuery(_ engine: Engine) async throws {
        try await withOpenWebApp(engine, { $0.onion = try? OnionAddress(Self.onion) }) { app in
            try await OpenWebFixture.load(app)
            for path in [
                "/", "/publications?type=report&country=co", "/fr/publications/pub-ua", "/ar/countries/mx",
                "/search?q=mexico",
                "/publications.csv?country=mx", "/sitemap.xml", "/robots.txt", "/report", "/es/report",
                "/organisations",
                "/publications/nothing-here"
            ] {
                let answer = try await app.get(path)
                #expect(answer.headers.first(name: "Onion-Location") == Self.onion + path, "\(path)")
                // The second time from the page cache, and a 304: the same header.
                #expect(
                    try await app.get(path).headers.first(name: "Onion-Location") == Self.onion + path,
                    "\(path) cached")
            }
            let team = try await CaseTeam.make(app)
            for path in [
                "/login", "/office", "/office/cases", "/account", "/partner/verifications",
                "/office/publications",
                "/no-such-page", "/office/does-not-exist"
            ] {
                #expect(try await app.get(path).headers.first(name: "Onion-Location") == nil, "\(path)")
                #expect(
                    try await team.drafter.get(path).headers.first(name: "Onion-Location") == nil,
                    "\(path) signed in")
            }
        }
        try await withApp(engine) { app in
            let home = try await app.get("/")
            #expect(home.headers.first(name: "Onion-Location") == nil, "none when not configured")
        }
    }
}

enum OnionAddressTestsValid {
    static let value = String(String(repeating: "abcdefgh234567", count: 4).dropLast()) + "d"
}
