import Foundation
import ObservatoryCore
import Testing
import Vapor

@testable import App

@Suite struct PublicSiteTests {
    @Test(arguments: Engine.all)
    func homeShowsTheNewestWithCountsAndPaging(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: 40 old, 3 in the last 7 days (today 2026-11-20), 1 draft
            var items = (1...40).map { publication("old-\($0)", on: "2020-03-\(String(format: "%02d", $0 % 28 + 1))") }
            items += ["2026-11-14", "2026-11-19", "2026-11-20"].enumerated().map {
                publication("new-\($0.offset)", on: $0.element)
            }
            items.append(publication("border", on: "2026-11-13"))
            try await store(items, in: app)
            try await store(
                [publication("draft-1", on: "2026-11-20", title: "Mexico: secret draft")], status: "draft", in: app)
            // act
            let home = try await app.get("/")
            let page2 = try await app.get("/?page=2")
            // assert
            #expect(home.status == .ok)
            #expect(home.body.contains("Articles: 44"))
            #expect(home.body.contains("3 new"))
            #expect(home.body.contains("Mexico: publication new-2"))
            #expect(!home.body.contains("secret draft"))
            #expect(home.body.contains("href=\"/?page=2\""))
            #expect(
                home.body.contains(
                    """
                    >November 20, 2026</time> | Human Rights Defenders | Statements | <a \
                    href=\"/countries/mx\">Mexico</a>
                    """
                ))
            let first = try #require(home.body.range(of: "new-2"))
            let second = try #require(home.body.range(of: "new-1"))
            #expect(first.lowerBound < second.lowerBound, "newest first")
            #expect(page2.status == .ok)
            #expect(page2.body.contains("Page 2 of 2"))
            #expect(try await app.get("/?page=9").status == .notFound)
            #expect(try await app.get("/publications/draft-1").status == .notFound)
        }
    }

    @Test(arguments: Engine.all)
    func listFiltersCombineAndShowCounts(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(
                [
                    publication(
                        "a", .urgentIntervention, kind: .urgentAppeal, language: .es, on: "2018-01-19",
                        countries: ["MX", "GT"]),
                    publication(
                        "b", .statement, language: .en, on: "2018-05-01", countries: ["MX"],
                        programmes: [.violenceAgainstWomen]),
                    publication("c", .report, language: .fr, on: "2019-05-01", countries: ["RU"]),
                    publication(
                        "d", .urgentIntervention, kind: .pressRelease, language: .es, on: "2019-06-01",
                        countries: ["GT"])
                ], in: app)
            // act
            let all = try await app.get("/publications")
            let mx2018 = try await app.get("/publications?country=MX&year=2018")
            let esUI = try await app.get(
                "/publications?type=urgent-intervention&language=es&programme=human-rights-defenders")
            // assert
            #expect(all.body.contains("4 publications"))
            #expect(
                all.body.contains(
                    """
                    <a href=\"/publications?type=urgent-intervention\">Urgent Interventions</a> <span \
                    class=\"count\">2</span>
                    """
                ))
            #expect(
                all.body.contains("<a href=\"/publications?country=gt\">Guatemala</a> <span class=\"count\">2</span>"))
            #expect(mx2018.body.contains("2 publications"))
            #expect(mx2018.body.contains("Mexico: publication a"))
            #expect(!mx2018.body.contains("Mexico: publication c"))
            // Counts of another facet follow the active filters: in Mexico 2018, one statement.
            #expect(
                mx2018.body.contains(
                    """
                    <a href=\"/publications?type=statement&amp;country=mx&amp;year=2018\">Statements</a> <span \
                    class=\"count\">1</span>
                    """
                ))
            #expect(esUI.body.contains("2 publications"))
            // Each filter in force is shown with a link that removes it alone.
            #expect(
                mx2018.body.contains("<a href=\"/publications?year=2018\" title=\"Remove this filter\">Mexico ×</a>"))
            #expect(
                mx2018.body.contains("<a href=\"/publications?country=mx\" title=\"Remove this filter\">2018 ×</a>"))
            #expect(
                esUI.body.contains(
                    "href=\"/publications/feed.rss?type=urgent-intervention&amp;programme=human-rights-defenders&amp;language=es\""
                ))
        }
    }

    @Test(arguments: Engine.all)
    func countryPagesAcceptAnyCaseAndListEveryCountryOfAPublication(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(
                [
                    publication("multi", title: "Azerbaijan, Belarus: joint statement", countries: ["AZ", "BY", "EU"]),
                    publication("solo", title: "Belarus: alone", countries: ["BY"])
                ], in: app)
            let az = try await app.get("/countries/az")
            let eu = try await app.get("/countries/eu")
            let upper = try await app.get("/countries/BY?type=statement")
            let unknown = try await app.get("/countries/zz")
            #expect(az.body.contains("<h1>Azerbaijan</h1>"))
            #expect(az.body.contains("Azerbaijan, Belarus: joint statement"))
            #expect(!az.body.contains("Belarus: alone"))
            #expect(eu.body.contains("<h1>European Union (EU)</h1>"))
            #expect(eu.body.contains("joint statement"))
            #expect(upper.status == .movedPermanently)
            #expect(upper.headers.first(name: .location) == "/countries/by?type=statement")
            #expect(unknown.status == .notFound)
            #expect(unknown.body.contains("We know no country with the code"))
            let countries = try await app.get("/countries")
            #expect(countries.body.contains("<a href=\"/countries/by\">Belarus</a> <span class=\"count\">2</span>"))
        }
    }

    @Test(arguments: Engine.all)
    func articleShowsTranslationsTheFollowUpChainAndEscapedBody(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(
                [
                    publication(
                        "ua", .urgentIntervention, kind: .urgentAppeal, on: "2016-09-12",
                        title: "Mexico: arrest of a defender",
                        body:
                            """
                            ## Description of the situation\n\n<script>alert('x')</script> was arrested.\n\n1. \
                            release her
                            """,
                        programmes: [.humanRightsDefenders, .urgentCampaigns], reference: "MEX 001 / 0916 / OBS 077"),
                    publication(
                        "ua-fr", .urgentIntervention, kind: .urgentAppeal, language: .fr, on: "2016-09-13",
                        title: "Mexique : arrestation",
                        reference: "MEX 001 / 0916 / OBS 077", translationOf: "ua"),
                    publication(
                        "ua-1", .urgentIntervention, kind: .urgentAppeal, on: "2016-10-01", title: "Mexico: release",
                        reference: "MEX 001 / 0916 / OBS 077.1", followUpOf: "ua"),
                    publication(
                        "ua-2", .urgentIntervention, kind: .urgentAppeal, on: "2017-02-01",
                        title: "Mexico: charges dropped", reference: "MEX 001 / 0916 / OBS 077.2", followUpOf: "ua"),
                    publication("ev", .event, on: "2019-03-01", title: "", countries: [])
                ], in: app)
            // act
            let original = try await app.get("/publications/ua")
            let followUp = try await app.get("/publications/ua-2")
            let translation = try await app.get("/publications/ua-fr")
            let event = try await app.get("/publications/ev")
            // assert
            #expect(original.body.contains("<dt>Reference</dt><dd>MEX 001 / 0916 / OBS 077</dd>"))
            #expect(original.body.contains("<dt>Kind</dt><dd>Urgent Appeal</dd>"))
            #expect(original.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; was arrested."))
            #expect(!original.body.contains("<script>"))
            #expect(original.body.contains("<h2>Description of the situation</h2>"))
            #expect(original.body.contains("href=\"/publications/ua-fr\" hreflang=\"fr\""))
            for body in [original.body, followUp.body] {
                let order = ["OBS 077)", "OBS 077.1)", "OBS 077.2)"].compactMap { body.range(of: $0)?.lowerBound }
                #expect(order.count == 3 && order == order.sorted(), "the chain is whole and in order")
            }
            #expect(followUp.body.contains("<li class=\"here\" aria-current=\"page\">"))
            #expect(translation.body.contains("<article lang=\"fr\""))
            #expect(translation.body.contains("href=\"/publications/ua\" hreflang=\"en\""))
            #expect(event.status == .ok)
            #expect(event.body.contains("<h1><bdi>Event of March 1, 2019</bdi></h1>"))
        }
    }

    @Test(arguments: Engine.all)
    func badParametersAndUnknownIdsGetPagesInTheSiteDesign(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            for path in [
                "/publications?type=poem", "/publications?year=abc", "/publications?page=-1",
                "/publications?country=zz",
                "/publications?language=de", "/publications/feed.rss?programme=x", "/?type=report",
                "/publications?page=99999999999999999999"
            ] {
                let response = try await app.get(path)
                #expect(response.status == .badRequest, "\(path)")
                #expect(response.body.contains("<h1>This address has a problem</h1>"), "\(path)")
            }
            try await store([publication("legacy:42", title: "Mexico: an id with a colon")], in: app)
            let colon = try await app.get(SiteRoute.publication(id: "legacy:42").path)
            #expect(colon.status == .ok && colon.body.contains("an id with a colon"))
            let missing = try await app.get("/publications/%3Cscript%3E")
            #expect(missing.status == .notFound)
            #expect(missing.body.contains("There is no publication “&lt;script&gt;”."))
            #expect(try await app.get("/no/such/page").status == .notFound)
        }
    }
}
