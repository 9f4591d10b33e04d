import ObservatoryCore
import Vapor

/// `Onion-Location: http://<onion>/same/path?same=query` on public pages when `OBSERVATORY_ONION_URL` is set, so
/// Tor Browser offers the onion service. Never on internal routes (those declared with an access rule: office,
/// partner, account, sign-in), nor on the API or an address that matched no route.
struct OnionLocationMiddleware: Middleware {
    static let internalFirstSegments: Set<String> = ["office", "partner", "account", "api", "login", "logout", "setup"]

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let onion = req.site.config.onion, req.method == .GET || req.method == .HEAD else {
            return next.respond(to: req)
        }
        return next.respond(to: req).map { response in
            if Self.isPublicPage(req) {
                let location = onion.location(pathAndQuery: Self.pathAndQuery(req))
                response.headers.replaceOrAdd(name: "Onion-Location", value: location)
            }
            return response
        }
    }

    static func pathAndQuery(_ req: Request) -> String {
        var target = req.url.path.isEmpty ? "/" : req.url.path
        if let query = req.url.query, !query.isEmpty { target += "?" + query }
        return target
    }

    static func isPublicPage(_ req: Request) -> Bool {
        guard let route = req.route else { return false }
        let path = route.path.map(\.description)
        if let first = path.first, internalFirstSegments.contains(first) { return false }
        if let first = req.url.path.split(separator: "/").first, internalFirstSegments.contains(String(first)) {
            return false
        }
        return !req.site.routes.routes.contains { $0.path == path }
    }
}
