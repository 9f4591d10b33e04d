import ObservatoryCore

/// One entry of a publication list, as readers know it:
/// "Country: headline" linking to the article, then `date | programmes | type | countries`.
enum ListItemView {
    /// `extra` goes inside the entry, after its facts (a search result's snippet).
    static func render(_ item: PublicationSummary, extra: HTML = .empty) -> HTML {
        let date = item.date?.long ?? item.publishedOn
        let programmes = item.programmes.map(\.label).joined(separator: ", ")
        let type = item.publicationType?.label ?? item.type
        let countries: [HTML] = item.countries.map {
            "<a href=\"\(SiteRoute.country($0, PublicationFilter()).path)\">\($0.localName)</a>"
        }
        var meta: [HTML] = ["<time datetime=\"\(item.publishedOn)\">\(date)</time>"]
        if !programmes.isEmpty { meta.append("\(programmes)") }
        meta.append("\(type)")
        if !countries.isEmpty { meta.append(countries.joined(separator: ", ")) }
        return """
            <li lang="\(item.language)"><a class="title" \
            href="\(SiteRoute.publication(id: item.id).path)"><bdi>\(item.displayTitle)</bdi></a>
            <div class="meta">\(meta.joined(separator: " | "))</div>\(extra)</li>

            """
    }

    static func list(_ items: [PublicationSummary]) -> HTML {
        guard !items.isEmpty else { return "<p class=\"notice\">\(t("list.none"))</p>" }
        return "<ol class=\"items\">\n\(items.map { render($0) })</ol>"
    }

    /// Previous / next links, keeping every other parameter.
    static func pager(page: Int, total: Int, link: (Int) -> String) -> HTML {
        let pages = max(1, (total + PublicationFilter.pageSize - 1) / PublicationFilter.pageSize)
        guard pages > 1 else { return .empty }
        let previous: HTML =
            page > 1 ? "<a rel=\"prev\" href=\"\(link(page - 1))\">\(t("pager.newer"))</a>" : "<span></span>"
        let next: HTML =
            page < pages ? "<a rel=\"next\" href=\"\(link(page + 1))\">\(t("pager.older"))</a>" : "<span></span>"
        return
            "<nav class=\"pager\" aria-label=\"\(t("pager.label"))\">\(previous)<span>\(t("pager.position", ["page": Translations.current.number(page), "pages": Translations.current.number(pages)]))</span>\(next)</nav>"
    }
}
