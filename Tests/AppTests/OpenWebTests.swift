import Fluent
import Foundation
import ObservatoryCore
import PropertyBased
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Fragments a hostile title or summary is made of: CSV structure, formula starts, script-closing markup.
let openWebFragments = [
    "=", "+", "-", "@", "\t", "\r", "\n", "\r\n", ",", "\"", "'", ";", "=HYPERLINK(\"http://x\")",
    "=1+2",
    "@SUM(A1)", "-2+3", "</script>", "</SCRIPT >", "<!--", "<script>", "-->", "]]>", "&", "&amp;",
    "<", ">",
    "\u{2028}", "\u{2029}", "\\", "\\u003c", "é", "ع", "\u{FEFF}", "title", " ", "💥"
]
let openWebText = Gen<String?>.element(of: openWebFragments).map { $0! }.array(of: 0...12).map { $0.joined() }

/// `withApp` with a configuration adjusted first (sitemap page size, onion address).
func withOpenWebApp(
    _ engine: Engine, pageCache: Bool = true, _ adjust: (inout AppConfig) -> Void,
    _ body: (Application) async throws -> Void
) async throws {
    try await withApp(engine, pageCache: pageCache, adjust: adjust, body)
}

/// The published archive and what must never leave it: drafts, scheduled ones, a withdrawn one.
enum OpenWebFixture {
    static let published = [
        publication(
            "pub-ua", .urgentIntervention, kind: .urgentAppeal, on: "2026-03-01",
            title: "Mexico: urgent appeal",
            countries: ["MX"], reference: "MEX 001 / 0326 / OBS 001"),
        publication(
            "pub-st", .statement, language: .fr, on: "2026-02-01",
            title: "=HYPERLINK(\"http://evil\"), \"quoted\"",
            countries: ["FR", "MX"]),
        publication("pub-rep", .report, on: "2025-06-01", title: "Report, 2025: defenders", countries: ["CO"]),
        publication("pub-ev", .event, on: "2024-01-05", title: "Hearing in Geneva", countries: ["CH"]),
        publication("pub-link", .link, on: "2023-01-05", title: "@link elsewhere", countries: ["MX"])
    ]
    static let secret = "Zq9SECRETx"
    static let hidden = [
        publication("hidden-draft", on: "2026-04-01", title: "Mexico: \(secret) draft", countries: ["MX"]),
        publication("hidden-scheduled", on: "2026-04-02", title: "Mexico: \(secret) scheduled", countries: ["MX"]),
        publication("hidden-withdrawn", on: "2026-04-03", title: "Mexico: \(secret) withdrawn", countries: ["MX"])
    ]

    static func load(_ app: Application) async throws {
        try await store(published, in: app)
        try await store([hidden[0]], status: "draft", in: app)
        try await store([hidden[1]], status: "scheduled", in: app)
        try await store(
            [hidden[2]],
            in: app)  // published, then withdrawn (unpublished is a draft again)
        try await store([hidden[2]], status: "draft", in: app)
    }
}

