import Foundation
import ObservatoryCore
import Testing
import Vapor

@testable import App

/// The language a reader chose with the switcher is kept at every plain address, over the browser's
/// `Accept-Language`; a language prefix still wins; and the page cache (on in these tests) never serves one
/// language's copy of a plain address to a reader of another.
@Suite struct LanguageChoiceTests {
    static let items = [
        publication(
            "mx-1", .urgentIntervention, kind: .urgentAppeal, on: "2026-11-20",
            title: "Mexico: defender threatened", countries: ["MX"]),
        publication("eg-1", on: "2026-11-19", title: "Egypt: lawyer detained", countries: ["EG"])
    ]
    /// Plain (English) addresses of pages and forms a reader opens.
    static let plain = [
        "/", "/publications", "/publications?type=statement&year=2026", "/countries/mx", "/countries",
        "/map", "/search?q=defender", "/publications/mx-1", "/organisations", "/campaigns",
        "/bulletins", "/report", "/subscribe", "/calls", "/publications/mx-1/take-action"
    ]
    static let english: HTTPHeaders = ["Accept-Language": "en-GB, en;q=0.9"]

    static func language(of body: String) -> String? {
        guard let range = body.range(of: "<html lang=\"") else { return nil }
        return String(body[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test(arguments: Engine.all)
    func aChosenLanguageIsKeptAtPlainAddressesOverTheBrowsersLanguage(_ engine: Engine) async throws {
        try await withApp(engine, pageCache: true) { app in
            try await store(Self.items, in: app)
            // Every plain address is first served (and cached) in English to a reader who chose nothing.
            var etags: [String: String] = [:]
            for path in Self.plain {
                let page = try await app.get(path, headers: Self.english)
                #expect(page.status == .ok && Self.language(of: page.body) == "en", "\(path)")
                etags[path] = page.headers.first(name: .eTag)
            }
            let reader = TestBrowser(app)
            let switched = try await reader.get("/language/es?to=%2Fpublications")
            #expect(switched.location == "/es/publications" && reader.cookies["observatory_language"] == "es")
            for path in Self.plain {
                let page = try await reader.send(.GET, path, buffer: nil, headers: Self.english)
                #expect(page.status == .seeOther && page.location == "/es" + path, "\(path) → \(page.location ?? "")")
                #expect(page.headers.first(name: .vary) == "Accept-Language, Cookie", "\(path)")
                let followed = try await reader.send(.GET, page.location ?? "", buffer: nil, headers: Self.english)
                #expect(followed.status == .ok && Self.language(of: followed.body) == "es", "\(path)")
                // The English copy's validator does not bring a 304 to the reader who chose Spanish.
                var conditional = Self.english
                if let etag = etags[path] { conditional.add(name: .ifNoneMatch, value: etag) }
                let revalidated = try await reader.send(.GET, path, buffer: nil, headers: conditional)
                #expect(revalidated.status == .seeOther, "\(path)")
            }
            // An explicit language prefix still wins over the remembered choice.
            for (path, language) in [("/fr/publications", "fr"), ("/ar/", "ar"), ("/fr/countries/mx", "fr")] {
                let page = try await reader.send(.GET, path, buffer: nil, headers: Self.english)
                #expect(page.status == .ok && Self.language(of: page.body) == language, "\(path)")
            }
            // Feeds, exports and forms' POSTs are never redirected.
            #expect(try await reader.send(.GET, "/publications/feed.rss", buffer: nil, headers: [:]).status == .ok)
            #expect(try await reader.send(.GET, "/publications.csv", buffer: nil, headers: [:]).status == .ok)

            // The reverse: the Spanish copies are cached now; a reader who chose English gets English at the plain
            // address even when the browser asks for Spanish.
            let other = TestBrowser(app)
            _ = try await other.get("/language/en?to=%2F")
            #expect(other.cookies["observatory_language"] == "en")
            for path in Self.plain {
                let page = try await other.send(
                    .GET, path, buffer: nil,
                    headers: ["Accept-Language": "es-ES, es;q=0.9"])
                #expect(page.status == .ok && Self.language(of: page.body) == "en", "\(path)")
            }
        }
    }

    /// A cookie that names no language of the site (or is mangled) is no choice: the browser's language decides,
    /// and nothing is ever answered with an error.
    @Test(arguments: Engine.all)
    func aCookieThatNamesNoLanguageIsNoChoice(_ engine: Engine) async throws {
        try await withApp(engine, pageCache: true) { app in
            try await store(Self.items, in: app)
            for value in ["de", "", "ES", "es-MX", "xx", "../es", "e s", String(repeating: "e", count: 300)] {
                let english = try await app.get(
                    "/publications",
                    headers: [
                        "Accept-Language": "en",
                        "Cookie": "observatory_language=\(value)"
                    ])
                #expect(english.status == .ok && Self.language(of: english.body) == "en", "\(value)")
                let french = try await app.get(
                    "/publications",
                    headers: [
                        "Accept-Language": "fr",
                        "Cookie": "observatory_language=\(value)"
                    ])
                #expect(
                    french.status == .seeOther && french.headers.first(name: .location) == "/fr/publications",
                    "\(value)")
            }
        }
    }

    /// Dozens of readers at once, with and without choices, on cached and uncached pages: each gets its own
    /// language.
    @Test(arguments: Engine.all)
    func simultaneousReadersEachGetTheirLanguage(_ engine: Engine) async throws {
        try await withApp(engine, pageCache: true) { app in
            try await store(Self.items, in: app)
            var rng = SystemRandomNumberGenerator()
            let seed = UInt64.random(in: 0...UInt64.max, using: &rng)
            print("LanguageChoiceTests seed: \(seed)")
            var generator = SeededGenerator(seed: seed)
            let choices: [String?] = [nil, "en", "fr", "es", "ar"]
            let browsers: [String?] = [nil, "en", "fr-CH, fr;q=0.9", "es-MX", "ar-EG", "de"]
            let requests = (0..<64).map { _ in
                (
                    Self.plain.randomElement(using: &generator)!, choices.randomElement(using: &generator)!,
                    browsers.randomElement(using: &generator)!
                )
            }
            let answers = try await withThrowingTaskGroup(of: (Int, HTTPStatus, String?, String?).self) { group in
                for (index, (path, choice, browser)) in requests.enumerated() {
                    group.addTask {
                        var headers: HTTPHeaders = [:]
                        if let choice { headers.add(name: .cookie, value: "observatory_language=\(choice)") }
                        if let browser { headers.add(name: .acceptLanguage, value: browser) }
                        let page = try await app.get(path, headers: headers)
                        return (index, page.status, page.headers.first(name: .location), Self.language(of: page.body))
                    }
                }
                var answers: [Int: (HTTPStatus, String?, String?)] = [:]
                for try await (index, status, location, language) in group {
                    answers[index] = (status, location, language)
                }
                return answers
            }
            for (index, (path, choice, browser)) in requests.enumerated() {
                let wanted = choice ?? browser.flatMap { LanguageNegotiationMiddleware.preferred($0)?.rawValue } ?? "en"
                let (status, location, language) = answers[index]!
                if wanted == "en" {
                    #expect(status == .ok && language == "en", "seed \(seed): \(path) \(String(describing: choice))")
                } else {
                    #expect(
                        status == .seeOther && location == "/\(wanted)" + path,
                        "seed \(seed): \(path) \(String(describing: choice)) \(String(describing: browser))")
                }
            }
        }
    }
}
