import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import Vapor

/// The endpoints of `/api/v1`, as registered and as `openapi.json` describes them (a test holds the three equal).
enum ApiRoutes {
    struct Endpoint: Sendable, Hashable {
        let method: HTTPMethod
        let path: [String]
        var openAPIPath: String {
            "/" + path.map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : $0 }.joined(separator: "/")
        }
        static func == (a: Endpoint, b: Endpoint) -> Bool { a.method == b.method && a.path == b.path }
        func hash(into hasher: inout Hasher) { hasher.combine(method.rawValue); hasher.combine(path) }
    }

    static let prefix = ["api", "v1"]
    static let openAPI = Endpoint(method: .GET, path: prefix + ["openapi.json"])
    static let publications = Endpoint(method: .GET, path: prefix + ["publications"])
    static let publication = Endpoint(method: .GET, path: prefix + ["publications", ":id"])
    static let countries = Endpoint(method: .GET, path: prefix + ["countries"])
    static let organisations = Endpoint(method: .GET, path: prefix + ["organisations"])
    static let organisation = Endpoint(method: .GET, path: prefix + ["organisations", ":id"])
    static let search = Endpoint(method: .GET, path: prefix + ["search"])
    static let missions = Endpoint(method: .GET, path: prefix + ["missions"])
    static let statistics = Endpoint(method: .GET, path: prefix + ["statistics"])
    static let createPublication = Endpoint(method: .POST, path: prefix + ["publications"])
    static let updatePublication = Endpoint(method: .PATCH, path: prefix + ["publications", ":id"])
    static let draft = Endpoint(method: .GET, path: prefix + ["drafts", ":id"])

    static let all = [
        openAPI, publications, publication, countries, organisations, organisation, search, missions,
        createPublication, updatePublication, draft, statistics
    ]

    /// The methods any endpoint allows at `path` (segments), for 405 and preflight answers.
    static func methods(at path: [String]) -> [HTTPMethod] {
        all.filter { endpoint in
            endpoint.path.count == path.count
                && zip(endpoint.path, path).allSatisfy { pattern, segment in
                    pattern.hasPrefix(":") ? !segment.isEmpty : pattern == segment
                }
        }.map(\.method)
    }
}

/// Requests per minute an instance accepts from one source. Buckets are kept apart so that nobody can spend
/// someone else's: anonymous reads count per source address (a keyed hash, in memory only); a request with a valid
/// token counts against that token alone, never against its address; a wrong token costs its sender's address
/// only, and never locks the token's owner out.
final class ApiRateLimiter: Sendable {
    struct Limits: Sendable { var anonymous = 300, tokenReads = 1_200, tokenWrites = 120 }
    let limits: Limits
    private let buckets = NIOLockedValueBox<[String: (minute: Int64, hits: Int)]>([:])

    init(limits: Limits = Limits()) { self.limits = limits }

    /// `OBSERVATORY_API_LIMITS=ANON,READS,WRITES` (requests a minute) replaces the defaults of 300, 1200, 120.
    static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment
    ) throws
        -> ApiRateLimiter
    {
        guard let raw = env["OBSERVATORY_API_LIMITS"], !raw.isEmpty else { return ApiRateLimiter() }
        let numbers = raw.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 3, numbers.allSatisfy({ (1...1_000_000).contains($0) }) else {
            throw AppConfig.Invalid(problems: [
                "OBSERVATORY_API_LIMITS: give three numbers of requests a minute, "
                    + "ANON,READS,WRITES (e.g. 300,1200,120), not “\(raw.prefix(40))”"
            ])
        }
        return ApiRateLimiter(limits: Limits(anonymous: numbers[0], tokenReads: numbers[1], tokenWrites: numbers[2]))
    }

    /// Counts one hit in `bucket`; nil when allowed, else the seconds until the next minute.
    func hit(_ bucket: String, limit: Int, now: Date) -> Int? {
        let seconds = Int64(now.timeIntervalSince1970), minute = seconds / 60
        return buckets.withLockedValue { buckets in
            if buckets.count > 50_000 { buckets = buckets.filter { $0.value.minute == minute } }
            var entry: (minute: Int64, hits: Int) =
                buckets[bucket].flatMap { $0.minute == minute ? $0 : nil }
                ?? (minute, 0)
            entry.hits += 1
            buckets[bucket] = entry
            return entry.hits > limit ? Int(60 - seconds % 60) : nil
        }
    }
}

extension Application {
    private struct ApiLimiterKey: StorageKey { typealias Value = ApiRateLimiter }
    /// The API's rate limiter (tests may set tighter limits before requests arrive).
    var apiLimiter: ApiRateLimiter {
        get {
            if let limiter = storage[ApiLimiterKey.self] { return limiter }
            let made = ApiRateLimiter()
            storage[ApiLimiterKey.self] = made
            return made
        }
        set { storage[ApiLimiterKey.self] = newValue }
    }
}

/// Everything under `/api/`: tokens only in the `Authorization` header, content negotiation, rate limits, CORS for
/// reads (and their preflight), 405 with `Allow`, ETag with 304, and every error as `application/problem+json`.
/// Placed inside the header guard and the security headers, so the strict CSP and the rest stay on every answer.
struct ApiMiddleware: AsyncMiddleware {
    static let corsMethods = "GET, HEAD, OPTIONS"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard req.url.path == "/api" || req.url.path.hasPrefix("/api/") else { return try await next.respond(to: req) }
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
