import ObservatoryCore
import Vapor

/// Turns every error into a page in the site's design: 404 and 400 name the problem; anything else is a
/// plain 500 that reveals nothing of the server's internals (the details go to the log, without request data).
struct ErrorPageMiddleware: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: req).flatMapErrorThrowing { error in
            let status: HTTPResponseStatus
            let message: String
            var headers = HTTPHeaders()
            // Vapor answers a DecodingError 400 with the cell it could not read in its reason: no request is decoded
            // that way here, so it is a stored value that no longer reads, a server error, told without the value
            // (review r16, finding 2).
            if let abort = error as? any AbortError, !SafeError.isStoredValueError(error) {
                status = abort.status
                message = status.code < 500 ? abort.reason : ""
                headers = abort.headers
            } else {
                status = .internalServerError
                message = ""
            }
            if status.code >= 500 {
                // The route's pattern, not the path (it may hold a one-time token), and the error's short description
                // (never `String(reflecting:)`, which can print a query's bound values).
                let route =
                    req.route.map { "\($0.method) /" + $0.path.map(\.description).joined(separator: "/") }
                    ?? "\(req.method) (no route)"
                req.logger.error("\(route) failed: \(type(of: error)): \(SafeError.told(error))")
            }
            // An office or partner page's error is in the person's language (set by `SignInMiddleware`).
            let language = req.storage[OfficeLanguageKey.self] ?? Language.of(path: req.url.path)
            return Translations.$current.withValue(.of(language)) {
                Self.page(
                    status: status, message: message.isEmpty ? t("error.server-message") : message, headers: headers)
            }
        }
    }

    static func page(status: HTTPResponseStatus, message: String, headers: HTTPHeaders = [:]) -> Response {
        let title =
            switch status.code {
            case 404: t("error.not-found")
            case 400: t("error.bad-request")
            case 405: t("error.not-allowed")
            default: status.code < 500 ? status.reasonPhrase : t("error.server")
            }
        let html = Layout(title: title, facts: nil).render(
            """
            <h1>\(title)</h1>
            <p class="notice">\(message)</p>
            <p><a href="\(SiteRoute.home(page: 1).path)">\(t("error.latest"))</a> · <a \
            href="\(SiteRoute.publications(PublicationFilter()).path)">\(t("error.browse"))</a></p>
            """)
        let response = Response(status: status, headers: headers, body: .init(string: html.rendered))
        response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
