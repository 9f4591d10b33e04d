import Fluent
import ObservatoryCore

/// `/`: the newest publications with the site's facts, and paging.
enum HomePage {
    struct Context: Sendable {
        let facts: Layout.Facts
        let page: Int
        let total: Int
        let items: [PublicationSummary]
    }

    static func context(page: Int, facts: Layout.Facts, on db: any Database) async throws -> Context {
        let filter = PublicationFilter(page: page)
        return Context(
            facts: facts, page: page, total: facts.articles, items: try await PublicationQueries.list(filter, on: db))
    }

    static func render(_ c: Context) -> HTML {
        let layout = Layout(
            title: c.page > 1 ? t("home.title-page", ["n": String(c.page)]) : t("home.title"), facts: c.facts,
            canonical: SiteRoute.home(page: c.page).path, feeds: PublicationFilter(),
            description: t("home.description"))
        return layout.render(
            """
            <h1>\(t("home.title"))</h1>
            <p class="meta">\(t("facts.articles", ["n": Translations.current.number(c.facts.articles)])) · \
            \(t("facts.new", ["n": Translations.current.number(c.facts.new)])) · <a \
            href="\(SiteRoute.publications(PublicationFilter()).path)">\(t("home.filter-link"))</a></p>
            \(ListItemView.list(c.items))
            \(ListItemView.pager(page: c.page, total: c.total) { SiteRoute.home(page: $0).path })
            """)
    }
}
