import NIOConcurrencyHelpers
import NIOCore
import Vapor

extension Application {
    /// Builds the app's router once instead of on every request. A running server builds it once at start, but
    /// Vapor's in-memory test client asks `responder.current` for each request, and the default responder then
    /// registers every route into a new trie: a quarter of the whole suite's CPU time went there. The router is
    /// built again if a test adds routes or middleware after `configure`.
    func buildResponderOnce() {
        let cache = NIOLockedValueBox<(routes: Int, middleware: Int, responder: (any Vapor.Responder)?)>(
            (0, 0, nil))
        responder.use { app in
            let routes = app.routes.all.count
            let middleware = app.middleware.resolve().count
            return cache.withLockedValue { cached in
                if let built = cached.responder, cached.routes == routes, cached.middleware == middleware {
                    return built
                }
                let built = app.responder.default
                cached = (routes, middleware, built)
                return built
            }
        }
    }
}
