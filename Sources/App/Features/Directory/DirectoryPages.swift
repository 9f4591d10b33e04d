import Foundation
import ObservatoryCore

/// `/organisations` and `/organisations/{id}`: the public directory of member organisations.
enum DirectoryPages {
    struct Context: Sendable {
        let filter: DirectoryFilter
        let total: Int
        let items: [DirectoryEntry]
        let counts: [String: [(String, Int)]]
    }

    static func facetLabel(_ facet: String, _ value: String) -> String {
        switch facet {
        case "country": CountryDirectory.shared.country(code: value)?.localName ?? value
        case "type": Translations.current.texts["orgtype.\(value)"] ?? value
        case "network": DirectoryEntry.networkName(value)
        default: DirectoryEntry.languageName(value)
        }
    }

    static func facets(_ c: Context) -> HTML {
        let groups: [HTML] = ["country", "type", "network", "language"].map { facet in
            let current: String? =
                switch facet {
                case "country": c.filter.country
                case "type": c.filter.type
                case "network": c.filter.network
                default: c.filter.language
                }
            func set(_ value: String?) -> DirectoryFilter {
                c.filter.with { f in
                    switch facet {
                    case "country": f.country = value
                    case "type": f.type = value
                    case "network": f.network = value
                    default: f.language = value
                    }
                }
            }
            let values: [HTML] = (c.counts[facet] ?? []).map { value, count in
                let here = value == current
                return
                    "<li\(HTML(trusted: here ? " class=\"current\"" : ""))><a href=\"\(set(value).path)\"\(HTML(trusted: here ? " aria-current=\"true\"" : ""))>\(facetLabel(facet, value))</a> <span class=\"count\">\(Translations.current.number(count))</span></li>"
            }
            let clear: HTML =
                current == nil ? .empty : " <a class=\"meta\" href=\"\(set(nil).path)\">\(t("list.all"))</a>"
            return "<h2>\(t("dir.\(facet)"))\(clear)</h2><ul class=\"facet-\(facet)\">\(values)</ul>"
        }
        return HTML(trusted: groups.map(\.rendered).joined(separator: "\n"))
    }

    static func item(_ o: DirectoryEntry) -> HTML {
        let meta = [
            o.typeLabel, o.country?.localName,
            o.languages.isEmpty ? nil : o.languages.map(DirectoryEntry.languageName).joined(separator: ", "),
            o.networkSlugs.isEmpty ? nil : o.networkSlugs.map(DirectoryEntry.networkName).joined(separator: ", ")
        ].compactMap { $0 }
        return "<li><a href=\"\(SiteRoute.organisation(id: o.id).path)\"><bdi>\(o.name)</bdi></a>"
            + "<p class=\"meta\">\(meta.joined(separator: " | "))</p></li>"
    }

    static func index(_ c: Context) -> HTML {
        let pages = max(1, (c.total + DirectoryFilter.pageSize - 1) / DirectoryFilter.pageSize)
        let paging: HTML =
            pages <= 1
            ? .empty
            : """
            <p class="paging">\(c.filter.page > 1 ? "<a rel=\"prev\" href=\"\(c.filter.pageLink(c.filter.page - 1))\">←</a>" as HTML : .empty) \
            \(Translations.current.number(c.filter.page)) / \(Translations.current.number(pages)) \
            \(c.filter.page < pages ? "<a rel=\"next\" href=\"\(c.filter.pageLink(c.filter.page + 1))\">→</a>" as HTML : .empty)</p>
            """
        let hidden: [HTML] = c.filter.queryItems.filter { $0.0 != "q" && $0.0 != "page" }.map {
            "<input type=\"hidden\" name=\"\($0.0)\" value=\"\($0.1)\">"
        }
        let everyOrganisation = SiteRoute.organisations(DirectoryFilter()).path
        return Layout(title: t("dir.title"), facts: nil).render(
            """
            <div class="layout"><div>
            <h1>\(t("dir.title"))</h1>
            <form method="get" action="\(everyOrganisation)" class="search" role="search">\(hidden)\
            <label for="q">\(t("dir.search"))</label> <input id="q" name="q" type="search" value="\(c.filter.text)"> \
            <button type="submit">\(t("dir.show"))</button></form>
            <p class="meta" id="directory-count">\(t("dir.count", count: c.total))\
            \(c.filter == DirectoryFilter() ? .empty : " · <a href=\"\(everyOrganisation)\">\(t("dir.all"))</a>" as HTML)</p>
            <p class="meta">\(ListExport.links(csv: ListExport.organisations(.csv, c.filter),
                                          json: ListExport.organisations(.json, c.filter)))</p>
            \(c.items.isEmpty ? "<p>\(t("dir.none"))</p>" as HTML : "<ol class=\"items organisations\">\(c.items.map(item))</ol>")
            \(paging)
            </div>
            <aside class="facets" aria-label="\(t("list.filters"))">\(facets(c))</aside></div>
            """)
    }

    static func show(
        _ o: DirectoryEntry, affiliated: [(id: String, name: String)], mentions: [PublicationSummary]
    ) -> HTML {
        var facts: [HTML] = []
        if let type = o.typeLabel { facts.append("<dt>\(t("dir.type"))</dt><dd>\(type)</dd>") }
        if let country = o.country {
            let inCountry = DirectoryFilter().with { $0.country = country.code }.path
            facts.append("<dt>\(t("dir.country"))</dt><dd><a href=\"\(inCountry)\">\(country.localName)</a></dd>")
        }
        if !o.languages.isEmpty {
            facts.append(
                "<dt>\(t("dir.languages"))</dt><dd>\(o.languages.map(DirectoryEntry.languageName).joined(separator: ", "))</dd>"
            )
        }
        if !o.networkSlugs.isEmpty {
            facts.append(
                "<dt>\(t("dir.networks"))</dt><dd>\(o.networkSlugs.map(DirectoryEntry.networkName).joined(separator: ", "))</dd>"
            )
        }
        if let founded = o.founded {
            facts.append("<dt>\(t("dir.founded"))</dt><dd>\(Translations.current.number(founded))</dd>")
        }
        if !affiliated.isEmpty {
            let links: [HTML] = affiliated.map {
                "<a href=\"\(SiteRoute.organisation(id: $0.id).path)\"><bdi>\($0.name)</bdi></a>"
            }
            facts.append("<dt>\(t("dir.affiliated"))</dt><dd id=\"affiliated\">\(links.joined(separator: ", "))</dd>")
        }
        if let site = o.website, site.hasPrefix("https://") || site.hasPrefix("http://") {
            facts.append(
                "<dt>\(t("dir.website"))</dt><dd><a href=\"\(site)\" rel=\"nofollow noopener\">\(site)</a></dd>")
        }
        return Layout(title: o.name, facts: nil, canonical: SiteRoute.organisation(id: o.id).unprefixedPath).render(
            """
            <article class="organisation"><h1><bdi>\(o.name)</bdi></h1>
            <dl>\(facts)</dl>
            \(o.description.map { $0.isEmpty ? .empty : "<div class=\"body\">\(Markdown.render($0))</div>" as HTML } ?? .empty)
            <section aria-labelledby="mentions"><h2 id="mentions">\(t("dir.mentions"))</h2>
            \(mentions.isEmpty ? "<p>—</p>" as HTML : ListItemView.list(mentions))</section>
            <p><a href="\(SiteRoute.organisations(DirectoryFilter()).path)">\(t("dir.title"))</a></p></article>
            """)
    }
}

extension DirectoryFilter {
    func pageLink(_ n: Int) -> String { var f = self; f.page = n; return f.path }
}
