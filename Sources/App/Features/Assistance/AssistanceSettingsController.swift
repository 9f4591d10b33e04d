import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// Administrators set the ceiling per grant and the eligibility criteria. They see no request.
struct AssistanceSettingsController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.administrator])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.assistanceSettings.pattern, Self.access, registry: registry, use: show)
        routes.declare(.POST, OfficeRoute.assistanceSettings.pattern, Self.access, registry: registry, use: save)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await page(
            req, settings: try await AssistanceSettings.load(on: req.db), errors: [:],
            saved: req.query[String.self, at: "saved"] != nil)
    }

    func page(
        _ req: Request, settings: AssistanceSettings, errors e: [String: String], saved: Bool
    ) async throws -> Response {
        let csrf = CSRF.token(for: req)
        let rows: [HTML] = settings.criteria.map { c in
            """
            <li>\(FormView.field("criterion-\(c.id)", label: "Criterion", value: c.text, error: e["criterion-\(c.id)"]))
            <label><input type="checkbox" name="active-\(c.id)" value="yes"\(HTML(trusted: c.active ? " checked" : ""))> In force</label></li>
            """
        }
        let divisor = pow(10, Double(Money.exponent(of: settings.currency)))
        let html = OfficeLayout(title: "Material assistance: rules", account: try req.account, csrf: csrf).render(
            """
            <h1>Material assistance: rules</h1>
            \(saved ? "<p class=\"notice\" role=\"status\">Saved.</p>" as HTML : .empty)\(FormView.errorSummary(e))
            <form method="post" action="\(OfficeRoute.assistanceSettings.path)" class="office-form">\(CSRF.field(csrf))
            \(FormView.field("currency", label: "Reference currency (of the ceiling and the annual totals)", value: settings.currency, error: e["currency"]))
            \(FormView.field("ceiling", label: "Ceiling per grant", value: String(format: "%.\(Money.exponent(of: settings.currency))f", Double(settings.ceiling.minorUnits) / divisor), error: e["ceiling"]))
            <h2>Eligibility criteria</h2><ol id="criteria-settings">\(rows.joined())</ol>
            \(FormView.field("new-criterion", label: "New criterion", value: "", error: e["new-criterion"]))
            <p class="actions"><button type="submit">Save the rules</button></p></form>
            """)
        return try await html.encodeResponse(status: e.isEmpty ? .ok : .unprocessableEntity, for: req)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let form = req.form, current = try await AssistanceSettings.load(on: req.db), viewer = try req.account,
            now = req.site.clock.now()
        var e: [String: String] = [:]
        let currency = Money.currency(form["currency"])
        if currency == nil { e["currency"] = "Give a three-letter currency code, e.g. EUR." }
        struct Count: Decodable { let n: Int }
        if let currency, currency != current.currency,
            (try await req.db.sql.raw("SELECT COUNT(*) AS n FROM assistance_requests").first(decoding: Count.self)?.n
                ?? 0) > 0
        {
            e["currency"] = "Requests are recorded in \(current.currency): the reference currency can no longer change."
        }
        let ceiling = currency.flatMap { Money.parse(form["ceiling"], currency: $0) }
        if currency != nil && ceiling == nil { e["ceiling"] = "Give the ceiling as a number above zero." }
        var criteria = current.criteria.map { c in
            (id: c.id, text: form["criterion-\(c.id)"], active: form["active-\(c.id)"] == "yes")
        }
        for c in criteria where c.text.isEmpty || c.text.count > 500 {
            e["criterion-\(c.id)"] = "Write the criterion (at most 500 characters)."
        }
        let added = form["new-criterion"]
        if added.count > 500 { e["new-criterion"] = "At most 500 characters." }
        if !added.isEmpty { criteria.append((id: RandomID.make("criterion"), text: added, active: true)) }
        guard e.isEmpty, let ceiling else { return try await page(req, settings: current, errors: e, saved: false) }
        let saved = criteria
        try await req.db.write { tx in
            try await AssistanceSettings.save(ceiling: ceiling, criteria: saved, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "assistance.settings",
                    recordType: "assistance",
                    recordID: "settings"), now: now, on: tx)
        }
        return req.redirect(within: OfficeRoute.assistanceSettings.path + "?saved=1")
    }
}
