import ObservatoryCore
import Vapor

extension Request {
    /// The only way this app redirects: `target` when it is a path on this site (`RedirectTarget.sameSite`),
    /// else `fallback`. 303 See Other, or 301 for an address that moved for good.
    /// Every redirect goes through here, whoever chose the target; a test fails on any other `redirect(to:`.
    func redirect(within target: String, fallback: String = "/", permanent: Bool = false) -> Response {
        let location = RedirectTarget.sameSite(target, fallback: fallback)
        return redirect(to: location, redirectType: permanent ? .permanent : .normal)
    }
}

/// The outermost guard: refuses to send a response whose header names or values hold a control character
/// (CR/LF would split the response: a forged header, cookie or page), whatever produced them. A correct route
/// never reaches it; when one does, the reader gets a plain 500 and the log names the header, never its value.
struct HeaderGuardMiddleware: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: req).map { response in
            guard let bad = Self.firstUnsafeHeader(response.headers) else { return response }
            let route =
                req.route.map { "\($0.method) /" + $0.path.map(\.description).joined(separator: "/") }
                ?? "\(req.method) (no route)"
            req.logger.error("\(route): refused a response whose \(bad) header holds a control character")
            return Self.refusal()
        }
    }

    /// The name of the first header holding a control character (in its name or its value), or nil.
    static func firstUnsafeHeader(_ headers: HTTPHeaders) -> String? {
        for (name, value) in headers where HeaderText.hasControl(name) || HeaderText.hasControl(value) {
            return HeaderText.hasControl(name) ? "(unprintable)" : name
        }
        return nil
    }

    static func refusal() -> Response {
        var headers = HTTPHeaders()
        for (name, value) in SecurityHeadersMiddleware.headers { headers.replaceOrAdd(name: name, value: value) }
        headers.replaceOrAdd(name: .contentType, value: "text/plain; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(
            status: .internalServerError, headers: headers,
            body: .init(string: "The server could not answer this request.\n"))
    }
}
