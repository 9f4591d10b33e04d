import Vapor

/// The stylesheet and the map's outlines, from memory, cached for a year under their versioned URLs.
struct AssetController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let css = ByteBuffer(string: Stylesheet.text)
        routes.get(SiteRoute.Pattern.stylesheet.map(PathComponent.init)) { _ async -> Response in
            let response = Response(status: .ok, body: .init(buffer: css))
            response.headers.replaceOrAdd(name: .contentType, value: "text/css; charset=utf-8")
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=31536000, immutable")
            return response
        }
        let outlines = ByteBuffer(string: WorldMapOutlines.text)
        routes.get(SiteRoute.Pattern.mapOutlines.map(PathComponent.init)) { _ async -> Response in
            let response = Response(status: .ok, body: .init(buffer: outlines))
            response.headers.replaceOrAdd(name: .contentType, value: "image/svg+xml")
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=31536000, immutable")
            return response
        }
    }
}
