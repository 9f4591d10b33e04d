import Fluent
import ObservatoryCore

/// `/publications/{id}`: the article with its translations and its whole follow-up chain.
enum PublicationShowPage {
    struct Context: Sendable {
        let facts: Layout.Facts
        let publication: PublicationDetail
        let translations: [PublicationSummary]
        let chain: [PublicationSummary]
        /// The mission this publication reports on, public facts only.
        var mission: MissionReport? = nil
        /// The site's public address, for the JSON-LD's absolute `url`.
        var baseURL = ""
    }

    static func context(id: String, facts: Layout.Facts, on db: any Database) async throws -> Context? {
        guard let publication = try await PublicationQueries.find(id: id, on: db) else { return nil }
        return Context(
            facts: facts, publication: publication,
            translations: try await PublicationQueries.translations(of: publication, on: db),
            chain: try await PublicationQueries.followUpChain(seenFrom: publication, on: db),
            mission: try await MissionStore.published(about: id, on: db))
    }

    static func render(_ c: Context) -> HTML {
        let p = c.publication.summary
        let layout = Layout(
            title: p.displayTitle, facts: c.facts, canonical: SiteRoute.publication(id: p.id).path,
            description: p.summary.isEmpty ? nil : p.summary)
        var facts: [HTML] = [
            "<dt>\(t("article.date"))</dt><dd><time datetime=\"\(p.publishedOn)\">\(p.date?.long ?? p.publishedOn)</time></dd>"
        ]
        let typeFilter = PublicationFilter(type: p.publicationType)
        facts.append(
            "<dt>\(t("article.type"))</dt><dd><a href=\"\(SiteRoute.publications(typeFilter).path)\">\(p.publicationType?.label ?? p.type)</a></dd>"
        )
        if let kind = p.interventionKind { facts.append("<dt>\(t("article.kind"))</dt><dd>\(kind.label)</dd>") }
        if let reference = p.reference { facts.append("<dt>\(t("article.reference"))</dt><dd>\(reference)</dd>") }
        if let event = p.eventDate.flatMap(CivilDate.init) {
            facts.append("<dt>\(t("article.event-date"))</dt><dd>\(event.long)</dd>")
        }
        if !p.programmes.isEmpty {
            let links: [HTML] = p.programmes.map {
                "<a href=\"\(SiteRoute.publications(PublicationFilter(programme: $0)).path)\">\($0.label)</a>"
            }
            facts.append("<dt>\(t("article.programmes"))</dt><dd>\(links.joined(separator: ", "))</dd>")
        }
        if !p.countries.isEmpty {
            let links: [HTML] = p.countries.map {
                "<a href=\"\(SiteRoute.country($0, PublicationFilter()).path)\">\($0.localName)</a>"
            }
            facts.append("<dt>\(t("article.countries"))</dt><dd>\(links.joined(separator: ", "))</dd>")
        }
        facts.append("<dt>\(t("article.language"))</dt><dd>\(p.lang.endonym)</dd>")
        let translations: HTML =
            c.translations.isEmpty
            ? .empty
            : """
            <section aria-labelledby="translations"><h2 id="translations">\(t("article.also-in"))</h2><ul class="translations">\(c.translations.map { t -> HTML in
                "<li><a href=\"\(SiteRoute.publication(id: t.id).path)\" hreflang=\"\(t.language)\" lang=\"\(t.language)\">\(t.lang.endonym): <bdi>\(t.displayTitle)</bdi></a></li>" })</ul></section>
            """
        let chain: HTML =
            c.chain.isEmpty
            ? .empty
            : """
            <section aria-labelledby="chain"><h2 id="chain">\(t("article.chain"))</h2><ol class="chain">\(c.chain.map { m -> HTML in
                let label: HTML = "<time datetime=\"\(m.publishedOn)\">\(m.date?.long ?? m.publishedOn)</time> — <bdi>\(m.displayTitle)</bdi>\(HTML(trusted: m.reference.map { " (" + HTML.escape($0) + ")" } ?? ""))"
                return m.id == p.id ? "<li class=\"here\" aria-current=\"page\">\(label)</li>" : "<li><a href=\"\(SiteRoute.publication(id: m.id).path)\">\(label)</a></li>"
            })</ol></section>
            """
        let dir = p.lang.isRightToLeft ? "rtl" : "ltr"
        return layout.render(
            """
            <article lang="\(p.language)" dir="\(dir)">
            \(PublicationJSONLD.element(p, baseURL: c.baseURL))
            <h1><bdi>\(p.displayTitle)</bdi></h1>
            <dl>\(facts)</dl>
            \(c.mission.map { "<section class=\"mission\" aria-label=\"\(t("mission.list"))\">\(MissionReportsController.item($0, heading: "h3"))</section>" as HTML } ?? .empty)
            \(chain)
            \(p.interventionKind == .urgentAppeal ? "<p class=\"take-action\"><a class=\"button\" href=\"\(SiteRoute.publication(id: p.id).path)/take-action\">\(t("action.title"))</a></p>" as HTML : .empty)
            <div class="body">\(Markdown.render(c.publication.body))</div>
            \(translations)
            </article>
            """)
    }
}
