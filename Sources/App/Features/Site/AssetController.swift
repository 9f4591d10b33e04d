import Vapor

/// The stylesheet and the map's outlines, from memory, cached for a year under their versioned URLs.
struct AssetController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        serve(Stylesheet.text, at: SiteRoute.Pattern.stylesheet, as: "text/css; charset=utf-8", on: routes)
        serve(WorldMapOutlines.text, at: SiteRoute.Pattern.mapOutlines, as: "image/svg+xml", on: routes)
    }

    private func serve(_ text: String, at pattern: [String], as type: String, on routes: any RoutesBuilder) {
        let bytes = ByteBuffer(string: text)
        routes.get(pattern.map(PathComponent.init)) { _ async -> Response in
            let response = Response(status: .ok, body: .init(buffer: bytes))
            response.headers.replaceOrAdd(name: .contentType, value: type)
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=31536000, immutable")
            return response
        }
    }
}
