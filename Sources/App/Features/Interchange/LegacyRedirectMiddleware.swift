import Fluent
import ObservatoryCore
import Vapor

/// Old addresses keep working: a GET for a path no route answers (`/2016/09/30/slug/`, `/category/x/`, `/feed/`),
/// or for the home page with WordPress's own query (`/?p=123`, `/?cat=4`), that an import remembered
/// (`legacy_paths`) gets a 301 to its new page or list, always on this site. Anything else is left as it was:
/// an unknown old path stays 404, the home page stays the home page.
struct LegacyRedirectMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard req.method == .GET || req.method == .HEAD else { return try await next.respond(to: req) }
        let path = req.url.path
        let query = req.url.query ?? ""
        if path == "/" || path.hasSuffix("/index.php"), !query.isEmpty, Self.hasWordPressQuery(query),
            let target = try await LegacyPaths.target(path: path, query: query, on: req.db)
        {
            return req.redirect(within: target, permanent: true)
        }
        do {
            let response = try await next.respond(to: req)
            guard response.status == .notFound, let target = try await lookUp(req) else { return response }
            return req.redirect(within: target, permanent: true)
        } catch let error as any AbortError where error.status == .notFound {
            guard let target = try await lookUp(req) else { throw error }
            return req.redirect(within: target, permanent: true)
        }
    }

    private func lookUp(_ req: Request) async throws -> String? {
        try await LegacyPaths.target(path: req.url.path, query: req.url.query ?? "", on: req.db)
    }

    static func hasWordPressQuery(_ query: String) -> Bool {
        query.split(separator: "&").contains { part in
            LegacyPath.queryParameters.contains(String(part.prefix { $0 != "=" }).lowercased())
        }
    }
}
