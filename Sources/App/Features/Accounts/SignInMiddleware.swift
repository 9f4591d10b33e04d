import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// For internal routes: finds the session behind the cookie, marks every answer private and uncacheable,
/// and sets the pre-sign-in CSRF cookie when a form needed one.
struct SignInMiddleware: AsyncMiddleware {
    static let cookieName = "observatory_session"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let now = req.site.clock.now()
        if let token = req.cookies[Self.cookieName]?.string,
           let session = try await SessionStore.find(token: token, policy: req.site.sessionPolicy, now: now, on: req.db) {
            if let account = try await AccountStore.find(id: session.userID, on: req.db), !account.disabled {
                req.storage[SignedInKey.self] = SignedIn(account: account, session: session)
            } else {
                try await SessionStore.end(session.id, on: req.db)
            }
        }
        let response: Response
        do {
            response = try await next.respond(to: req)
        } catch let redirect as Redirect {
            response = req.redirect(to: redirect.to, redirectType: .normal)
        }
        if let (name, value) = CSRF.pendingCookie(for: req) { response.cookies[name] = value }
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(name: "X-Robots-Tag", value: "noindex, nofollow")
        return response
    }

    /// A cookie that scripts cannot read, sent only to this site, and only over HTTPS when the site uses it.
    static func cookie(_ value: String, for req: Request, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, expires: nil, maxAge: maxAge, domain: nil, path: "/",
                          isSecure: req.isSecure, isHTTPOnly: true, sameSite: .strict)
    }
}

extension Request {
    /// Whether the reader reached the site over HTTPS: the public address says so, or a trusted proxy does.
    var isSecure: Bool {
        if site.config.publicURL?.hasPrefix("https://") == true { return true }
        return site.config.trustProxy && headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
    }

    /// The client's address, for sign-in throttling and the audit trail of sign-ins only.
    var clientAddress: String {
        if site.config.trustProxy, let forwarded = headers.first(name: .xForwardedFor)?.split(separator: ",").last {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }

    /// Starts (or replaces) the session cookie on `response`.
    func setSessionCookie(_ token: String, on response: Response) {
        response.cookies[SignInMiddleware.cookieName] = SignInMiddleware.cookie(token, for: self, maxAge: nil)
    }

    func clearSessionCookie(on response: Response) {
        response.cookies[SignInMiddleware.cookieName] = SignInMiddleware.cookie("", for: self, maxAge: 0)
    }
}
