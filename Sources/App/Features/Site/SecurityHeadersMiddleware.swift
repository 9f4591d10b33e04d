import Foundation
import Vapor

/// Security headers on every response: a strict Content Security Policy (no inline code, nothing from
/// another host, no framing), no MIME sniffing, no referrer leaking to other sites; HSTS over HTTPS.
struct SecurityHeadersMiddleware: Middleware {
    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static let headers = [
        ("Content-Security-Policy", contentSecurityPolicy),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    ]

    /// Two years, subdomains included: browsers then refuse plain HTTP to the site (no downgrade on a hostile network).
    static let strictTransportSecurity = "max-age=63072000; includeSubDomains"

    /// Only over HTTPS: when a trusted proxy says how the reader came, that decides; otherwise the public address.
    /// (Browsers ignore the header over plain HTTP, and sending it there would be a promise the site cannot keep.)
    static func sendsStrictTransportSecurity(_ req: Request) -> Bool {
        if req.site.config.trustProxy, let proto = req.headers.first(name: "X-Forwarded-Proto") {
            return proto.trimmingCharacters(in: .whitespaces).lowercased() == "https"
        }
        return req.site.config.publicURL?.lowercased().hasPrefix("https://") == true
    }

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: req).map { response in
            for (name, value) in Self.headers { response.headers.replaceOrAdd(name: name, value: value) }
            if Self.sendsStrictTransportSecurity(req) {
                response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: Self.strictTransportSecurity)
            }
            return response
        }
    }
}
