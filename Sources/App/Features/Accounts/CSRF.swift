import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Cross-site request forgery protection for every form: a token in a hidden field that must match the
/// session's. Before sign-in, a SameSite=Strict cookie holds a random value and the form holds its HMAC under a key
/// derived from the site's key: whoever plants a cookie cannot make the matching field, and a cookie planted with
/// the same value as the field is refused. `SameOriginMiddleware` adds an Origin check.
enum CSRF {
    static let fieldName = "csrf"
    static let cookieName = "observatory_csrf"

    private struct NewCookieKey: StorageKey { typealias Value = String }

    /// The token this request's forms must carry.
    static func token(for req: Request) -> String {
        if let session = req.signedIn?.session { return session.csrfToken }
        if let cookie = preSessionCookie(req) { return preSessionToken(cookie, req) }
        if let fresh = req.storage[NewCookieKey.self] { return preSessionToken(fresh, req) }
        let fresh = AccountSecrets.randomToken()
        req.storage[NewCookieKey.self] = fresh
        return preSessionToken(fresh, req)
    }

    /// Over HTTPS the cookie is `__Host-` prefixed: browsers accept such a cookie only from this very host, over HTTPS,
    /// for the whole site, so no sibling subdomain and no plain-HTTP hop can plant one (the prefix is a browser rule).
    static func cookieName(for req: Request) -> String { req.isSecure ? "__Host-" + cookieName : cookieName }

    /// The pre-sign-in cookie's random value, when it has a plausible length.
    static func preSessionCookie(_ req: Request) -> String? {
        guard let cookie = req.cookies[cookieName(for: req)]?.string, cookie.count >= 32, cookie.count < 100 else {
            return nil
        }
        return cookie
    }

    /// What a pre-sign-in form carries for the cookie's value: its HMAC under a key only the server has.
    static func preSessionToken(_ cookie: String, _ req: Request) -> String {
        PreSessionToken.field(for: cookie, key: req.site.cipher.derivedKey(purpose: PreSessionToken.purpose))
    }

    /// The cookie to set on the response when this request created a pre-sign-in token.
    static func pendingCookie(for req: Request) -> (String, HTTPCookies.Value)? {
        req.storage[NewCookieKey.self].map {
            (cookieName(for: req), SignInMiddleware.cookie($0, for: req, maxAge: nil))
        }
    }

    static func verify(_ req: Request) throws {
        let expected: String? =
            req.signedIn?.session.csrfToken
            ?? preSessionCookie(req).map { preSessionToken($0, req) }
        guard let expected, !expected.isEmpty, constantTimeEqual(req.form.raw(fieldName), expected) else {
            throw Abort(.forbidden, reason: t("office.error.form-expired"))
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
        return req.eventLoop.makeFailedFuture(
            Abort(.forbidden, reason: "This form was sent from another site, so it was refused."))
    }

    static func isCrossSite(_ req: Request) -> Bool {
        func authority(_ url: URL) -> String? { url.host.map { host in url.port.map { "\(host):\($0)" } ?? host } }
        if let origin = req.headers.first(name: .origin) {
            guard let originAuthority = URL(string: origin).flatMap(authority) else { return true }  // "null" and junk
            let publicAuthority = req.site.config.publicURL.flatMap { URL(string: $0) }.flatMap(authority)
            return originAuthority != req.headers.first(name: .host) && originAuthority != publicAuthority
        }
        return req.headers.first(name: "Sec-Fetch-Site") == "cross-site"
    }
}
