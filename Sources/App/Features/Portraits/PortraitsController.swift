import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Public portrait pages in every language: `/portraits`, a portrait, its photograph, a series. Every page is
/// built from `PublicPortrait` (only a portrait whose defender consents) and published sponsors; a withdrawn
/// consent bumps the content version, so the cached pages go with it.
struct PortraitsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.localizedGet(SiteRoute.Pattern.portraits) { req in try await index(req) }
        routes.localizedGet(SiteRoute.Pattern.portraitSeries) { req in try await series(req) }
        routes.localizedGet(SiteRoute.Pattern.portrait) { req in try await show(req) }
        routes.get(SiteRoute.Pattern.portraitPhoto.map(PathComponent.init)) { req in try await photo(req) }
        try SponsorshipController().boot(routes: routes)
    }

    /// Published sponsors of public portraits, by portrait.
    static func sponsors(
        of portraits: [PublicPortrait], on db: any Database
    ) async throws
        -> [String: [PortraitSponsor]]
    {
        Dictionary(
            grouping: try await PortraitStore.sponsors(of: portraits.map(\.id), on: db).filter(\.published),
            by: \.portraitId)
    }

    static func sponsoredBy(_ sponsors: [PortraitSponsor]?) -> HTML {
        guard let sponsors, !sponsors.isEmpty else { return .empty }
        let names = sponsors.map(\.name).joined(separator: ", ")
        return " <span class=\"meta sponsored-by\">\(t("portrait.sponsored-by", ["names": names]))</span>"
    }

    static func items(_ portraits: [PublicPortrait], _ sponsors: [String: [PortraitSponsor]]) -> HTML {
        portraits.map { item($0, sponsors: sponsors[$0.id]) }.joined()
    }

    static func item(_ p: PublicPortrait, sponsors: [PortraitSponsor]?) -> HTML {
        let photo: HTML =
            p.hasPhoto
            ? """
            <img src="\(SiteRoute.portraitPhoto(id: p.id).path)" alt="" class="portrait-thumb" width="96">
            """ : .empty
        return "<li>\(photo)<a href=\"\(SiteRoute.portrait(id: p.id).path)\">\(p.name)</a>"
            + "\(sponsoredBy(sponsors))</li>" as HTML
    }

    func index(_ req: Request) async throws -> Response {
        let today = req.site.clock.today
        let portraits = try await PortraitStore.publicPortraits(today: today, on: req.db)
        let series = try await PortraitStore.allSeries(on: req.db).filter(\.published)
        let sponsors = try await Self.sponsors(of: portraits, on: req.db)
        let seriesItems: [HTML] = series.map {
            "<li><a href=\"\(SiteRoute.portraitSeries(id: $0.id).path)\">\($0.title)</a></li>"
        }
        let seriesList: HTML =
            seriesItems.isEmpty
            ? .empty
            : "<h2>\(t("portrait.series"))</h2><ul id=\"portrait-series\">\(seriesItems.joined())</ul>"
        let portraitList: HTML =
            portraits.isEmpty
            ? "<p>\(t("portrait.none"))</p>"
            : "<ul id=\"portraits\" class=\"portraits\">\(Self.items(portraits, sponsors))</ul>"
        return .publicPage(
            Layout(title: t("portrait.list"), facts: nil).render(
                """
                <h1>\(t("portrait.list"))</h1>
                \(seriesList)
                <h2>\(t("portrait.portraits"))</h2>
                \(portraitList)
                <p><a href="\(SiteRoute.sponsorship.path)">\(t("sponsorship.title"))</a></p>
                """))
    }

    func series(_ req: Request) async throws -> Response {
        guard let s = try await PortraitStore.series(req.parameters.get("id") ?? "", on: req.db), s.published else {
            throw Abort(.notFound)
        }
        let today = req.site.clock.today
        let byID = Dictionary(
            uniqueKeysWithValues: try await PortraitStore.publicPortraits(today: today, on: req.db)
                .map { ($0.id, $0) })
        let members = s.portraitList.compactMap { byID[$0] }
        let sponsors = try await Self.sponsors(of: members, on: req.db)
        let memberList: HTML =
            members.isEmpty
            ? "<p>\(t("portrait.none"))</p>"
            : "<ol id=\"series-portraits\" class=\"portraits\">\(Self.items(members, sponsors))</ol>"
        return .publicPage(
            Layout(title: s.title, facts: nil).render(
                """
                <article class="portrait-series"><h1>\(s.title)</h1>
                <div class="body">\(Markdown.render(s.text))</div>
                \(memberList)
                <p><a href="\(SiteRoute.sponsorship.path)">\(t("sponsorship.title"))</a></p></article>
                """))
    }

    func show(_ req: Request) async throws -> Response {
        let today = req.site.clock.today
        guard
            let p = try await PortraitStore.publicPortrait(
                req.parameters.get("id") ?? "", today: today,
                on: req.db)
        else { throw Abort(.notFound) }
        let sponsors = try await Self.sponsors(of: [p], on: req.db)[p.id] ?? []
        let series = try await PortraitStore.allSeries(on: req.db)
            .filter { $0.published && $0.portraitList.contains(p.id) }
        let gathered = try await CampaignStore.gathered(publications: p.publicationIds, cases: p.caseIds, on: req.db)
        let language = Translations.current.language
        let text: HTML =
            PortraitRules.text(in: language, texts: p.texts).map { (own: String) -> HTML in
                "<div class=\"body\" id=\"portrait-text\">\(Markdown.render(own))</div>"
            } ?? "<p class=\"notice\" id=\"portrait-no-text\">\(t("portrait.no-text"))</p>"
        let photo: HTML =
            p.hasPhoto
            ? """
            <p><img src="\(SiteRoute.portraitPhoto(id: p.id).path)" alt="\(t("portrait.photo-alt", ["name": p.name]))" \
            class="portrait-photo"></p>
            """ : .empty
        let sponsorItems: [HTML] = sponsors.map { s in
            """
            <li><p><strong>\(s.name)</strong>\(s.description.isEmpty ? .empty : ", \(s.description)" as HTML)</p>\
            <blockquote>\(s.statement)</blockquote></li>
            """
        }
        let seriesItems: [HTML] = series.map {
            "<li><a href=\"\(SiteRoute.portraitSeries(id: $0.id).path)\">\($0.title)</a></li>"
        }
        let sponsorList: HTML =
            sponsorItems.isEmpty
            ? .empty
            : """
            <section aria-labelledby="sponsors"><h2 id="sponsors">\(t("portrait.sponsors"))</h2>
            <ul id="portrait-sponsors">\(sponsorItems.joined())</ul></section>
            """
        let seriesList: HTML =
            seriesItems.isEmpty
            ? .empty
            : "<p>\(t("portrait.in-series"))</p><ul id=\"portrait-in-series\">\(seriesItems.joined())</ul>"
        return .publicPage(
            Layout(title: p.name, facts: nil).render(
                """
                <article class="portrait"><h1>\(p.name)</h1>
                <p class="meta" id="portrait-consent">\(t("portrait.consent"))</p>
                \(photo)\(text)
                \(sponsorList)
                \(seriesList)
                <section aria-labelledby="gathered"><h2 id="gathered">\(t("portrait.gathered"))</h2>
                \(ListItemView.list(gathered))</section>
                </article>
                """))
    }

    func photo(_ req: Request) async throws -> Response {
        guard
            let (data, type) = try await PortraitStore.photo(
                req.parameters.get("id") ?? "",
                today: req.site.clock.today, on: req.db)
        else {
            throw Abort(.notFound)
        }
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        // Revalidated on every use: a withdrawn consent takes the photograph down at once, from caches too.
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        return response
    }
}
