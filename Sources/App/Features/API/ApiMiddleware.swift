import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import Vapor

/// Everything under `/api/`: tokens only in the `Authorization` header, content negotiation, rate limits, CORS for
/// reads (and their preflight), 405 with `Allow`, ETag with 304, and every error as `application/problem+json`.
/// Placed inside the header guard and the security headers, so the strict CSP and the rest stay on every answer.
struct ApiMiddleware: AsyncMiddleware {
    static let corsMethods = "GET, HEAD, OPTIONS"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard ApiRoutes.covers(req.url.path) else { return try await next.respond(to: req) }
        let response: Response
        do {
            response = try await handle(req, next)
        } catch {
            response = ApiProblem.response(for: error, on: req)
        }
        if response.status.code >= 400,
            response.headers.contentType?.subType != "problem+json"
        {
            // Answers made below as pages (storage failures, body limits) become problem documents too.
            let reason =
                response.status.code < 500
                ? response.status.reasonPhrase
                : "The service cannot answer right now; nothing was changed by this request."
            let problem = ApiProblem(status: response.status, detail: reason, headers: response.headers).response()
            return finish(req, problem)
        }
        return finish(req, response)
    }

    func handle(_ req: Request, _ next: any AsyncResponder) async throws -> Response {
        let segments = req.url.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        // A token in an address ends up in logs, histories and Referer headers: refused, whatever else is asked.
        let query = req.url.query ?? ""
        if AccessToken.containsToken(query.removingPercentEncoding ?? query) || AccessToken.containsToken(query)
            || AccessToken.containsToken(req.url.path.removingPercentEncoding ?? req.url.path)
        {
            throw ApiProblem(
                status: .badRequest,
                detail: "Tokens are accepted only in the “Authorization: Bearer” "
                    + "header, never in the address. Revoke this token at /account/tokens and make a new one.")
        }
        let methods = ApiRoutes.methods(at: segments)
        if req.method == .OPTIONS {
            guard !methods.isEmpty else {
                throw ApiProblem(status: .notFound, detail: "There is no such API endpoint.")
            }
            let response = Response(status: .noContent)
            response.headers.replaceOrAdd(name: "Allow", value: allow(methods))
            response.headers.replaceOrAdd(name: "Access-Control-Allow-Methods", value: Self.corsMethods)
            response.headers.replaceOrAdd(name: "Access-Control-Allow-Headers", value: "Accept, If-None-Match")
            response.headers.replaceOrAdd(name: "Access-Control-Max-Age", value: "600")
            return response
        }
        guard !methods.isEmpty else { throw ApiProblem(status: .notFound, detail: "There is no such API endpoint.") }
        let effective: HTTPMethod = req.method == .HEAD ? .GET : req.method
        guard methods.contains(effective) else {
            throw ApiProblem(
                status: .methodNotAllowed, detail: "\(req.method.rawValue) is not allowed here.",
                headers: ["Allow": allow(methods)])
        }
        if let accept = req.headers.first(name: .accept), !Self.acceptsJSON(accept) {
            throw ApiProblem(
                status: .notAcceptable,
                detail: "This endpoint answers only application/json "
                    + "(and application/problem+json for errors).")
        }
        try await authenticate(req)
        try limit(req, write: effective != .GET)
        let response = try await next.respond(to: req)
        if effective == .GET, response.status == .ok { return try conditional(req, response) }
        return response
    }

    func allow(_ methods: [HTTPMethod]) -> String {
        var names: [String] = []
        for method in methods {
            names.append(method.rawValue)
            if method == .GET { names.append("HEAD") }
        }
        names.append("OPTIONS")
        return names.joined(separator: ", ")
    }

    /// Whether an `Accept` header allows JSON: `*/*`, `application/*`, `application/json` or
    /// `application/problem+json`, with a non-zero quality.
    static func acceptsJSON(_ accept: String) -> Bool {
        let trimmed = accept.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return true }
        return trimmed.split(separator: ",").contains { range in
            let parts = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first,
                ["*/*", "application/*", "application/json", "application/problem+json"]
                    .contains(type)
            else { return false }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return q > 0
        }
    }

    /// Reads the `Authorization` header: no header is a public request; anything but a working token is a 401
    /// (the same answer for an unknown, tampered, expired or revoked token, with the reason for its holder).
    func authenticate(_ req: Request) async throws {
        let headers = req.headers[.authorization]
        guard !headers.isEmpty else { return }
        let unauthorized = { (detail: String) in
            ApiProblem(
                status: .unauthorized, detail: detail,
                headers: ["WWW-Authenticate": "Bearer realm=\"observatory\", error=\"invalid_token\""])
        }
        guard headers.count == 1, case .success(let token) = AccessToken.bearer(headers[0]) else {
            if let refused = req.application.apiLimiter.hit(
                "a:" + source(req),
                limit: req.application.apiLimiter
                    .limits.anonymous, now: req.site.clock.now())
            {
                throw tooMany(refused)
            }
            throw unauthorized("Send one header “Authorization: Bearer obs_pat_…” with a whole token.")
        }
        let now = req.site.clock.now(), seconds = Int64(now.timeIntervalSince1970)
        guard let (stored, account) = try await AccessTokenStore.lookup(token, on: req.db) else {
            if let refused = req.application.apiLimiter.hit(
                "a:" + source(req),
                limit: req.application.apiLimiter
                    .limits.anonymous, now: now)
            {
                throw tooMany(refused)
            }
            throw unauthorized("This token is not known.")
        }
        switch stored.state(for: account, now: seconds) {
        case .active: break
        case .expired: throw unauthorized("This token has expired; make a new one at /account/tokens.")
        case .revoked: throw unauthorized("This token was revoked.")
        case .rolesChanged: throw unauthorized("This token ended when its account’s roles changed.")
        case .accountDisabled: throw unauthorized("This token’s account is disabled.")
        case .passwordChanged: throw unauthorized("This token ended when its account’s password changed.")
        }
        req.storage[ApiCallerKey.self] = ApiCaller(token: stored, account: account)
        if (stored.lastUsedAt ?? 0) < seconds - 60 {
            try await req.db.write { tx in try await AccessTokenStore.touch(stored, now: seconds, on: tx) }
        }
    }

    func limit(_ req: Request, write: Bool) throws {
        let limiter = req.application.apiLimiter, now = req.site.clock.now()
        let refused: Int? =
            if let caller = req.apiCaller {
                write
                    ? limiter.hit("w:" + caller.token.id, limit: limiter.limits.tokenWrites, now: now)
                    : limiter.hit("t:" + caller.token.id, limit: limiter.limits.tokenReads, now: now)
            } else {
                limiter.hit("a:" + source(req), limit: limiter.limits.anonymous, now: now)
            }
        if let refused { throw tooMany(refused) }
    }

    func tooMany(_ seconds: Int) -> ApiProblem {
        ApiProblem(
            status: .tooManyRequests,
            detail: "Too many requests from this source or token this minute; "
                + "try again in \(t("count.seconds", count: seconds)).", headers: ["Retry-After": String(seconds)])
    }

    /// The client address as a keyed hash: the limiter's memory holds no address.
    func source(_ req: Request) -> String { req.site.cipher.lookupHash(req.clientAddress, context: "api-rate") }

    /// A strong ETag of the body; `If-None-Match` with it (or `*`) gets 304 with no body.
    func conditional(_ req: Request, _ response: Response) throws -> Response {
        guard let buffer = response.body.buffer else { return response }
        let digest = SHA256.hash(data: buffer.readableBytesView)
        let etag = "\"" + digest.prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
        response.headers.replaceOrAdd(name: .eTag, value: etag)
        if response.headers.first(name: .cacheControl) == nil {
            response.headers.replaceOrAdd(
                name: .cacheControl,
                value: req.apiCaller == nil ? "no-cache" : "private, no-cache")
        }
        let candidates = req.headers[.ifNoneMatch].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .map { $0.hasPrefix("W/") ? String($0.dropFirst(2)) : $0 }
        guard candidates.contains(etag) || candidates.contains("*") else { return response }
        let notModified = Response(status: .notModified)
        for name in ["ETag", "Cache-Control", "Vary"] {
            if let value = response.headers.first(name: name) {
                notModified.headers.replaceOrAdd(name: name, value: value)
            }
        }
        return notModified
    }

    /// CORS for reads: any site may read the public API (it is public); writes and tokens stay same-origin.
    func finish(_ req: Request, _ response: Response) -> Response {
        if [.GET, .HEAD, .OPTIONS].contains(req.method) {
            response.headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: "*")
            response.headers.replaceOrAdd(name: "Access-Control-Expose-Headers", value: "ETag, Retry-After, Allow")
        }
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }
}
