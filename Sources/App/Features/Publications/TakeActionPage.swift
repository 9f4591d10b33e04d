import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// `/publications/{id}/take-action`: for an urgent appeal, the authorities to write to and a ready letter in the
/// reader's language; readers who wrote say so with a button, and the number is shown. Who they are is not kept
/// (an in-memory limit of one click a day per appeal and address keeps the number honest).
struct TakeActionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        for language in Language.allCases {
            let prefix: [PathComponent] = language == .en ? [] : [PathComponent(stringLiteral: language.rawValue)]
            let path = prefix + ["publications", ":id", "take-action"]
            routes.reader(language).get(path) { req in
                try await req.localized(language) { try await page(req, thanks: false) }
            }
            routes.post(path) { req in try await req.localized(language) { try await act(req) } }
        }
    }

    func appeal(_ req: Request) async throws -> PublicationDetail {
        let id = req.parameters.get("id") ?? ""
        guard let p = try await PublicationQueries.find(id: id, on: req.db), p.summary.interventionKind == .urgentAppeal
        else {
            throw Abort(.notFound, reason: t("error.no-publication", ["id": String(id.prefix(80))]))
        }
        return p
    }

    static func count(_ id: String, on db: any Database) async throws -> Int {
        struct Row: Decodable { let count: Int }
        return try await db.sql.raw("SELECT count FROM action_counts WHERE publication_id = \(bind: id)").first(
            decoding: Row.self)?.count ?? 0
    }

    func page(_ req: Request, thanks: Bool) async throws -> Response {
        let p = try await appeal(req)
        let country = p.summary.countries.first
        let addresses =
            try await country.asyncMap { try await AddressBook.addresses(country: $0.code, on: req.db) } ?? []
        let translated = try await TakeActionView.inReadersLanguage(p, on: req.db)
        let html = TakeActionView.render(
            p, addresses: addresses, count: try await Self.count(p.id, on: req.db),
            thanks: thanks, csrf: CSRF.token(for: req), translated: translated)
        return .privatePage(html, for: req)
    }

    func act(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let p = try await appeal(req)
        if req.site.intakeLimiter.allow(
            req.clientAddress, bucket: "action:\(p.id)", limit: 1, windowSeconds: 86_400, now: req.site.clock.now())
        {
            try await req.db.sql.raw(
                """
                INSERT INTO action_counts (publication_id, count) VALUES (\(bind: p.id), 1)
                ON CONFLICT (publication_id) DO UPDATE SET count = action_counts.count + 1
                """
            ).run()
        }
        return try await page(req, thanks: true)
    }
}

enum TakeActionView {
    static func letter(_ p: PublicationDetail, translated: PublicationSummary? = nil) -> String {
        let title = (translated ?? p.summary).displayTitle
        let words = InterventionTemplate.draft(
            kind: .urgentAppeal, language: Translations.current.language, followUp: false,
            country: p.summary.countries.first?.localName ?? "", people: [t("action.persons")], addresses: [])
        let requests = words.body.components(separatedBy: "\n").filter { $0.first?.isNumber == true }
        return
            ([
                t("action.greeting"), "",
                t("action.concern", ["title": title, "reference": p.summary.reference ?? ""]), ""
            ]
            + requests + ["", t("action.closing")]).joined(separator: "\n")
    }

    static func render(
        _ p: PublicationDetail, addresses: [AddressBook.Entry], count: Int, thanks: Bool, csrf: String,
        translated: PublicationSummary? = nil
    ) -> HTML {
        let shown = translated ?? p.summary
        let list: [HTML] = addresses.map { "<li><strong>\($0.label)</strong>: \($0.address)</li>" }
        let path = SiteRoute.publication(id: p.id).path
        return Layout(title: t("action.title"), facts: nil).render(
            """
            <article class="take-action">
            <h1>\(t("action.title"))</h1>
            <p><a href="\(SiteRoute.publication(id: shown.id).path)" hreflang="\(shown.language)" id="appeal-title"><bdi>\(
            shown.displayTitle)</bdi></a>\(p.summary.reference.map { " (\($0))" } ?? "")</p>
            \(thanks ? "<p class=\"notice\" role=\"status\" id=\"action-thanks\">\(t("action.thanks"))</p>" as HTML : .empty)
            <h2>\(t("action.addresses"))</h2>
            \(list.isEmpty ? "<p>\(t("action.no-addresses"))</p>" as HTML : "<ul id=\"authorities\">\(list.joined())</ul>")
            <h2>\(t("action.letter"))</h2>
            <textarea id="letter" rows="16" readonly>\(letter(p, translated: translated))</textarea>
            <p id="action-count">\(t("action.count", count: count))</p>
            <form method="post" action="\(path)/take-action">\(CSRF.field(csrf))<button type="submit">\(t("action.button"))</button></form>
            </article>
            """)
    }
}
