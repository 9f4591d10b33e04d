import Fluent
import ObservatoryCore

/// `/map`: every country shaded by its number of publications under the list filters, drawn as SVG on the
/// server (no script, no tiles), each linking to its country page; the EU as a marker. The outlines are one
/// shared, long-cached SVG (`WorldMapOutlines`) that the page references, so the page holds only links and counts:
/// every country is one list item whose link holds its name, count and outline, the outlines laid over each other
/// above the list by the stylesheet. Without images the list remains; at most 30 KB for any filter and language.
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
        // One list item per country: a link holding its name, its count and its outline (the EU: its marker),
        // so the map, the list readers without images see and a screen reader's link names are the same links.
        // Countries with an outline are always listed (their outline is a link); others only when counted.
        var entries = map.outlines.compactMap { countries.country(code: $0.code) }.map { ($0, true) }
        entries += c.counts.filter { $0.value > 0 && !map.hasOutline($0.key) && $0.key != "EU" }
            .compactMap { countries.country(code: $0.key) }.map { ($0, false) }
        entries.append((countries.country(code: "EU")!, true))
        let named = entries.map { (country: $0.0, drawn: $0.1, name: $0.0.localName) }
            .sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
        let items: [HTML] = named.map { entry in
            let count = c.counts[entry.country.code] ?? 0
            let shade = WorldMap.shade(count, maximum: maximum)
            let label = "\(entry.name) \(Translations.current.number(count))"
            let classes: HTML =
                entry.country.code == "EU"
                ? "\"\(shade == 0 ? "z" : "s\(shade)") eu\""
                : shade == 0 ? "z" : "s\(shade)"
            let outline: HTML =
                entry.drawn
                ? "<svg><use href=\"\(WorldMapOutlines.reference(entry.country.code))\"/></svg>" : .empty
            return """
                <li class=\(classes)><a href="\(SiteRoute.mapCountry(entry.country, filter).path)">\
                \(shade == 0 ? "<span>\(label)</span>" as HTML : "\(label)")\(outline)</a>
                """
        }
        let eu = countries.country(code: "EU")!
        let floors = WorldMap.classFloors(maximum: maximum)
        let legend: [HTML] =
            maximum == 0
            ? []
            : (1...5).map { level in
                let upper = level < 5 ? floors[level] - 1 : maximum
                let number = Translations.current.number
                let range =
                    floors[level - 1] >= upper
                    ? number(upper)
                    : """
                    \(number(floors[level - 1]))–\(number(upper))
                    """
                return "<li><span class=\"swatch s\(level)\"></span>\(range)</li>"
            }
        let layout = Layout(title: t("map.title"), facts: c.facts, canonical: SiteRoute.map(filter).path, feeds: filter)
        return layout.render(
            """
            <h1>\(t("map.heading"))</h1>
            \(filter.isEmpty ? .empty : "<p class=\"meta\">\(FeedView.filterWords(filter)) · <a href=\"\(SiteRoute.map(PublicationFilter()).path)\">\(t("map.all"))</a></p>" as HTML)
            <p><a href="\(SiteRoute.publications(filter).path)">\(t("map.as-list"))</a></p>
            <figure class="world-map">
            <ul aria-label="\(t("map.label"))">
            \(items)</ul>
            <figcaption><ul class="legend">\(legend)<li><span class="swatch s0"></span>0</li>\
            <li><span class="swatch eu-swatch"></span>\(eu.localName)</li></ul>
            \(t("map.source"))</figcaption>
            </figure>
            """)
    }
}
