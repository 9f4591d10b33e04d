import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Serves anonymous public pages from rendered copies (see `PageCache`), answers `If-None-Match` with 304,
/// and sets the validators and cache headers. The content version doubles as the ETag.
/// Written on futures, not async/await: a page served from memory then costs no task and no database access.
struct PublicPageMiddleware: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard req.method == .GET || req.method == .HEAD else { return next.respond(to: req) }
        if let snapshot = req.site.contentWatcher.recent() {
            return respond(to: req, at: snapshot, chainingTo: next)
        }
        return req.eventLoop.makeFutureWithTask { try await req.site.contentWatcher.current(on: req.db) }
            .flatMap { respond(to: req, at: $0, chainingTo: next) }
    }

    func respond(
        to req: Request, at snapshot: ContentVersion.Snapshot, chainingTo next: any Responder
    ) -> EventLoopFuture<Response> {
        let site = req.site
        let day = site.clock.today.daysSinceEpoch
        req.storage[ContentSnapshotKey.self] = snapshot
        let key = "\(day)|\(req.headers.first(name: .host) ?? "")|\(req.url.string)"
        let etag = "\"\(snapshot.version)-\(day)-\(Self.hash(key))\""

        if let match = req.headers.first(name: .ifNoneMatch),
            match.split(separator: ",").contains(where: {
                $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "") == etag
            })
        {
            let response = Response(status: .notModified)
            Self.setValidators(response, etag: etag, snapshot: snapshot)
            return req.eventLoop.makeSucceededFuture(response)
        }
        if let page = site.pageCache.page(key, version: snapshot.version) {
            let response = Response(status: .ok, body: .init(buffer: page.body))
            response.headers.replaceOrAdd(name: .contentType, value: page.contentType)
            Self.setValidators(response, etag: etag, snapshot: snapshot)
            return req.eventLoop.makeSucceededFuture(response)
        }
        return next.respond(to: req).map { response in
            guard response.status == .ok, response.storage[CacheableKey.self] == true else { return response }
            if let body = response.body.buffer, let type = response.headers.first(name: .contentType) {
                site.pageCache.store(.init(body: body, contentType: type), for: key, version: snapshot.version)
            }
            Self.setValidators(response, etag: etag, snapshot: snapshot)
            return response
        }
    }

    static func setValidators(_ response: Response, etag: String, snapshot: ContentVersion.Snapshot) {
        response.headers.replaceOrAdd(name: .eTag, value: etag)
        response.headers.replaceOrAdd(name: .lastModified, value: snapshot.lastModified)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
    }

    /// FNV-1a, to keep ETags short.
    static func hash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 36)
    }
}

struct ContentSnapshotKey: StorageKey { typealias Value = ContentVersion.Snapshot }
/// Set on a response that is the same for every anonymous reader and may be cached.
struct CacheableKey: StorageKey { typealias Value = Bool }

extension Request {
    /// The header facts for this request's content version, computed once per version and day.
    func siteFacts() async throws -> Layout.Facts {
        let services = self.site
        let snapshot = try await contentSnapshot()
        let today = services.clock.today
        if let facts = services.pageCache.facts(version: snapshot.version, day: today.daysSinceEpoch) { return facts }
        let facts = Layout.Facts(
            articles: try await PublicationQueries.count(PublicationFilter(), on: db),
            new: try await PublicationQueries.count(
                publishedSince: today.adding(days: 1 - services.config.newDays), on: db))
        services.pageCache.storeFacts(facts, version: snapshot.version, day: today.daysSinceEpoch)
        return facts
    }
}

extension Request {
    /// The content version this request is served at (read once by `PublicPageMiddleware`).
    func contentSnapshot() async throws -> ContentVersion.Snapshot {
        if let known = storage[ContentSnapshotKey.self] { return known }
        return try await site.contentWatcher.current(on: db)
    }

    /// A filter's counts, computed once per content version.
    func filterCounts(_ filter: PublicationFilter) async throws -> PageCache.FilterCounts {
        let snapshot = try await contentSnapshot()
        let key = SiteRoute.publications(filter.firstPage).unprefixedPath  // the same counts in every language
        if let counts = site.pageCache.counts(key, version: snapshot.version) { return counts }
        let counts = try await PublicationIndexPage.counts(filter, on: db)
        site.pageCache.storeCounts(counts, for: key, version: snapshot.version)
        return counts
    }
}

extension Response {
    /// A public page, the same for every anonymous reader.
    static func publicPage(
        _ html: some CustomStringConvertible, contentType: String = "text/html; charset=utf-8"
    ) -> Response {
        let response = Response(status: .ok, body: .init(string: html.description))
        response.headers.replaceOrAdd(name: .contentType, value: contentType)
        response.storage[CacheableKey.self] = true
        return response
    }
}

extension Response {
    /// A public page with a form (its own CSRF token): never cached, and it sets the form's CSRF cookie when the
    /// request made one. The report form, subscriptions, calls for input, taking action.
    static func privatePage(
        _ html: some CustomStringConvertible, for req: Request, status: HTTPStatus = .ok
    ) -> Response {
        let response = Response(status: status, body: .init(string: html.description))
        response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if let (name, cookie) = CSRF.pendingCookie(for: req) { response.cookies[name] = cookie }
        return response
    }
}
