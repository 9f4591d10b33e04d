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
            items += [
                publication("br", on: "2024-02-01", countries: ["BR"]),
                publication("eu", on: "2024-02-02", countries: ["EU"]),
                publication("bh", on: "2024-02-03", countries: ["BH"]),
                publication("mx-report", .report, on: "2023-02-03", countries: ["MX", "CO"])
            ]
            try await store(items, in: app)
            let page = try await app.get("/map")
            #expect(page.status == .ok)
            #expect(page.body.contains(shape("mx", "MX", 5)), "the most: the darkest shade")
            #expect(page.body.contains(shape("br", "BR", 1)))
            #expect(page.body.contains(shape("fr", "FR", 0)), "no publication: no shade, still a link")
            #expect(page.body.contains("<title>Mexico: 10</title>"))
            #expect(page.body.contains("<a href=\"/countries/eu\"><circle class=\"eu s1\""), "the EU as a marker")
            #expect(
                page.body.contains("<a href=\"/countries/bh\">Bahrain</a> <span class=\"count\">1</span>"),
                "too small for the map: listed")
            #expect(page.body.utf8.count <= 30_000, "map page at most 30 KB: \(page.body.utf8.count)")
            #expect(
                !page.body.contains("<script") && !page.body.contains("http://") && !page.body.contains("https://"),
                "nothing from another host")

            let reports = try await app.get("/map?type=report")
            #expect(
                reports.body.contains("<title>Mexico: 1</title>") && reports.body.contains("<title>Colombia: 1</title>")
            )
            #expect(reports.body.contains("<a href=\"/countries/mx?type=report\">"), "country links keep the filters")
            #expect(reports.body.contains("<title>Brazil: 0</title>"))
            #expect(try await app.get("/publications?year=2024").body.contains("href=\"/map?year=2024\">Show map</a>"))
            #expect(try await app.get("/map?year=abc").status == .badRequest)
        }
    }

    /// What one country looks like on the page: its link, its name and count, and a reference to its outline.
    private func shape(_ slug: String, _ code: String, _ shade: Int) -> String {
        "<use href=\"\(SiteRoute.mapOutlines.path)#\(code)\"\(shade == 0 ? "" : " class=\"s\(shade)\"")/></a>"
    }

    /// The outlines travel once: one SVG, cached for a year under a versioned address, holding every outline a map
    /// page references; every map page, however filtered and in every language, stays within 30 KB.
    @Test(arguments: Engine.all)
    func outlinesAreOneCachedDrawingAndEveryMapPageStaysSmall(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let countries = ["MX", "BR", "CO", "FR", "RU", "TR", "EG", "IN", "CN", "US", "EU", "BH", "SG", "KE", "NG"]
            var items: [ArchivePublication] = []
            for (n, code) in countries.enumerated() {
                for m in 0...(n * 7) {
                    items.append(
                        publication(
                            "\(code)-\(m)", on: "202\(m % 5)-0\(1 + m % 9)-1\(m % 9)",
                            countries: [code]))
                }
            }
            try await store(items, in: app)
            let outlines = try await app.get(SiteRoute.mapOutlines.path)
            #expect(outlines.status == .ok)
            #expect(outlines.headers.first(name: .contentType) == "image/svg+xml")
            #expect(outlines.headers.first(name: .cacheControl)?.contains("immutable") == true)
            let ids = Set(outlines.body.matches(of: /<path id="([A-Z]{2})" d="[^"]+"\/>/).map { String($0.1) })
            #expect(ids.count == WorldMap.shared.outlines.count && ids.count > 150)
            for path in [
                "/map", "/map?type=urgent-intervention&year=2023",
                "/ar/map?year=2024&type=urgent-intervention",
                "/fr/map?programme=violence-against-women", "/es/map?year=2021"
            ] {
                let page = try await app.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.body.utf8.count <= 30_000, "\(path): \(page.body.utf8.count) bytes")
                let used = page.body.matches(of: /<use href="([^"#]+)#([A-Z]{2})"/)
                #expect(used.count == ids.count, "\(path): every outline drawn")
                #expect(used.allSatisfy { String($0.1) == SiteRoute.mapOutlines.path && ids.contains(String($0.2)) })
                #expect(!page.body.contains(" d=\""), "\(path): no outline inside the page")
            }
        }
    }
}
