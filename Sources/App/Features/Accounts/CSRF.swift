import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Cross-site request forgery protection for every form: a token in a hidden field that must match the
/// session's (or, before sign-in, a SameSite=Strict cookie's). `SameOriginMiddleware` adds an Origin check.
enum CSRF {
    static let fieldName = "csrf"
    static let cookieName = "observatory_csrf"

    private struct NewCookieKey: StorageKey { typealias Value = String }

    /// The token this request's forms must carry.
    static func token(for req: Request) -> String {
        if let session = req.signedIn?.session { return session.csrfToken }
        if let cookie = req.cookies[cookieName]?.string, cookie.count >= 32, cookie.count < 100 { return cookie }
        if let fresh = req.storage[NewCookieKey.self] { return fresh }
        let fresh = AccountSecrets.randomToken()
        req.storage[NewCookieKey.self] = fresh
        return fresh
    }

    /// The cookie to set on the response when this request created a pre-sign-in token.
    static func pendingCookie(for req: Request) -> (String, HTTPCookies.Value)? {
        req.storage[NewCookieKey.self].map { (cookieName, SignInMiddleware.cookie($0, for: req, maxAge: nil)) }
    }

    static func verify(_ req: Request) throws {
        let expected: String? = req.signedIn?.session.csrfToken ?? req.cookies[cookieName]?.string
        guard let expected, !expected.isEmpty, constantTimeEqual(req.form.raw(fieldName), expected) else {
            throw Abort(.forbidden, reason: "This form has expired or did not come from this site. Go back, reload the page and try again.")
        }
    }

    /// The hidden field every form includes.
    static func field(_ token: String) -> HTML { "<input type=\"hidden\" name=\"\(fieldName)\" value=\"\(token)\">" }
}

/// Refuses state-changing requests sent from another site (by Origin, or Sec-Fetch-Site when Origin is absent).
/// Written on futures: on every request, including public pages served from memory, it costs no task.
struct SameOriginMiddleware: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard req.method != .GET && req.method != .HEAD, Self.isCrossSite(req) else { return next.respond(to: req) }
        return req.eventLoop.makeFailedFuture(Abort(.forbidden, reason: "This form was sent from another site, so it was refused."))
    }

    static func isCrossSite(_ req: Request) -> Bool {
        func authority(_ url: URL) -> String? { url.host.map { host in url.port.map { "\(host):\($0)" } ?? host } }
        if let origin = req.headers.first(name: .origin) {
            guard let originAuthority = URL(string: origin).flatMap(authority) else { return true }   // "null" and junk
            let publicAuthority = req.site.config.publicURL.flatMap { URL(string: $0) }.flatMap(authority)
            return originAuthority != req.headers.first(name: .host) && originAuthority != publicAuthority
        }
        return req.headers.first(name: "Sec-Fetch-Site") == "cross-site"
    }
}
