import Foundation
import ObservatoryCore
import Testing
import Vapor
@testable import App

@Suite struct MapTests {
    @Test(arguments: Engine.all)
    func countriesAreShadedByCountUnderTheFiltersAndLinkToTheirPages(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            var items = (1...9).map { publication("mx\($0)", on: "2024-01-0\($0)", countries: ["MX"]) }
            items += [publication("br", on: "2024-02-01", countries: ["BR"]), publication("eu", on: "2024-02-02", countries: ["EU"]),
                      publication("bh", on: "2024-02-03", countries: ["BH"]),
                      publication("mx-report", .report, on: "2023-02-03", countries: ["MX", "CO"])]
            try await store(items, in: app)
            let page = try await app.get("/map")
            #expect(page.status == .ok)
            #expect(page.body.contains("<a href=\"/countries/mx\"><path class=\"s5\""), "the most: the darkest shade")
            #expect(page.body.contains("<a href=\"/countries/br\"><path class=\"s1\""))
            #expect(page.body.contains("<a href=\"/countries/fr\"><path class=\"s0\""), "no publication: no shade, still a link")
            #expect(page.body.contains("<title>Mexico: 10</title>"))
            #expect(page.body.contains("<a href=\"/countries/eu\"><circle class=\"eu s1\""), "the EU as a marker")
            #expect(page.body.contains("<a href=\"/countries/bh\">Bahrain</a> <span class=\"count\">1</span>"), "too small for the map: listed")
            #expect(page.body.utf8.count < 150_000, "map page under 150 KB: \(page.body.utf8.count)")
            #expect(!page.body.contains("<script") && !page.body.contains("http://") && !page.body.contains("https://"), "nothing from another host")

            let reports = try await app.get("/map?type=report")
            #expect(reports.body.contains("<title>Mexico: 1</title>") && reports.body.contains("<title>Colombia: 1</title>"))
            #expect(reports.body.contains("<a href=\"/countries/mx?type=report\">"), "country links keep the filters")
            #expect(reports.body.contains("<title>Brazil: 0</title>"))
            #expect(try await app.get("/publications?year=2024").body.contains("href=\"/map?year=2024\">Show map</a>"))
            #expect(try await app.get("/map?year=abc").status == .badRequest)
        }
    }
}
