import Fluent
import ObservatoryCore

/// `/publications` and `/countries/{code}`: a filtered list with every filter value and its count.
enum PublicationIndexPage {
    struct FacetValue: Sendable {
        let label: String; let value: String; let count: Int; let href: String; let current: Bool
    }
    struct FacetGroup: Sendable { let title: String; let clear: String?; let values: [FacetValue] }

    struct Context: Sendable {
        let facts: Layout.Facts
        let filter: PublicationFilter
        /// Set on a country page.
        let country: Country?
        let total: Int
        let items: [PublicationSummary]
        let facets: [FacetGroup]
    }

    static func context(
        _ filter: PublicationFilter, countryPage: Bool, facts: Layout.Facts, counts: PageCache.FilterCounts,
        on db: any Database
    ) async throws -> Context {
        let items = try await PublicationQueries.list(filter, on: db)
        let groups = PublicationQueries.Facet.allCases.filter { !(countryPage && $0 == .country) }.map {
            group($0, counts: counts.facets[$0] ?? [:], filter: filter, countryPage: countryPage)
        }
        return Context(
            facts: facts, filter: filter, country: countryPage ? filter.country : nil,
            total: counts.total, items: items, facets: groups)
    }

    /// The total and every facet's counts for a filter (any page).
    static func counts(_ filter: PublicationFilter, on db: any Database) async throws -> PageCache.FilterCounts {
        var facets: [PublicationQueries.Facet: [String: Int]] = [:]
        for facet in PublicationQueries.Facet.allCases {
            facets[facet] = try await PublicationQueries.counts(of: facet, filter, on: db)
        }
        return PageCache.FilterCounts(total: try await PublicationQueries.count(filter, on: db), facets: facets)
    }

    static func link(_ filter: PublicationFilter, countryPage: Bool) -> String {
        if countryPage, let country = filter.country { return SiteRoute.country(country, filter).path }
        return SiteRoute.publications(filter).path
    }

    static func group(
        _ facet: PublicationQueries.Facet, counts: [String: Int], filter: PublicationFilter, countryPage: Bool
    ) -> FacetGroup {
        func value(
            _ label: String, _ raw: String, apply: (inout PublicationFilter) -> Void, current: Bool
        ) -> FacetValue {
            var next = filter.firstPage
            apply(&next)
            return FacetValue(
                label: label, value: raw, count: counts[raw] ?? 0, href: link(next, countryPage: countryPage),
                current: current)
        }
        func clear(_ apply: (inout PublicationFilter) -> Void) -> String {
            var next = filter.firstPage
            apply(&next)
            return link(next, countryPage: countryPage)
        }
        switch facet {
        case .type:
            return FacetGroup(
                title: t("facet.type"), clear: filter.type == nil ? nil : clear { $0.type = nil },
                values: PublicationType.allCases.map { t in
                    value(t.label, t.rawValue, apply: { $0.type = t }, current: filter.type == t)
                })
        case .programme:
            return FacetGroup(
                title: t("facet.programme"), clear: filter.programme == nil ? nil : clear { $0.programme = nil },
                values: Programme.allCases.map { p in
                    value(p.label, p.rawValue, apply: { $0.programme = p }, current: filter.programme == p)
                })
        case .language:
            return FacetGroup(
                title: t("facet.language"), clear: filter.language == nil ? nil : clear { $0.language = nil },
                values: Language.allCases.map { l in
                    value(l.endonym, l.rawValue, apply: { $0.language = l }, current: filter.language == l)
                })
        case .year:
            let years = Set(counts.keys.compactMap(Int.init)).union(filter.year.map { [$0] } ?? []).sorted(by: >)
            return FacetGroup(
                title: t("facet.year"), clear: filter.year == nil ? nil : clear { $0.year = nil },
                values: years.map { y in
                    value(String(y), String(y), apply: { $0.year = y }, current: filter.year == y)
                })
        case .country:
            let countries = counts.keys.compactMap { CountryDirectory.shared.country(code: $0) }.sorted {
                $0.localName.localizedStandardCompare($1.localName) == .orderedAscending
            }
            return FacetGroup(
                title: t("facet.country"), clear: filter.country == nil ? nil : clear { $0.country = nil },
                values: countries.map { c in
                    value(c.localName, c.code, apply: { $0.country = c }, current: filter.country == c)
                })
        }
    }

    /// The filters in force, each with a link that removes it.
    static func activeFilters(_ c: Context) -> HTML {
        let countryPage = c.country != nil
        var chips: [(String, PublicationFilter)] = []
        let f = c.filter.firstPage
        if let type = f.type { var g = f; g.type = nil; chips.append((type.label, g)) }
        if let programme = f.programme { var g = f; g.programme = nil; chips.append((programme.label, g)) }
        if !countryPage, let country = f.country { var g = f; g.country = nil; chips.append((country.localName, g)) }
        if let language = f.language { var g = f; g.language = nil; chips.append((language.endonym, g)) }
        if let year = f.year { var g = f; g.year = nil; chips.append((String(year), g)) }
        guard !chips.isEmpty else { return .empty }
        let links: [HTML] = chips.map { label, without in
            "<a href=\"\(link(without, countryPage: countryPage))\" title=\"\(t("list.remove-filter"))\">\(label) ×</a>"
        }
        return "<p class=\"chips\" aria-label=\"\(t("list.filters-in-force"))\">\(links)</p>"
    }

    static func render(_ c: Context) -> HTML {
        let heading = c.country.map { "\($0.localName)" } ?? t("list.title")
        let countryPage = c.country != nil
        let layout = Layout(
            title: c.filter.page > 1 ? t("list.title-page", ["title": heading, "n": String(c.filter.page)]) : heading,
            facts: c.facts,
            canonical: link(c.filter, countryPage: countryPage), feeds: c.filter)
        let facets: [HTML] = c.facets.map { group in
            let values: [HTML] = group.values.filter { $0.count > 0 || $0.current }.map { v in
                "<li\(HTML(trusted: v.current ? " class=\"current\"" : ""))><a href=\"\(v.href)\"\(HTML(trusted: v.current ? " aria-current=\"true\"" : ""))>\(v.label)</a> <span class=\"count\">\(Translations.current.number(v.count))</span></li>"
            }
            let clear: HTML = group.clear.map { " <a class=\"meta\" href=\"\($0)\">\(t("list.all"))</a>" } ?? .empty
            return "<h2>\(group.title)\(clear)</h2><ul>\(values)</ul>\n"
        }
        return layout.render(
            """
            <div class="layout"><div>
            <h1>\(heading)</h1>
            \(activeFilters(c))
            <p class="meta">\(t("list.count", count: c.total)) · \
            <a href="\(SiteRoute.map(c.filter).path)">\(t("list.show-map"))</a> · \
            <span class="feeds"><a href="\(SiteRoute.feed(.rss, c.filter).path)">\(t("feed.rss"))</a> · \
            <a href="\(SiteRoute.feed(.atom, c.filter).path)">\(t("feed.atom"))</a></span></p>
            <p class="meta">\(ListExport.links(csv: ListExport.publications(.csv, c.filter),
                                          json: ListExport.publications(.json, c.filter)))</p>
            \(ListItemView.list(c.items))
            \(ListItemView.pager(page: c.filter.page, total: c.total) { link(c.filter.with(page: $0), countryPage: countryPage) })
            </div>
            <aside class="facets" aria-label="\(t("list.filters"))">\(facets)</aside></div>
            """)
    }
}
