import Fluent
import ObservatoryCore

/// `/countries`: every country with publications, and how many.
enum CountriesPage {
    struct Context: Sendable {
        let facts: Layout.Facts
        let countries: [(country: Country, count: Int)]
    }

    static func context(facts: Layout.Facts, on db: any Database) async throws -> Context {
        let counts = try await PublicationQueries.counts(of: .country, PublicationFilter(), on: db)
        let countries = counts.compactMap { code, n in CountryDirectory.shared.country(code: code).map { ($0, n) } }
            .sorted { $0.0.localName.localizedStandardCompare($1.0.localName) == .orderedAscending }
        return Context(facts: facts, countries: countries)
    }

    static func render(_ c: Context) -> HTML {
        let items: [HTML] = c.countries.map {
            "<li><a href=\"\(SiteRoute.country($0.country, PublicationFilter()).path)\">\($0.country.localName)</a> <span class=\"count\">\(Translations.current.number($0.count))</span></li>"
        }
        return Layout(title: t("countries.title"), facts: c.facts, canonical: SiteRoute.countries.path).render(
            """
            <h1>\(t("countries.title"))</h1>
            <ul class="countries-index">\(items)</ul>
            """)
    }
}
