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
            let session = try await SessionStore.find(
                token: token, policy: req.site.sessionPolicy, now: now, on: req.db)
        {
            if let account = try await AccountStore.find(id: session.userID, on: req.db), !account.disabled {
                if try await SecondFactorRequirement.endsSession(session, of: account, now: now, on: req.db) {
                    // Signed out: a page asks to sign in again, and sign-in leads to setting up the second factor.
                } else {
                    req.storage[SignedInKey.self] = SignedIn(account: account, session: session)
                }
            } else {
                try await SessionStore.end(session.id, on: req.db)
            }
        }
        let response: Response
        let language = req.officeLanguage
        req.storage[OfficeLanguageKey.self] = language
        do {
            response = try await Translations.$current.withValue(.of(language)) { try await next.respond(to: req) }
        } catch let redirect as Redirect {
            response = req.redirect(within: redirect.to)
        }
        if let (name, value) = CSRF.pendingCookie(for: req) { response.cookies[name] = value }
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(name: "X-Robots-Tag", value: "noindex, nofollow")
        return response
    }

    /// A cookie that scripts cannot read, sent only to this site, and only over HTTPS when the site uses it.
    static func cookie(_ value: String, for req: Request, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: value, expires: nil, maxAge: maxAge, domain: nil, path: "/",
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

/// A role that requires a second factor, given to someone signed in without one (or a second factor removed from
/// someone who needs it): their open sessions must not go on as if it had been there at sign-in. The session ends on
/// its next request, whatever the change came through (the people page, the command line, an import); signing in
/// again leads to setting up the second factor before anything else.
enum SecondFactorRequirement {
    static func endsSession(
        _ session: SignInSession, of account: Account, now: Date,
        on db: any Database
    ) async throws -> Bool {
        guard session.stage == .signedIn, account.needsSecondFactor, !account.hasSecondFactor else { return false }
        try await db.write { tx in
            try await SessionStore.end(session.id, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: account.email, action: "logout.second-factor-required",
                    recordType: "user", recordID: account.id,
                    detail: "a role now requires a second factor; session ended"),
                now: now, on: tx)
        }
        return true
    }
}
