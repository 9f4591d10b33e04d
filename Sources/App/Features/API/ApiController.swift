import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// `/api/v1`: the public site as JSON, read-only and built from the pages' own public queries and types, plus the
/// token-authenticated writes of `ApiWrites`. `ApiMiddleware` does negotiation, limits, CORS, ETag and errors.
struct ApiController: Sendable {
    static let filterParameters: Set<String> = ["type", "programme", "country", "language", "year"]

    func boot(_ app: Application) {
        let writes = ApiWrites()
        register(app, ApiRoutes.openAPI, openAPI)
        register(app, ApiRoutes.publications, publications)
        register(app, ApiRoutes.publication, publication)
        register(app, ApiRoutes.countries, countries)
        register(app, ApiRoutes.organisations, organisations)
        register(app, ApiRoutes.organisation, organisation)
        register(app, ApiRoutes.search, search)
        register(app, ApiRoutes.missions, missions)
        register(app, ApiRoutes.statistics, statistics)
        register(app, ApiRoutes.createPublication, maxBody: "2mb", writes.create)
        register(app, ApiRoutes.updatePublication, maxBody: "2mb", writes.update)
        register(app, ApiRoutes.draft, writes.draft)
    }

    func register(
        _ app: Application, _ endpoint: ApiRoutes.Endpoint, maxBody: ByteCount = "64kb",
        _ handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        let writes = endpoint.method == .POST || endpoint.method == .PATCH
        let route = app.on(
            endpoint.method, endpoint.path.map(PathComponent.init),
            body: writes ? .collect(maxSize: maxBody) : .collect, use: handler)
        if writes { route.maxBody = maxBody.value }
    }

    static func json(_ value: some Encodable, status: HTTPStatus = .ok) throws -> Response {
        let response = Response(status: status, body: .init(data: try ApiModel.encoder.encode(value)))
        response.headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        return response
    }

