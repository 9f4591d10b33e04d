import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// The authorities to write to, per country (head of state, ministers, prosecutor, permanent mission),
/// offered in the Addresses section when an urgent appeal is drafted.
enum AddressBook {
    struct Entry: Sendable, Decodable { let id: String, countryCode: String, label: String, address: String }

    static func addresses(country: String, on db: any Database) async throws -> [Entry] {
        try await db.rows(
            """
            SELECT id, country_code, label, address FROM authority_addresses
            WHERE country_code = \(bind: country) ORDER BY label, id
            """,
            as: Entry.self
        )
    }

    static func all(on db: any Database) async throws -> [Entry] {
        try await db.rows(
            """
            SELECT id, country_code, label, address FROM authority_addresses
            ORDER BY country_code, label, id LIMIT 5000
            """,
            as: Entry.self
        )
    }

    static func add(country: String, label: String, address: String, on db: any Database) async throws {
        try await db.sql.insert(into: "authority_addresses").columns("id", "country_code", "label", "address")
            .values(RandomID.make("address"), country, label, address).run()
    }
}

struct AddressBookController: Sendable {
    let registry: RouteRegistry

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.addresses.pattern, CaseController.access, registry: registry, use: index)
        routes.declare(.POST, OfficeRoute.addresses.pattern, CaseController.access, registry: registry, use: add)
    }

    @Sendable func index(req: Request) async throws -> Response {
        try await page(req, errors: [:], status: .ok)
    }

    func page(_ req: Request, errors e: [String: String], status: HTTPStatus) async throws -> Response {
        let entries = try await AddressBook.all(on: req.db)
        let rows: [HTML] = entries.map { a in
            let country = CountryDirectory.shared.country(code: a.countryCode)?.localName ?? a.countryCode
            return "<tr><td>\(country)</td><td>\(a.label)</td><td>\(a.address)</td></tr>"
        }
        let html = OfficeLayout(
            title: t("office.dashboard.addresses"), account: try req.account,
            csrf: CSRF.token(for: req), translated: true
        ).render(
            """
            <h1>\(t("office.dashboard.addresses"))</h1>
            <p>\(t("addresses.explanation"))</p>
            \(FormView.errorSummary(e))
            <form method="post" action="\(OfficeRoute.addresses.path)" \
            class="office-form">\(CSRF.field(CSRF.token(for: req)))
            \(FormView.field("country", label: t("cases.country"), value: "", error: e["country"]))
            \(FormView.field("label", label: t("addresses.authority"), value: "", error: e["label"],
                         hint: t("addresses.authority-hint")))
            \(FormView.field("address", label: t("addresses.address"), value: "", error: e["address"]))
            <p class="actions"><button type="submit">\(t("casefile.add"))</button></p></form>
            <table class="office" id="addresses"><thead><tr><th>\(t("cases.country"))</th>\
            <th>\(t("addresses.authority"))</th><th>\(t("audit.address"))</th></tr></thead>\
            <tbody>\(rows.joined())</tbody></table>
            """)
        return try await html.encodeResponse(status: status, for: req)
    }

    @Sendable func add(req: Request) async throws -> Response {
        let form = req.form
        var errors: [String: String] = [:]
        let country = CountryDirectory.shared.resolve(form["country"])
        if country == nil {
            errors["country"] = t("missions.error.country", ["country": String(form["country"].prefix(60))])
        }
        if form["label"].isEmpty || form["label"].count > 300 { errors["label"] = t("addresses.error.label") }
        if form["address"].isEmpty || form["address"].count > 1000 { errors["address"] = t("addresses.error.address") }
        guard errors.isEmpty, let country else {
            return try await page(req, errors: errors, status: .unprocessableEntity)
        }
        let (label, address) = (form["label"], form["address"]), actor = try req.account.email
        let now = req.site.clock.now()
        try await req.db.write { tx in
            try await AddressBook.add(country: country.code, label: label, address: address, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "address.add", recordType: "address",
                    recordID: country.code),
                now: now, on: tx)
        }
        return req.redirect(within: OfficeRoute.addresses.path)
    }
}
