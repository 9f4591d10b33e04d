import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// An offer to sponsor a defender, sent through the public form: every field sealed, read only in the office.
struct SponsorOffer: Sendable {
    let id: String, name: Confidential, contact: Confidential, message: Confidential
    let language: String, createdAt: Int64
}

enum SponsorOfferStore {
    static func add(
        name: String, contact: String, message: String, language: Language, now: Date,
        cipher: FieldCipher, on db: any Database
    ) async throws {
        let id = RandomID.make("offer")
        try await db.sql.insert(into: "sponsor_offers")
            .columns("id", "name_sealed", "contact_sealed", "message_sealed", "language", "created_at")
            .values(
                id, cipher.seal(name, in: .sponsorOfferName, row: id),
                cipher.seal(contact, in: .sponsorOfferContact, row: id),
                cipher.seal(message, in: .sponsorOfferMessage, row: id), language.rawValue, now.seconds
            )
            .run()
    }

    static func all(cipher: FieldCipher, on db: any Database) async throws -> [SponsorOffer] {
        struct Row: Decodable {
            let id: String, nameSealed: String, contactSealed: String, messageSealed: String
            let language: String, createdAt: Int64
        }
        return try await db.rows(
            """
            SELECT id, name_sealed, contact_sealed, message_sealed, language, created_at FROM sponsor_offers
            ORDER BY created_at DESC, id
            """, as: Row.self
        ).map {
            SponsorOffer(
                id: $0.id, name: try cipher.open($0.nameSealed, in: .sponsorOfferName, row: $0.id),
                contact: try cipher.open($0.contactSealed, in: .sponsorOfferContact, row: $0.id),
                message: try cipher.open($0.messageSealed, in: .sponsorOfferMessage, row: $0.id),
                language: $0.language, createdAt: $0.createdAt)
        }
    }
}

/// `/sponsorship`: the sponsorship campaign (each defender's portrait with its sponsors) and the "sponsor a
/// defender" form, as the calls for input take answers: CSRF, a limit per address, every field sealed.
struct SponsorshipController: RouteCollection {
    static let perHour = 5

    func boot(routes: any RoutesBuilder) throws {
        for language in Language.allCases {
            let path = (language == .en ? [] : [language.rawValue]) + SiteRoute.Pattern.sponsorship
            let components = path.map(PathComponent.init)
            routes.reader(language).get(components) { req in
                try await req.localized(language) { try await page(req, form: nil, errors: [:], thanks: false) }
            }
            routes.post(components) { req in try await req.localized(language) { try await offer(req) } }
        }
    }

    func page(_ req: Request, form: FormData?, errors: [String: String], thanks: Bool) async throws -> Response {
        let portraits = try await PortraitStore.publicPortraits(today: req.site.clock.today, on: req.db)
        let sponsors = try await PortraitsController.sponsors(of: portraits, on: req.db)
        let pairs: [HTML] = portraits.filter { sponsors[$0.id] != nil }.map {
            PortraitsController.item($0, sponsors: sponsors[$0.id])
        }
        let csrf = CSRF.token(for: req), f = form ?? FormData(fields: [])
        let contactField = ReportPages.field(
            "contact", t("sponsorship.contact"), f["contact"], errors,
            attributes: "maxlength=\"300\" autocomplete=\"off\"")
        let formHTML: HTML =
            thanks
            ? "<p class=\"notice\" role=\"status\" id=\"sponsorship-thanks\">\(t("sponsorship.thanks"))</p>"
            : """
            <form method="post" action="\(SiteRoute.sponsorship.path)" class="office-form sponsorship-form">\
            \(CSRF.field(csrf))
            \(ReportPages.field("name", t("sponsorship.name"), f["name"], errors, attributes: "maxlength=\"300\""))
            \(contactField)
            \(ReportPages.textarea("message", t("sponsorship.message"), f.raw("message"), errors, rows: 6))
            <p class="actions"><button type="submit">\(t("sponsorship.send"))</button></p></form>
            """
        let pairList: HTML =
            pairs.isEmpty
            ? "<p>\(t("sponsorship.none"))</p>"
            : "<ul id=\"sponsorship-pairs\" class=\"portraits\">\(pairs.joined())</ul>"
        return .privatePage(
            Layout(title: t("sponsorship.title"), facts: nil).render(
                """
                <article class="sponsorship"><h1>\(t("sponsorship.title"))</h1>
                <h2>\(t("sponsorship.pairs"))</h2>
                \(pairList)
                <p>\(t("sponsorship.call"))</p><p>\(t("sponsorship.private"))</p>
                \(formHTML)</article>
                """), for: req, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    func offer(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard
            try await PublicFormLimits.allow(
                "sponsor", from: req.clientAddress, limit: Self.perHour,
                windowSeconds: 3600, now: req.site.clock.now(),
                cipher: req.site.cipher, on: req.db)
        else {
            throw Abort(.tooManyRequests, reason: t("report.too-many"))
        }
        let form = req.form
        let name = form["name"], contact = form["contact"]
        let message = form.raw("message").replacingOccurrences(of: "\r\n", with: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String: String] = [:]
        if name.isEmpty || contact.isEmpty || name.count > 300 || contact.count > 300 {
            errors[name.isEmpty || name.count > 300 ? "name" : "contact"] = t("sponsorship.error.name")
        }
        if message.count > 5_000 { errors["message"] = t("sponsorship.error.message") }
        guard errors.isEmpty else { return try await page(req, form: form, errors: errors, thanks: false) }
        try await SponsorOfferStore.add(
            name: name, contact: contact, message: message,
            language: Translations.current.language, now: req.site.clock.now(),
            cipher: req.site.cipher, on: req.db)
        return try await page(req, form: nil, errors: [:], thanks: true)
    }
}
