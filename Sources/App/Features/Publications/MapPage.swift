import Fluent
import ObservatoryCore

/// `/map`: every country shaded by its number of publications under the list filters, drawn as SVG on the
/// server (no script, no tiles), each linking to its country page; the EU as a marker. The outlines are one
/// shared, long-cached SVG (`WorldMapOutlines`) that the page references, so the page holds only links and counts.
enum MapPage {
    struct Context: Sendable {
        let filter: PublicationFilter
        let facts: Layout.Facts
        let counts: [String: Int]
    }

    static func render(_ c: Context) -> HTML {
        var filter = c.filter.firstPage
        filter.country = nil
        let maximum = c.counts.values.max() ?? 0
        let map = WorldMap.shared
        let countries = CountryDirectory.shared
        let shapes: [HTML] = map.outlines.compactMap { outline in
            guard let country = countries.country(code: outline.code) else { return nil }
            let count = c.counts[country.code] ?? 0
            let shade = WorldMap.shade(count, maximum: maximum)
            return """
                <a href="\(SiteRoute.country(country, filter).path)"><title>\(country.localName): \
                \(Translations.current.number(count))</title><use href="\(WorldMapOutlines.reference(outline.code))"\
                \(shade == 0 ? .empty : " class=\"s\(shade)\"" as HTML)/></a>
                """
        }
        let eu = countries.country(code: "EU")!
        let euCount = c.counts["EU"] ?? 0
        let marker: HTML = """
            <a href="\(SiteRoute.country(eu, filter).path)"><circle class="eu s\(WorldMap.shade(euCount, maximum: maximum))" cx="\(String(WorldMap.europeanUnionMarker.x))" cy="\(String(WorldMap.europeanUnionMarker.y))" r="7"><title>\(eu.localName): \(Translations.current.number(euCount))</title></circle></a>
            """
        let offMap: [HTML] = c.counts.filter { $0.value > 0 && $0.key != "EU" && !map.hasOutline($0.key) }
            .compactMap { code, count in countries.country(code: code).map { ($0, count) } }
            .sorted { $0.0.localName.localizedStandardCompare($1.0.localName) == .orderedAscending }
            .map { country, count in
                "<li><a href=\"\(SiteRoute.country(country, filter).path)\">\(country.localName)</a> <span class=\"count\">\(Translations.current.number(count))</span></li>"
            }
        let floors = WorldMap.classFloors(maximum: maximum)
        let legend: [HTML] =
            maximum == 0
            ? []
            : (1...5).map { level in
                let upper = level < 5 ? floors[level] - 1 : maximum
                let number = Translations.current.number
                let range = floors[level - 1] >= upper ? number(upper) : "\(number(floors[level - 1]))–\(number(upper))"
                return "<li><span class=\"swatch s\(level)\"></span>\(range)</li>"
            }
        let layout = Layout(title: t("map.title"), facts: c.facts, canonical: SiteRoute.map(filter).path, feeds: filter)
        return layout.render(
            """
            <h1>\(t("map.heading"))</h1>
            \(filter.isEmpty ? .empty : "<p class=\"meta\">\(FeedView.filterWords(filter)) · <a href=\"\(SiteRoute.map(PublicationFilter()).path)\">\(t("map.all"))</a></p>" as HTML)
            <p><a href="\(SiteRoute.publications(filter).path)">\(t("map.as-list"))</a></p>
            <figure class="world-map">
            <svg viewBox="0 0 \(WorldMap.width) \(WorldMap.height)" role="img" aria-label="\(t("map.label"))">
            \(shapes)\(marker)
            </svg>
            <figcaption><ul class="legend">\(legend)<li><span class="swatch s0"></span>0</li><li><span class="swatch eu-swatch"></span>\(eu.localName)</li></ul>
            \(t("map.source"))</figcaption>
            </figure>
            \(offMap.isEmpty ? .empty : "<h2>\(t("map.off-map"))</h2><ul class=\"off-map\">\(offMap)</ul>" as HTML)
            """)
    }
}
