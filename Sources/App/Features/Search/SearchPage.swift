import Fluent
import ObservatoryCore

/// `/search`: the results of a full-text search under the list filters, with snippets, count, paging and feeds.
enum SearchPage {
    struct Context: Sendable {
        let text: String
        let filter: PublicationFilter
        let facts: Layout.Facts
        let total: Int
        let results: [SearchResult]
        let isEmptyQuery: Bool
    }

    static func context(
        _ query: SearchQuery, _ filter: PublicationFilter, facts: Layout.Facts, on db: any Database
    ) async throws -> Context {
        let (total, results) = try await SearchQueries.search(query, filter, on: db)
        return Context(
            text: query.text, filter: filter, facts: facts, total: total, results: results, isEmptyQuery: query.isEmpty)
    }

    static func render(_ c: Context) -> HTML {
        let title = c.text.isEmpty ? t("search.title") : t("search.title-query", ["q": c.text])
        let feeds = (
            SiteRoute.searchFeed(.rss, c.text, c.filter).path, SiteRoute.searchFeed(.atom, c.text, c.filter).path
        )
        let layout = Layout(
            title: c.filter.page > 1 ? t("list.title-page", ["title": title, "n": String(c.filter.page)]) : title,
            facts: c.facts,
            canonical: SiteRoute.search(c.text, c.filter).path, feedPaths: feeds)
        let outcome: HTML
        if c.isEmptyQuery {
            outcome =
                c.text.isEmpty
                ? .empty
                : "<p class=\"notice\">\(t("search.no-words", ["q": c.text]))</p>"
        } else {
            let items: [HTML] = c.results.map { result in
                ListItemView.render(
                    result.publication,
                    extra:
                        "<p class=\"snippet\" lang=\"\(result.publication.language)\"><bdi>\(result.snippet)</bdi></p>")
            }
            outcome = """
                <p class="meta">\(t("search.results", count: c.total, ["q": c.text])) · \
                <span class="feeds"><a href="\(feeds.0)">\(t("feed.rss"))</a> · \
                <a href="\(feeds.1)">\(t("feed.atom"))</a></span></p>
                <p class="meta">\(ListExport.links(csv: ListExport.search(.csv, c.text, c.filter),
                                              json: ListExport.search(.json, c.text, c.filter)))</p>
                \(c.results.isEmpty ? "<p class=\"notice\">\(t("search.nothing"))</p>" as HTML : "<ol class=\"items results\">\n\(items)</ol>")
                \(ListItemView.pager(page: c.filter.page, total: c.total) { SiteRoute.search(c.text, c.filter.with(page: $0)).path })
                """
        }
        return layout.render(
            """
            <h1>\(t("search.title"))</h1>
            \(form(c))
            \(chips(c))
            \(outcome)
            """)
    }

    static func form(_ c: Context) -> HTML {
        func options<T>(_ all: [T], selected: T?, value: (T) -> String, label: (T) -> String) -> HTML
        where T: Equatable {
            let items: [HTML] = all.map { item in
                "<option value=\"\(value(item))\"\(HTML(trusted: item == selected ? " selected" : ""))>\(label(item))</option>"
            }
            return "<option value=\"\">\(t("search.any"))</option>\(items)"
        }
        return """
            <form class="search-page" role="search" method="get" action="\(SiteRoute.searchForm.path)">
            <p><label for="q">\(t("search.words"))</label> <input id="q" type="search" name="q" value="\(c.text)" \
            maxlength="\(SearchQuery.maximumLength)"> <button type="submit">\(t("nav.search"))</button></p>
            <p class="narrow"><label>\(t("facet.type")) <select name="type">\(options(PublicationType.allCases, selected: c.filter.type, value: \.rawValue, label: \.label))</select></label>
            <label>\(t("facet.programme")) <select name="programme">\(options(Programme.allCases, selected: c.filter.programme, value: \.rawValue, label: \.label))</select></label>
            <label>\(t("facet.language")) <select name="language">\(options(Language.allCases, selected: c.filter.language, value: \.rawValue, label: \.endonym))</select></label>
            <label>\(t("facet.year")) <input type="number" name="year" min="1900" max="2100" \
            value="\(c.filter.year.map(String.init) ?? "")"></label>
            \(c.filter.country.map { "<input type=\"hidden\" name=\"country\" value=\"\($0.slug)\">" } ?? .empty)</p>
            </form>
            """
    }

    static func chips(_ c: Context) -> HTML {
        guard let country = c.filter.country else { return .empty }
        var without = c.filter.firstPage
        without.country = nil
        return
            "<p class=\"chips\" aria-label=\"\(t("list.filters-in-force"))\"><a href=\"\(SiteRoute.search(c.text, without).path)\" title=\"\(t("list.remove-filter"))\">\(country.localName) ×</a></p>"
    }
}
