import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// The public publication site: home, lists, country pages, articles and feeds.
struct PublicationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.localizedGet(SiteRoute.Pattern.home, use: home)
        routes.localizedGet(SiteRoute.Pattern.publications, use: index)
        routes.localizedGet(SiteRoute.Pattern.rss, negotiate: false) { try await feed($0, .rss) }
        routes.localizedGet(SiteRoute.Pattern.atom, negotiate: false) { try await feed($0, .atom) }
        routes.localizedGet(SiteRoute.Pattern.publication, use: show)
        routes.localizedGet(SiteRoute.Pattern.countries, use: countries)
        routes.localizedGet(SiteRoute.Pattern.country, use: country)
        routes.localizedGet(SiteRoute.Pattern.map, use: map)
    }

    @Sendable func home(req: Request) async throws -> Response {
        let filter = try req.publicationFilter()
        guard filter.isEmpty else { throw Abort(.badRequest, reason: t("error.home-filter")) }
        let context = try await HomePage.context(page: filter.page, facts: try await req.siteFacts(), on: req.db)
        guard filter.page == 1 || !context.items.isEmpty else {
            throw Abort(.notFound, reason: t("error.no-page", ["n": String(filter.page)]))
        }
        return .publicPage(HomePage.render(context))
    }

    @Sendable func index(req: Request) async throws -> Response {
        let filter = try req.publicationFilter()
        let context = try await PublicationIndexPage.context(
            filter, countryPage: false, facts: try await req.siteFacts(),
            counts: try await req.filterCounts(filter), on: req.db)
        return .publicPage(PublicationIndexPage.render(context))
    }

    @Sendable func country(req: Request) async throws -> Response {
        let code = req.parameters.get("code") ?? ""
        guard let country = CountryDirectory.shared.country(code: code) else {
            throw Abort(.notFound, reason: t("error.no-country", ["code": String(code.prefix(20))]))
        }
        if code != country.slug {
            var filter = try req.publicationFilter()
            filter.country = nil
            return req.redirect(within: SiteRoute.country(country, filter).path, permanent: true)
        }
        var filter = try req.publicationFilter()
        filter.country = country
        let context = try await PublicationIndexPage.context(
            filter, countryPage: true, facts: try await req.siteFacts(),
            counts: try await req.filterCounts(filter), on: req.db)
        return .publicPage(PublicationIndexPage.render(context))
    }

    @Sendable func map(req: Request) async throws -> Response {
        var filter = try req.publicationFilter().firstPage
        filter.country = nil
        let counts = try await req.filterCounts(filter).facets[.country] ?? [:]
        return .publicPage(
            MapPage.render(MapPage.Context(filter: filter, facts: try await req.siteFacts(), counts: counts)))
    }

    @Sendable func countries(req: Request) async throws -> Response {
        let context = try await CountriesPage.context(facts: try await req.siteFacts(), on: req.db)
        return .publicPage(CountriesPage.render(context))
    }

    @Sendable func show(req: Request) async throws -> Response {
        let id = req.parameters.get("id") ?? ""
        guard let context = try await PublicationShowPage.context(id: id, facts: try await req.siteFacts(), on: req.db)
        else {
            throw Abort(.notFound, reason: t("error.no-publication", ["id": String(id.prefix(80))]))
        }
        var page = context
        page.baseURL = req.publicBaseURL
        return .publicPage(PublicationShowPage.render(page))
    }

    func feed(_ req: Request, _ format: SiteRoute.FeedFormat) async throws -> Response {
        let filter = try req.publicationFilter().firstPage
        let items = try await PublicationQueries.list(filter, on: req.db)
        let context = FeedView.Context(
            title: FeedView.title(for: filter), baseURL: req.publicBaseURL, filter: filter, items: items)
        return .publicPage(FeedView.render(format, context), contentType: format.mediaType + "; charset=utf-8")
    }
}

extension Request {
    func publicationFilter() throws -> PublicationFilter {
        var query: [String: String] = [:]
        for item in url.query.map({ URLComponents(string: "?" + $0)?.queryItems ?? [] }) ?? [] {
            query[item.name] = item.value ?? ""
        }
        do {
            return try PublicationFilter(query: query)
        } catch let invalid as PublicationFilter.Invalid {
            throw Abort(.badRequest, reason: invalid.message)
        }
    }

    /// The site's public address for absolute links: configured, or else taken from a well-formed Host header.
    var publicBaseURL: String {
        if let configured = site.config.publicURL { return configured }
        let host = headers.first(name: .host) ?? "localhost"
        let safe =
            !host.isEmpty && host.count < 256
            && host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) }
        return "http://" + (safe ? host : "localhost")
    }
}
