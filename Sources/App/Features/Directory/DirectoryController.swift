import Fluent
import ObservatoryCore
import Vapor

/// The public directory: every language, page cache.
struct DirectoryController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.localizedGet(SiteRoute.Pattern.organisations, use: index)
        routes.localizedGet(SiteRoute.Pattern.organisation, use: show)
    }

    @Sendable func index(req: Request) async throws -> Response {
        let filter = try DirectoryFilter(req)
        let all = try await DirectoryQueries.all(on: req.db)
        let matching = all.filter { filter.matches($0) }
        let start = (filter.page - 1) * DirectoryFilter.pageSize
        guard start < max(matching.count, 1) else {
            throw Abort(.notFound, reason: t("error.no-page", ["n": String(filter.page)]))
        }
        let context = DirectoryPages.Context(
            filter: filter, total: matching.count,
            items: Array(matching.dropFirst(start).prefix(DirectoryFilter.pageSize)),
            counts: DirectoryQueries.counts(all, filter))
        return .publicPage(DirectoryPages.index(context))
    }

    @Sendable func show(req: Request) async throws -> Response {
        let id = req.parameters.get("id") ?? ""
        guard let organisation = try await DirectoryQueries.find(id, on: req.db) else {
            throw Abort(.notFound, reason: t("error.not-found"))
        }
        // Publications that name it: its name searched as a phrase.
        let phrase = "\"" + organisation.name.replacingOccurrences(of: "\"", with: " ") + "\""
        let mentions = (try? SearchQuery(String(phrase.prefix(SearchQuery.maximumLength)))).map { query in
            { try await SearchQueries.search(query, PublicationFilter(), on: req.db).results.map(\.publication) }
        }
        return .publicPage(
            DirectoryPages.show(
                organisation, affiliated: try await DirectoryQueries.affiliations(of: organisation, on: req.db),
                mentions: try await mentions?() ?? []))
    }
}
