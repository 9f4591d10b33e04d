import Foundation
import ObservatoryCore
import Testing
import Vapor

@testable import App

@Suite struct LocalizationTests {
    static let items = [
        publication(
            "mx-1", .urgentIntervention, kind: .urgentAppeal, on: "2026-11-20", title: "Mexico: defender threatened",
            countries: ["MX"]),
        publication("eg-1", on: "2026-11-19", title: "Egypt: lawyer detained", countries: ["EG", "EU"]),
        publication("de-1", on: "2026-03-01", title: "Germany: statement", countries: ["DE"])
    ]

    @Test(arguments: Engine.all)
    func frenchPagesTranslateTheInterfaceDatesCountriesAndLinks(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(Self.items, in: app)
            let home = try await app.get("/fr/")
            #expect(home.status == .ok)
            #expect(home.body.contains("<html lang=\"fr\" dir=\"ltr\">"))
            #expect(home.body.contains("<h1>Dernières publications</h1>") && home.body.contains("Articles : 3"))
            #expect(
                home.body.contains(
                    """
                    >20 novembre 2026</time> | Défenseurs des droits humains | Interventions urgentes | <a \
                    href=\"/fr/countries/mx\">Mexique</a>
                    """
                ))
            #expect(home.body.contains("<a href=\"/fr/countries/eu\">Union européenne (UE)</a>"))
            #expect(home.body.contains("href=\"/fr/publications/mx-1\""), "links stay in French")
            for (code, href) in [("en", "/"), ("fr", "/fr/"), ("es", "/es/"), ("ar", "/ar/"), ("x-default", "/")] {
                #expect(home.body.contains("<link rel=\"alternate\" hreflang=\"\(code)\" href=\"\(href)\">"), "\(code)")
            }
            #expect(home.body.contains("href=\"/language/es?to=%2F\">Español</a>"))
            let list = try await app.get("/fr/publications?type=statement")
            #expect(
                list.body.contains("<h2>Pays") && list.body.contains(">Allemagne</a>")
                    && list.body.contains(">Égypte</a>"))
            #expect(
                list.body.contains("<link rel=\"alternate\" hreflang=\"es\" href=\"/es/publications?type=statement\">"))
            let country = try await app.get("/es/countries/de")
            #expect(country.body.contains("<h1>Alemania</h1>") && country.body.contains(">1 de marzo de 2026</time>"))
            let article = try await app.get("/fr/publications/mx-1")
            #expect(article.body.contains("<dt>Nature</dt><dd>Appel urgent</dd>"))
            let missing = try await app.get("/fr/publications/nope")
            #expect(
                missing.status == .notFound && missing.body.contains("<h1>Page introuvable</h1>")
                    && missing.body.contains("lang=\"fr\""))
            let badFilter = try await app.get("/fr/publications?type=zzz")
            #expect(
                badFilter.status == .badRequest
                    && badFilter.body.contains(
                        "Le paramètre « type » a une valeur que nous ne connaissons pas (« zzz »)")
            )
            #expect(
                try await app.get("/es/search?q=" + String(repeating: "a", count: 600)).body.contains(
                    "La búsqueda tiene 600 caracteres; use como máximo 500."))
            let english = try await app.get("/")
            #expect(
                english.body.contains("<html lang=\"en\" dir=\"ltr\">")
                    && english.body.contains("<a href=\"/countries/mx\">Mexico</a>"))
        }
    }

    @Test(arguments: Engine.all)
    func arabicPagesAreRightToLeftWithArabicDigits(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(Self.items, in: app)
            let home = try await app.get("/ar/")
            #expect(home.body.contains("<html lang=\"ar\" dir=\"rtl\">"))
            #expect(home.body.contains("<h1>أحدث المنشورات</h1>") && home.body.contains("المقالات: ٣"))
            #expect(home.body.contains(">٢٠ نوفمبر ٢٠٢٦</time>") && home.body.contains(">المكسيك</a>"))
            #expect(home.body.contains("<a href=\"/ar/publications\">المنشورات</a>"))
            let search = try await app.get("/ar/search?q=defender")
            #expect(search.body.contains("نتيجة واحدة لـ «defender»"))
            let feed = XMLOutline(try await app.get("/ar/publications/feed.rss", headers: ["Host": "obs.example"]).body)
            #expect(feed.error == nil && feed.all("rss/channel/language").first?.text == "ar")
            #expect(feed.all("rss/channel/item/link").first?.text == "http://obs.example/ar/publications/mx-1")
        }
    }

    @Test(arguments: Engine.all)
    func browserLanguageIsTheFirstVisitDefaultAndAChoiceIsRemembered(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(Self.items, in: app)
            let first = try await app.get(
                "/publications?year=2026", headers: ["Accept-Language": "es-MX, es;q=0.9, en;q=0.8"])
            #expect(first.status == .seeOther && first.headers.first(name: .location) == "/es/publications?year=2026")
            #expect(first.headers.first(name: .vary) == "Accept-Language, Cookie")
            let english = try await app.get("/", headers: ["Accept-Language": "en-GB, fr;q=0.5"])
            #expect(english.status == .ok)
            let unknown = try await app.get("/", headers: ["Accept-Language": "de, ru"])
            #expect(unknown.status == .ok, "a language we do not have: English")
            let chosen = try await app.get("/", headers: ["Accept-Language": "fr", "Cookie": "observatory_language=en"])
            #expect(chosen.status == .ok, "a choice made with the switcher wins over the browser")
            #expect(
                try await app.get("/publications/feed.rss", headers: ["Accept-Language": "fr"]).status == .ok,
                "feeds are never redirected")

            let switcher = try await app.get("/language/ar?to=%2Fmap%3Ftype%3Dreport")
            #expect(switcher.status == .seeOther && switcher.headers.first(name: .location) == "/ar/map?type=report")
            #expect(switcher.headers[.setCookie].first?.hasPrefix("observatory_language=ar;") == true)
            #expect(
                try await app.get("/language/fr?to=%2F%2Fevil.example").headers.first(name: .location) == "/fr/",
                "no open redirect")
            #expect(try await app.get("/language/de?to=%2F").status == .notFound)
        }
    }
}
