import ObservatoryCore

/// The page shell every public page shares: header with the site's facts, navigation, search box, language
/// switcher and footer; `lang` and `dir` (right-to-left for Arabic) from the page's language.
struct Layout {
    struct Facts: Sendable, Equatable {
        let articles: Int
        let new: Int
    }

    var title: String
    var facts: Facts?
    var canonical: String? = nil
    var feeds: PublicationFilter? = nil
    /// Feed addresses other than a filter's (a search's).
    var feedPaths: (rss: String, atom: String)? = nil
    var description: String? = nil

    func render(_ main: HTML) -> HTML {
        let language = Translations.current.language
        let paths = feedPaths ?? feeds.map { (SiteRoute.feed(.rss, $0).path, SiteRoute.feed(.atom, $0).path) }
        let feedLinks: HTML =
            paths.map { paths in
                """
                <link rel="alternate" type="application/rss+xml" title="RSS" href="\(paths.0)">
                <link rel="alternate" type="application/atom+xml" title="Atom" href="\(paths.1)">
                """
            } ?? .empty
        let canonicalLink: HTML = canonical.map { "<link rel=\"canonical\" href=\"\($0)\">" } ?? .empty
        let meta: HTML =
            description.map { "<meta name=\"description\" content=\"\(String($0.prefix(200)))\">" } ?? .empty
        let factsLine: HTML =
            facts.map {
                "<span>\(t("facts.articles", ["n": Translations.current.number($0.articles)]))</span><span>\(t("facts.new", ["n": Translations.current.number($0.new)]))</span>"
            } ?? .empty
        // The same page in the other languages: alternates for search engines, and the switcher for readers.
        let address = PageAddress.current
        let alternates: [HTML] =
            Language.allCases.map { other in
                "<link rel=\"alternate\" hreflang=\"\(other.rawValue)\" href=\"\(other.pathPrefix + address)\">"
            } + ["<link rel=\"alternate\" hreflang=\"x-default\" href=\"\(address)\">"]
        let switcher: [HTML] = Language.allCases.map { other in
            other == language
                ? "<span lang=\"\(other.rawValue)\" aria-current=\"true\">\(other.endonym)</span>"
                : """
                <a lang=\"\(other.rawValue)\" hreflang=\"\(other.rawValue)\" \
                href=\"/language/\(other.rawValue)?to=\(SiteRoute.escapeSegment(address))\">\(other.endonym)</a>
                """
        }
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)" dir="\(language.isRightToLeft ? "rtl" : "ltr")">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) — \(t("site.name"))</title>
            \(meta)\(canonicalLink)
            <link rel="stylesheet" href="\(SiteRoute.stylesheet.path)">
            \(feedLinks)
            \(alternates.joined(separator: "\n"))
            </head>
            <body>
            <a class="skip" href="#main">\(t("site.skip"))</a>
            <header class="site"><nav aria-label="\(t("nav.label"))">
            <a class="brand" href="\(SiteRoute.home(page: 1).path)">\(t("site.name"))</a>
            <a href="\(SiteRoute.publications(PublicationFilter()).path)">\(t("nav.publications"))</a>
            <a href="\(SiteRoute.countries.path)">\(t("nav.countries"))</a>
            <a href="\(SiteRoute.map(PublicationFilter()).path)">\(t("nav.map"))</a>
            <a href="\(SiteRoute.organisations(DirectoryFilter()).path)">\(t("dir.link"))</a>
            <form class="search" role="search" method="get" action="\(SiteRoute.searchForm.path)">\
            <input type="search" name="q" aria-label="\(t("nav.search-label"))" \
            placeholder="\(t("nav.search"))"><button type="submit">\(t("nav.search"))</button></form>
            <span class="facts">\(factsLine)<a \
            href="\(paths?.0 ?? SiteRoute.feed(.rss, PublicationFilter()).path)">\(t("feed.rss"))</a></span>
            </nav>
            <p class="languages" aria-label="\(t("nav.language"))">\(switcher.joined(separator: " · "))</p></header>
            <main id="main">
            \(main)
            </main>
            <footer class="site">\(t("site.full-name")) · <a href="\(SiteRoute.report.path)">\(t("report.link"))</a> \
            · <a href="\(SiteRoute.subscribe.path)">\(t("sub.link"))</a>
            · <a href="\(Translations.current.language.pathPrefix)/campaigns">\(t("campaign.list"))</a> · <a \
            href="\(Translations.current.language.pathPrefix)/calls">\(t("call.list"))</a>
            · <a href="\(Translations.current.language.pathPrefix)/missions">\(t("mission.list"))</a></footer>
            </body>
            </html>
            """
    }
}
