import ObservatoryCore

/// The page shell every public page shares: header with the site's facts, navigation, footer.
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
        let paths = feedPaths ?? feeds.map { (SiteRoute.feed(.rss, $0).path, SiteRoute.feed(.atom, $0).path) }
        let feedLinks: HTML = paths.map { paths in
            """
            <link rel="alternate" type="application/rss+xml" title="RSS" href="\(paths.0)">
            <link rel="alternate" type="application/atom+xml" title="Atom" href="\(paths.1)">
            """
        } ?? .empty
        let canonicalLink: HTML = canonical.map { "<link rel=\"canonical\" href=\"\($0)\">" } ?? .empty
        let meta: HTML = description.map { "<meta name=\"description\" content=\"\(String($0.prefix(200)))\">" } ?? .empty
        let factsLine: HTML = facts.map { "<span>Articles: \($0.articles)</span><span>\($0.new) new</span>" } ?? .empty
        return """
        <!DOCTYPE html>
        <html lang="en" dir="ltr">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) — Observatory</title>
        \(meta)\(canonicalLink)
        <link rel="stylesheet" href="\(SiteRoute.stylesheet.path)">
        \(feedLinks)
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site"><nav aria-label="Site">
        <a class="brand" href="\(SiteRoute.home(page: 1).path)">Observatory</a>
        <a href="\(SiteRoute.publications(PublicationFilter()).path)">Publications</a>
        <a href="\(SiteRoute.countries.path)">Countries</a>
        <a href="\(SiteRoute.map(PublicationFilter()).path)">Map</a>
        <form class="search" role="search" method="get" action="\(SiteRoute.search("", PublicationFilter()).path.split(separator: "?")[0].description)">\
        <input type="search" name="q" aria-label="Search publications" placeholder="Search"><button type="submit">Search</button></form>
        <span class="facts">\(factsLine)<a href="\(paths?.0 ?? SiteRoute.feed(.rss, PublicationFilter()).path)">RSS</a></span>
        </nav></header>
        <main id="main">
        \(main)
        </main>
        <footer class="site">Observatory for the Protection of Human Rights Defenders</footer>
        </body>
        </html>
        """
    }
}