    static let description: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "Resources/API"),
            let data = try? Data(contentsOf: url)
        else {
            fatalError("Resources/API/openapi.json is missing from the bundle")
        }
        return data
    }()

    @Sendable func openAPI(req: Request) async throws -> Response {
        _ = try ApiQuery(req, allowed: [])
        let response = Response(status: .ok, body: .init(data: Self.description))
        response.headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        return response
    }

    /// Publications, newest first, under every filter of the public list; cursor paging by (date, id).
    @Sendable func publications(req: Request) async throws -> Response {
        let query = try ApiQuery(req, allowed: Self.filterParameters.union(["cursor", "limit"]))
        let filter = try query.publicationFilter()
        let limit = try query.integer("limit", in: 1...100, default: PublicationFilter.pageSize)
        var after: PageCursor? = nil
        if let raw = query["cursor"] {
            guard let cursor = PageCursor(raw) else {
                throw ApiProblem.badParameter(
                    "cursor",
                    "This cursor was not made by this server (or was changed): "
                        + "use the next_cursor of a previous answer, or none.")
            }
            after = cursor
        }
        let items = try await Self.page(filter, after: after, limit: limit + 1, on: req.db)
        let counts = try await req.filterCounts(filter)
        let shown = Array(items.prefix(limit))
        let next =
            items.count > limit
            ? shown.last.flatMap { last in
                CivilDate(last.publishedOn).map { PageCursor(date: $0, id: last.id).encoded }
            } : nil
        var facets: [String: [String: Int]] = [:]
        for (facet, values) in counts.facets { facets[String(describing: facet)] = values }
        return try Self.json(
            ApiModel.PublicationPage(
                items: shown.map(ApiModel.Publication.init), total: counts.total,
                nextCursor: next, facets: facets))
    }

    /// One page after `cursor` in the list's order (`published_on DESC, id DESC`), published only.
    static func page(
        _ filter: PublicationFilter, after cursor: PageCursor?, limit: Int,
        on db: any Database
    ) async throws -> [PublicationSummary] {
        let position: SQLQueryString =
            cursor.map { c in
                "AND (p.published_on < \(bind: c.date.description) OR (p.published_on = \(bind: c.date.description) "
                    + "AND p.id < \(bind: c.id)))"
            } ?? ""
        let sql: SQLQueryString = """
            SELECT \(unsafeRaw: PublicationSummary.columns) FROM publications p
            WHERE \(PublicationQueries.conditions(filter)) \(position)
            ORDER BY p.published_on DESC, p.id DESC LIMIT \(literal: limit)
            """
        return try await db.sql.raw(sql).all().map(PublicationSummary.init(row:))
    }

    @Sendable func publication(req: Request) async throws -> Response {
        _ = try ApiQuery(req, allowed: [])
        let id = req.parameters.get("id") ?? ""
        guard PageCursor.isID(id),
            let context = try await PublicationShowPage.context(
                id: id,
                facts: Layout.Facts(articles: 0, new: 0), on: req.db)
        else {
            throw ApiProblem(status: .notFound, detail: "There is no published publication “\(id.prefix(80))”.")
        }
        return try Self.json(ApiModel.PublicationDetail(context))
    }

    @Sendable func countries(req: Request) async throws -> Response {
        _ = try ApiQuery(req, allowed: [])
        let counts = try await PublicationQueries.counts(of: .country, PublicationFilter(), on: req.db)
        let items = counts.compactMap { code, n in
            CountryDirectory.shared.country(code: code).map { country in
                ApiModel.Country(
                    code: country.code, slug: country.slug, name: country.name, count: n,
                    url: SiteRoute.country(country, PublicationFilter()).path)
            }
        }.sorted { $0.code < $1.code }
        return try Self.json(ApiModel.CountryList(items: items))
    }

    @Sendable func organisations(req: Request) async throws -> Response {
        _ = try ApiQuery(req, allowed: ["country", "type", "network", "language", "q", "page"])
        let filter = try DirectoryFilter(req)
        let all = try await DirectoryQueries.all(on: req.db)
        let matching = all.filter { filter.matches($0) }
        let start = (filter.page - 1) * DirectoryFilter.pageSize
        let counts = DirectoryQueries.counts(all, filter).mapValues { pairs in
            Dictionary(pairs.map { ($0.0, $0.1) }, uniquingKeysWith: +)
        }
        return try Self.json(
            ApiModel.OrganisationPage(
                items: matching.dropFirst(start).prefix(DirectoryFilter.pageSize).map(ApiModel.Organisation.init),
                total: matching.count, page: filter.page, pageSize: DirectoryFilter.pageSize, facets: counts))
    }

    @Sendable func organisation(req: Request) async throws -> Response {
        _ = try ApiQuery(req, allowed: [])
        let id = req.parameters.get("id") ?? ""
        guard PageCursor.isID(id), let entry = try await DirectoryQueries.find(id, on: req.db) else {
            throw ApiProblem(
                status: .notFound,
                detail: """
                    There is no organisation “\(id.prefix(80))” in the directory.
                    """)
        }
        var organisation = ApiModel.Organisation(entry)
        organisation.description = entry.description ?? ""
        organisation.affiliations = try await DirectoryQueries.affiliations(of: entry, on: req.db).map(\.id)
        return try Self.json(organisation)
    }

    @Sendable func search(req: Request) async throws -> Response {
        let query = try ApiQuery(req, allowed: Self.filterParameters.union(["q", "page"]))
        var filter = try query.publicationFilter()
        filter.page = try query.integer("page", in: 1...1_000, default: 1)
        let text = query["q"] ?? ""
        guard !text.isEmpty else { throw ApiProblem.badParameter("q", "Give the words to search for in “q”.") }
        let search: SearchQuery
        do { search = try SearchQuery(text) } catch let problem as SearchQuery.Problem {
            throw ApiProblem.badParameter("q", problem.description)
        }
        let found = try await SearchQueries.search(search, filter, on: req.db)
        return try Self.json(
            ApiModel.SearchPage(
                query: text, total: found.total, page: filter.page,
                pageSize: PublicationFilter.pageSize,
                items: found.results.map(ApiModel.SearchHit.init)))
    }

    @Sendable func missions(req: Request) async throws -> Response {
        _ = try ApiQuery(req, allowed: [])
        return try Self.json(
            ApiModel.MissionList(
                items: try await MissionStore.published(on: req.db)
                    .map(ApiModel.Mission.init)))
    }
}
