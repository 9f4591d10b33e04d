import Vapor

/// The stylesheet, from memory, cached for a year under its versioned URL.
struct AssetController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let css = ByteBuffer(string: Stylesheet.text)
        routes.get(SiteRoute.Pattern.stylesheet.map(PathComponent.init)) { _ async -> Response in
            let response = Response(status: .ok, body: .init(buffer: css))
            response.headers.replaceOrAdd(name: .contentType, value: "text/css; charset=utf-8")
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=31536000, immutable")
            return response
        }
    }
}