func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite struct ListExportTests {
    static let exportPaths = [
        "/publications.csv", "/publications.json", "/fr/publications.csv?country=mx",
        "/ar/publications.json?type=statement",
        "/publications.json?country=mx&year=2026", "/search.csv?q=mexico",
        "/search.json?q=mexico",
        "/es/search.json?q=\(OpenWebFixture.secret)", "/search.csv?q=\(OpenWebFixture.secret)",
        "/organisations.csv", "/organisations.json"
    ]

    /// Canary: drafts, scheduled and withdrawn publications reach no export, in any language or filter.
    @Test(arguments: Engine.all)
    func nothingUnpublishedReachesAnExport(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await OpenWebFixture.load(app)
            for path in Self.exportPaths {
                let answer = try await app.get(path)
                #expect(answer.status == .ok, "\(path)")
                var body = answer.body
                body = body.replacingOccurrences(
                    of: "\"q\":\"\(OpenWebFixture.secret)\"",
                    with: "")  // the search's own words
                #expect(!body.contains(OpenWebFixture.secret), "\(path)")
                #expect(!body.contains("hidden-"), "\(path)")
            }
            let all = try jsonObject(try await app.get("/publications.json").body)
            let ids = (all["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids == ["pub-ua", "pub-st", "pub-rep", "pub-ev", "pub-link"], "newest first, all published")
        }
    }

    /// CSV per RFC 4180: BOM, header, one record per publication, cells that would be formulas prefixed with '.
    @Test(arguments: Engine.all)
    func csvIsRFC4180WithAHeaderAndNoFormulas(_ engine: Engine) async throws {
        try await withApp(engine, publicURL: "https://obs.example") { app in
            try await OpenWebFixture.load(app)
            let answer = try await app.get("/publications.csv")
            #expect(answer.headers.first(name: .contentType) == "text/csv; charset=utf-8; header=present")
            #expect(answer.headers.first(name: .contentDisposition) == "attachment; filename=\"publications.csv\"")
            #expect(answer.body.hasPrefix("\u{FEFF}id,url,type,"))
            #expect(answer.body.hasSuffix("\r\n"))
            let rows = CSVText.parse(answer.body)
            #expect(rows.first == ListExport.publicationHeader)
            #expect(rows.count == 1 + OpenWebFixture.published.count)
            #expect(rows.allSatisfy { $0.count == ListExport.publicationHeader.count })
            let byID = Dictionary(rows.dropFirst().map { ($0[0], $0) }, uniquingKeysWith: { a, _ in a })
            #expect(byID["pub-st"]?[6] == "'=HYPERLINK(\"http://evil\"), \"quoted\"")
            #expect(byID["pub-link"]?[6] == "'@link elsewhere")
            #expect(byID["pub-st"]?[1] == "https://obs.example/publications/pub-st")
            #expect(byID["pub-st"]?[8] == "FR;MX")
            #expect(byID["pub-ua"]?[11] == "MEX 001 / 0326 / OBS 001")
            for row in rows {
                for cell in row {
                    #expect(
                        !(cell.first.map { "=+-@\t\r".contains($0) } ?? false),
                        "\(cell)")
                }
            }
            let french = try await app.get("/fr/publications.csv?country=mx")
            #expect(french.headers.first(name: .contentDisposition) == "attachment; filename=\"publications-mx.csv\"")
            #expect(CSVText.parse(french.body).dropFirst().map { $0[0] } == ["pub-ua", "pub-st", "pub-link"])
            #expect(CSVText.parse(french.body)[1][1] == "https://obs.example/fr/publications/pub-ua")
        }
    }

    /// Generated titles and summaries (commas, quotes, line breaks, formula starts, markup) come back from the CSV and
    /// the JSON exactly (the CSV with its ' guard), on both engines.
    @Test(arguments: Engine.all)
    func generatedTextsSurviveBothFormats(_ engine: Engine) async throws {
        try await withApp(engine, pageCache: false) { app in
            let noNUL = openWebText.map { $0.replacingOccurrences(of: "\u{0}", with: "") }
            await propertyCheck(count: 40, input: noNUL, noNUL) { title, summary in
                var p = publication("gen", title: title.isEmpty ? "t" : title)
                p.summary = summary
                try await store([p], in: app)
                let rows = CSVText.parse(try await app.get("/publications.csv").body)
                let guarded = { (s: String) in
                    s.unicodeScalars.first.map { "=+-@\t\r".unicodeScalars.contains($0) } == true ? "'" + s : s
                }
                #expect(
                    rows.count == 2 && rows[1][6] == guarded(p.title) && rows[1][7] == guarded(summary),
                    "\(title.debugDescription)")
                let json = try jsonObject(try await app.get("/publications.json").body)
                let item = (json["items"] as? [[String: Any]])?.first
                #expect(item?["title"] as? String == p.title && item?["summary"] as? String == summary)
            }
        }
    }

    /// Every filter of the list gives the same publications in the export as on the pages, in the same order; a bad
    /// value is a 400 naming the parameter.
    @Test(arguments: Engine.all)
    func exportsFollowEveryFilterOfTheList(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            var archive: [ArchivePublication] = []
            var seed: UInt64 = 0x5EED_0017
            print("exportsFollowEveryFilterOfTheList seed \(seed)")
            func next(_ n: Int) -> Int {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                return Int((seed >> 33) % UInt64(n))
            }
            let countries = ["MX", "RU", "CO", "FR", "EU"], types = PublicationType.allCases,
                languages = Language.allCases
            for i in 0..<90 {
                archive.append(
                    publication(
                        "p\(i)", types[next(types.count)],
                        language: languages[next(languages.count)],
                        on: "20\(20 + next(6))-0\(1 + next(9))-1\(next(9))",
                        countries: [countries[next(countries.count)]],
                        programmes: [Programme.allCases[next(Programme.allCases.count)]]))
            }
            try await store(archive, in: app)
            for _ in 0..<40 {
                var query: [(String, String)] = []
                if next(2) == 0 { query.append(("type", types[next(types.count)].rawValue)) }
                if next(2) == 0 { query.append(("country", countries[next(countries.count)].lowercased())) }
                if next(2) == 0 { query.append(("language", languages[next(languages.count)].rawValue)) }
                if next(3) == 0 { query.append(("year", String(2020 + next(6)))) }
                if next(3) == 0 {
                    query.append(
                        (
                            "programme",
                            Programme.allCases[next(Programme.allCases.count)].rawValue
                        ))
                }
                let q = SiteRoute.query(query)
                var listed: [String] = []
                for page in 1...4 {
                    let html = try await app.get("/publications" + q + (q.isEmpty ? "?" : "&") + "page=\(page)").body
                    listed += html.components(separatedBy: "<a class=\"title\" href=\"/publications/").dropFirst()
                        .compactMap { $0.split(separator: "\"").first.map(String.init) }.filter { $0.hasPrefix("p") }
                }
                let json = try jsonObject(try await app.get("/publications.json" + q).body)
                let exported = (json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                #expect(exported == listed, "\(q)")
                #expect(
                    CSVText.parse(try await app.get("/publications.csv" + q).body).dropFirst().map { $0[0] }
                        == exported, "\(q)")
                let filters = json["filters"] as? [String: String]
                #expect(filters == Dictionary(query, uniquingKeysWith: { a, _ in a }), "\(q)")
            }
            for (name, value) in [
                ("type", "secret"), ("country", "zz"), ("year", "1200"), ("language", "xx"),
                ("programme", "<b>")
            ] {
                for path in ["/publications.csv", "/fr/publications.json", "/search.csv?q=a&x=1"] {
                    let answer = try await app.get(
                        path + (path.contains("?") ? "&" : "?")
                            + "\(name)=\(SiteRoute.escapeSegment(value))")
                    #expect(answer.status == .badRequest && answer.body.contains(name), "\(path) \(name)")
                }
            }
        }
    }

    /// Past the buffered size the export streams in batches, and still holds every row exactly once, in order.
    @Test(arguments: Engine.all)
    func largeResultsStreamEveryRowOnce(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let count = ListExport.bufferedRows + 733
            let archive = (0..<count).map { i in
                publication(
                    String(format: "big-%05d", i), on: "20\(10 + i % 15)-0\(1 + i % 9)-1\(i % 10)",
                    title: "Item, \"\(i)\"")
            }
            for start in stride(from: 0, to: archive.count, by: 500) {
                try await store(Array(archive[start..<min(start + 500, archive.count)]), in: app)
            }
            let csv = try await app.get("/publications.csv")
            #expect(csv.status == .ok)
            let rows = CSVText.parse(csv.body).dropFirst()
            #expect(rows.count == count)
            #expect(Set(rows.map { $0[0] }).count == count, "no row twice")
            let expected = archive.sorted {
                ($0.published.description, $0.id) > (
                    $1.published.description,
                    $1.id
                )
            }.map(\.id)
            #expect(rows.map { $0[0] } == expected)
            let json = try jsonObject(try await app.get("/publications.json").body)
            #expect((json["items"] as? [[String: Any]])?.count == count)
            #expect(csv.headers.first(name: .contentDisposition) == "attachment; filename=\"publications.csv\"")
            #expect(csv.headers.first(name: .eTag) != nil)
        }
    }

    /// Answers are cached like pages, and a change of content shows at once.
    @Test(arguments: Engine.all)
    func cachedUntilTheContentChanges(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store([OpenWebFixture.published[0]], in: app)
            let first = try await app.get("/publications.json")
            let etag = try #require(first.headers.first(name: .eTag))
            #expect(try await app.get("/publications.json", headers: ["If-None-Match": etag]).status == .notModified)
            try await store([OpenWebFixture.published[2]], in: app)
            let second = try await app.get("/publications.json")
            #expect(second.body.contains("pub-rep") && second.headers.first(name: .eTag) != etag)
        }
    }

    /// Dozens of simultaneous downloads of the same and different exports get whole, identical documents.
    @Test(arguments: Engine.all)
    func simultaneousDownloadsAreWhole(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await OpenWebFixture.load(app)
            let paths = [
                "/publications.csv", "/publications.json", "/fr/publications.csv?country=mx",
                "/search.json?q=mexico"
            ]
            let answers = try await withThrowingTaskGroup(of: (String, String).self) { group in
                for i in 0..<48 {
                    let path = paths[i % paths.count];
                    group.addTask {
                        (
                            path,
                            try await app.get(path).body
                        )
                    }
                }
                return try await group.reduce(into: [String: Set<String>]()) { $0[$1.0, default: []].insert($1.1) }
            }
            for (path, bodies) in answers {
                #expect(bodies.count == 1, "\(path): \(bodies.count) different answers")
                if bodies.count > 1 {
                    for b in bodies { print("BODY \(path) \(b.count): \(b.prefix(300).debugDescription)") }
                }
                #expect(!(bodies.first ?? "").contains(OpenWebFixture.secret))
            }
        }
    }

    /// Each list page links to its own export, in its language, with its filters; the links work without script.
    @Test(arguments: Engine.all)
    func everyListLinksToItsDownloads(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await OpenWebFixture.load(app)
            let pages: [(String, [String])] = [
                (
                    "/publications?type=statement&page=1",
                    [
                        "/publications.csv?type=statement",
                        "/publications.json?type=statement"
                    ]
                ),
                (
                    "/fr/publications?country=mx",
                    [
                        "/fr/publications.csv?country=mx",
                        "/fr/publications.json?country=mx"
                    ]
                ),
                (
                    "/countries/mx?year=2026",
                    [
                        "/publications.csv?country=mx&amp;year=2026",
                        "/publications.json?country=mx&amp;year=2026"
                    ]
                ),
                ("/ar/countries/mx", ["/ar/publications.csv?country=mx"]),
                (
                    "/search?q=mexico&type=statement",
                    [
                        "/search.csv?q=mexico&amp;type=statement",
                        "/search.json?q=mexico&amp;type=statement"
                    ]
                ),
                ("/es/organisations", ["/es/organisations.csv", "/es/organisations.json"])
            ]
            for (page, links) in pages {
                let body = try await app.get(page).body
                for link in links {
                    #expect(body.contains("href=\"\(link)\""), "\(page) links \(link)")
                    #expect(
                        try await app.get(link.replacingOccurrences(of: "&amp;", with: "&")).status == .ok,
                        "\(link)")
                }
            }
        }
    }

    /// The organisations' export holds what the directory shows for the same filters, and no contact.
    @Test(arguments: Engine.all)
    func organisationsExportMatchesTheDirectory(_ engine: Engine) async throws {
        let file = try DirectoryTests.generated()
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await withApp(engine) { app in
            _ = try await ArchiveImporter(db: app.db).importFile(at: file)
            try await app.db.sql.raw("UPDATE organisations SET contacts_sealed = 'SEALEDX', description = 'DESCR'")
                .run()
            let all = try await DirectoryQueries.all(on: app.db)
            let type = try #require(all.compactMap(\.type).first)
            for (query, expected) in [("", all.count), ("?type=\(type)", all.filter { $0.type == type }.count)] {
                let csv = try await app.get("/organisations.csv" + query)
                let rows = CSVText.parse(csv.body)
                #expect(rows.first == ListExport.organisationHeader)
                #expect(rows.count - 1 == expected, "\(query)")
                #expect(!csv.body.contains("SEALEDX") && !csv.body.contains("DESCR"))
                let json = try jsonObject(try await app.get("/organisations.json" + query).body)
                #expect((json["items"] as? [[String: Any]])?.count == expected)
            }
        }
    }
}
