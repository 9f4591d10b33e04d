import Fluent
import ObservatoryCore
import Vapor

/// `/search` and its feeds (a saved search readers can follow).
struct SearchController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.localizedGet(SiteRoute.Pattern.search, use: search)
        routes.localizedGet(SiteRoute.Pattern.searchRSS, negotiate: false) { try await feed($0, .rss) }
        routes.localizedGet(SiteRoute.Pattern.searchAtom, negotiate: false) { try await feed($0, .atom) }
    }

    @Sendable func search(req: Request) async throws -> Response {
        let (query, filter) = try req.searchQuery()
        let context = try await SearchPage.context(query, filter, facts: try await req.siteFacts(), on: req.db)
        return .publicPage(SearchPage.render(context))
    }

    func feed(_ req: Request, _ format: SiteRoute.FeedFormat) async throws -> Response {
        let (query, filter) = try req.searchQuery()
        let items = try await SearchQueries.search(query, filter.firstPage, on: req.db).results.map(\.publication)
        let context = FeedView.Context(
            title: FeedView.title(for: filter, search: query.text), baseURL: req.publicBaseURL,
            filter: filter.firstPage, items: items, search: query.text)
        return .publicPage(FeedView.render(format, context), contentType: format.mediaType + "; charset=utf-8")
    }
}

extension Request {
    /// `q` and the list filters; a query too long is a 400 that says so.
    func searchQuery() throws -> (SearchQuery, PublicationFilter) {
        let filter = try publicationFilter()
        let text = (query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            return (try SearchQuery(text), filter)
        } catch let problem as SearchQuery.Problem {
            guard case .tooLong(let length) = problem else { throw Abort(.badRequest, reason: problem.description) }
            throw Abort(
                .badRequest,
                reason: t(
                    "search.too-long", count: length,
                    ["max": Translations.current.number(SearchQuery.maximumLength)]))
        }
    }
}
