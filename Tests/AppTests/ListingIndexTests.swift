import Fluent
import Foundation
import ObservatoryCore
import PropertyBased
import SQLKit
import Testing
import VaporTesting

@testable import App

/// Issue 22: a list with a country or a programme walks that facet's rows, which carry a copy of the publication's
/// date and status (migration 035). Whatever happened to the archive (drafts, withdrawals, a date or a country
/// changed by a later import), every list must show exactly the rows and order a plain reading of the archive gives.
@Suite("Listing indexes")
struct ListingIndexTests {
    static let countries = ["MX", "CO", "RU", "FR", "EG", "IR"]
    static let days = ["2019-03-01", "2019-03-01", "2019-07-14", "2020-01-01", "2021-12-31", "2021-12-31", "2022-05-05"]

    /// The truth, computed in memory: what `/publications?…` must list, newest first then by id descending.
    struct Model {
        var rows: [String: (p: ArchivePublication, status: String)] = [:]
        func list(_ f: PublicationFilter) -> [String] {
            let matching = rows.values.filter { r in
                r.status == "published" && (f.type.map { $0 == r.p.type } ?? true)
                    && (f.language.map { $0 == r.p.language } ?? true)
                    && (f.year.map { $0 == r.p.published.year } ?? true)
                    && (f.country.map { r.p.countries.contains($0.code) } ?? true)
                    && (f.programme.map { r.p.programmes.contains($0) } ?? true)
            }
            let sorted = matching.map { ($0.p.published.description, $0.p.id) }.sorted { $0 > $1 }.map(\.1)
            return Array(sorted.dropFirst(f.offset).prefix(PublicationFilter.pageSize))
        }
    }

    static func randomPublication(_ id: String, _ g: inout SeededGenerator) -> ArchivePublication {
        publication(
            id, PublicationType.allCases.randomElement(using: &g)!,
            language: Language.allCases.randomElement(using: &g)!,
            on: days.randomElement(using: &g)!,
            countries: Array(countries.shuffled(using: &g).prefix(Int.random(in: 0...3, using: &g))),
            programmes: Array(Programme.allCases.shuffled(using: &g).prefix(Int.random(in: 0...2, using: &g))))
    }

    static func randomFilter(_ g: inout SeededGenerator) -> PublicationFilter {
        var f = PublicationFilter()
        if Bool.random(using: &g) { f.type = PublicationType.allCases.randomElement(using: &g) }
        if Bool.random(using: &g) {
            f.country = CountryDirectory.shared.country(code: countries.randomElement(using: &g)!)
        }
        if Int.random(in: 0...2, using: &g) == 0 { f.programme = Programme.allCases.randomElement(using: &g) }
        if Int.random(in: 0...2, using: &g) == 0 { f.language = Language.allCases.randomElement(using: &g) }
        if Int.random(in: 0...2, using: &g) == 0 { f.year = [2019, 2020, 2021, 2022].randomElement(using: &g) }
        f.page = Int.random(in: 1...3, using: &g)
        return f
    }

    /// Builds an archive through every write that touches the facet rows: imports, re-imports that move a
    /// publication to another day, country and programme, drafts, status changes back and forth.
    static func archive(seed: UInt64, in app: Application) async throws -> Model {
        var g = SeededGenerator(seed: seed)
        var model = Model()
        let first = (1...260).map { randomPublication(String(format: "p%03d", $0), &g) }
        try await store(first, in: app)
        first.forEach { model.rows[$0.id] = ($0, "published") }
        let drafts = (261...300).map { randomPublication(String(format: "p%03d", $0), &g) }
        try await store(drafts, status: "draft", in: app)
        drafts.forEach { model.rows[$0.id] = ($0, "draft") }
        // A later import changes some publications' dates, countries and programmes.
        let moved = first.shuffled(using: &g).prefix(60).map { randomPublication($0.id, &g) }
        try await store(Array(moved), in: app)
        moved.forEach { model.rows[$0.id] = ($0, "published") }
        // The office withdraws some, publishes some drafts, and takes one back and forth.
        for id in model.rows.keys.sorted().shuffled(using: &g).prefix(50) {
            let status: EditorialStatus = Bool.random(using: &g) ? .draft : .published
            try await EditorialStore.setStatus(id, status, publishAt: nil, now: testClock.now(), on: app.db)
            model.rows[id]?.status = status.rawValue
        }
        return model
    }

