import Foundation
import ObservatoryCore
import Vapor

/// Public pages exist in every interface language: English at `/…`, the others under `/fr/…`, `/es/…`, `/ar/…`.
/// A handler runs with `Translations.current` set to the page's language, so every text (`t(_:)`) and every link
/// (`SiteRoute.path`) of the page follows it.
extension Language {
    var pathPrefix: String { self == .en ? "" : "/" + rawValue }

    /// The language a path is in, from its prefix.
    static func of(path: String) -> Language {
        for language in Language.allCases where language != .en {
            if path == language.pathPrefix || path.hasPrefix(language.pathPrefix + "/") { return language }
        }
        return .en
    }
}

/// The address of the page being built, without its language prefix (for the language switcher and `hreflang`).
enum PageAddress {
    @TaskLocal static var current: String = "/"
}

extension RoutesBuilder {
    /// Registers a public page for every language, behind the page cache. The English (unprefixed) address also
    /// sends a first-time visitor whose browser prefers French, Spanish or Arabic to that language (`negotiate`).
    func localizedGet(
        _ pattern: [String], negotiate: Bool = true, use handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        for language in Language.allCases {
            let prefix = language == .en ? [] : [language.rawValue]
            let group =
                language == .en && negotiate
                ? grouped(LanguageNegotiationMiddleware(), PublicPageMiddleware()) : grouped(PublicPageMiddleware())
            group.get((prefix + pattern).map(PathComponent.init)) { req in
                try await req.localized(language) { try await handler(req) }
            }
        }
    }
}

extension RoutesBuilder {
    /// The routes of a page in `language`: the English (plain) address of a public form honours the reader's
    /// language as `localizedGet` does (`LanguageNegotiationMiddleware`, GET only).
    func reader(_ language: Language) -> any RoutesBuilder {
        language == .en ? grouped(LanguageNegotiationMiddleware()) : self
    }
}

extension Request {
    /// Runs `body` with the page's language and address set.
    func localized<T: Sendable>(_ language: Language, _ body: () async throws -> T) async throws -> T {
        var address = String(url.path.dropFirst(language.pathPrefix.count))
        if address.isEmpty { address = "/" }
        if let query = url.query, !query.isEmpty { address += "?" + query }
        return try await Translations.$current.withValue(.of(language)) {
            try await PageAddress.$current.withValue(address) { try await body() }
        }
    }
}

/// On an English (plain) address: a reader who chose a language with the language switcher (kept in a cookie) is
/// sent to that language, whatever the browser says; one who never chose (or whose cookie names no language we
/// have) and whose browser prefers French, Spanish or Arabic is sent to it; everyone else gets English. An
/// address with a language prefix is never redirected. Runs before the page cache, so a plain address only ever
/// caches and serves the English page, and a reader who chose another language never reaches it.
struct LanguageNegotiationMiddleware: Middleware {
    static let cookieName = "observatory_language"

    /// The language a request's plain address is to be shown in: the remembered choice, else the browser's.
    static func wanted(_ req: Request) -> Language? {
        if let chosen = req.cookies[cookieName].flatMap({ Language(rawValue: $0.string) }) { return chosen }
        return preferred(req.headers.first(name: .acceptLanguage))
    }

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        if req.method == .GET || req.method == .HEAD, let preferred = Self.wanted(req), preferred != .en {
            var target = preferred.pathPrefix + (req.url.path == "/" ? "/" : req.url.path)
            if let query = req.url.query, !query.isEmpty { target += "?" + query }
            let response = req.redirect(within: target)
            response.headers.replaceOrAdd(name: .vary, value: "Accept-Language, Cookie")
            return req.eventLoop.makeSucceededFuture(response)
        }
        return next.respond(to: req).map { response in
            response.headers.replaceOrAdd(name: .vary, value: "Accept-Language, Cookie")
            return response
        }
    }

    /// The supported language the browser likes best (`fr-CH, fr;q=0.9, en;q=0.8` → fr), or nil.
    static func preferred(_ header: String?) -> Language? {
        guard let header else { return nil }
        let ranked = header.split(separator: ",").compactMap { part -> (Language, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), let language = Language(rawValue: String(tag.prefix(2))) else {
                return nil
            }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0 ? (language, quality) : nil
        }
        return ranked.enumerated().max { a, b in
            a.element.1 < b.element.1 || (a.element.1 == b.element.1 && a.offset > b.offset)
        }?.element.0
    }
}

/// `/language/{code}?to=/path`: the language switcher. Remembers the choice and opens the page in that language.
struct LanguageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("language", ":code") { req -> Response in
            guard let language = Language(rawValue: req.parameters.get("code") ?? "") else {
                throw Abort(.notFound, reason: "We have no interface in that language.")
            }
            let to = RedirectTarget.sameSite(req.query[String.self, at: "to"] ?? "/", fallback: "/")
            let response = req.redirect(within: language.pathPrefix + to)
            response.cookies[LanguageNegotiationMiddleware.cookieName] = HTTPCookies.Value(
                string: language.rawValue, maxAge: 365 * 86_400, path: "/", isSecure: req.isSecure, isHTTPOnly: true,
                sameSite: .lax)
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        }
    }
}