    @Test("every filtered list shows the rows and order of a plain reading of the archive", arguments: Engine.all)
    func listsMatchTheArchive(engine: Engine) async throws {
        let seed = UInt64.random(in: 1...UInt64(UInt32.max))
        print("ListingIndexTests seed \(seed)")
        try await withApp(engine, pageCache: false) { app in
            let model = try await Self.archive(seed: seed, in: app)
            await propertyCheck(count: 200, input: Gen.int(in: 1...Int(UInt32.max))) { n in
                var g = SeededGenerator(seed: UInt64(n))
                let filter = Self.randomFilter(&g)
                let listed = try await PublicationQueries.list(filter, on: app.db).map(\.id)
                #expect(listed == model.list(filter), "seed \(seed), filter \(SiteRoute.publications(filter).path)")
            }
            // And as readers see them, on list pages, country pages and feeds.
            var g = SeededGenerator(seed: seed)
            let browser = TestBrowser(app)
            for _ in 0..<30 {
                var filter = Self.randomFilter(&g)
                let expected = model.list(filter)
                let page = try await browser.get(SiteRoute.publications(filter).path)
                #expect(page.status == .ok)
                #expect(Self.linkedIDs(page.body) == expected, "seed \(seed), \(SiteRoute.publications(filter).path)")
                if let country = filter.country {
                    let countryPage = try await browser.get(SiteRoute.country(country, filter).path)
                    #expect(Self.linkedIDs(countryPage.body) == expected, "seed \(seed), country page")
                }
                filter.page = 1
                let feed = try await browser.get(SiteRoute.feed(.rss, filter).path)
                let items = feed.body.components(separatedBy: "<item>").dropFirst()
                    .compactMap { item in item.range(of: "/publications/").map { String(item[$0.upperBound...]) } }
                    .map { String($0.prefix { $0 != "<" && $0 != "\"" }) }
                #expect(items == model.list(filter), "seed \(seed), feed \(SiteRoute.feed(.rss, filter).path)")
            }
        }
    }

    /// The ids of the publications a list page links to, in order (the list, not the facets or the navigation).
    static func linkedIDs(_ html: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(html)
        while let range = rest.range(of: "href=\"/publications/p") {
            let id = "p" + rest[range.upperBound...].prefix { $0 != "\"" && $0 != "/" && $0 != "?" }
            if ids.last != id { ids.append(id) }
            rest = rest[range.upperBound...]
        }
        return ids
    }

    @Test("the dates copied into the facet rows by migration 035 match every publication's own", arguments: Engine.all)
    func migrationCopiesDates(engine: Engine) async throws {
        try await withApp(engine, pageCache: false) { app in
            let model = try await Self.archive(seed: 35, in: app)
            // Undo the migration and run it again over the archive already stored: the copy comes from the rows.
            try await AddListingIndexes().revert(on: app.db)
            try await AddListingIndexes().prepare(on: app.db)
            struct Row: Decodable { let n: Int }
            for (table, _) in AddListingIndexes.facetTables {
                let wrong = try await app.db.sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM \(unsafeRaw: table) f JOIN publications p ON p.id = f.publication_id
                    WHERE f.published_on <> p.published_on OR f.status <> p.status
                    """
                ).first(decoding: Row.self)?.n
                let all = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)")
                    .first(decoding: Row.self)?.n
                #expect(wrong == 0 && (all ?? 0) > 100, "\(table): \(wrong ?? -1) of \(all ?? -1) rows differ")
            }
            var g = SeededGenerator(seed: 35)
            for _ in 0..<60 {
                let filter = Self.randomFilter(&g)
                #expect(try await PublicationQueries.list(filter, on: app.db).map(\.id) == model.list(filter))
            }
        }
    }
}
