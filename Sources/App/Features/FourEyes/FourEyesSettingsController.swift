import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Administrators choose the publication types that go public without a second person's approval (events, say).
/// Urgent interventions are never exempt: they come from a case. Every change is audited.
struct FourEyesSettingsController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.administrator])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.approvalSettings.pattern, Self.access, registry: registry, use: show)
        routes.declare(.POST, OfficeRoute.approvalSettings.pattern, Self.access, registry: registry, use: save)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let exempt = try await FourEyesStore.exemptTypes(on: req.db), csrf = CSRF.token(for: req)
        let rows: [HTML] = PublicationType.allCases.filter { $0 != .urgentIntervention }.map { t in
            """
            <li><label><input type="checkbox" name="exempt"
            value="\(t.rawValue)"\(HTML(trusted: exempt.contains(t) ? " checked" : ""))>
            \(t.label)</label></li>
            """
        }
        return try await OfficeLayout(title: "Approvals", account: try req.account, csrf: csrf).render(
            """
            <h1>Second approval before publication</h1>
            \(req.query[String.self, at: "saved"] != nil ? "<p class=\"notice\" role=\"status\">Saved.</p>"
              : .empty as HTML)
            <p>Every publication needs the approval of a second person, who did not make its latest change. Types ticked
            here
            are published by one editor alone. Urgent interventions always go through their case.</p>
            <form method="post" action="\(OfficeRoute.approvalSettings.path)" class="office-form">\(CSRF.field(csrf))
            <fieldset><legend>Published without a second approval</legend><ul
            id="exempt-types">\(rows.joined())</ul></fieldset>
            <p class="actions"><button type="submit">Save</button></p></form>
            """
        ).encodeResponse(for: req)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let values = req.form.values("exempt"), viewer = try req.account, now = req.site.clock.now()
        let types = values.compactMap(PublicationType.init(rawValue:))
        guard types.count == values.count, !types.contains(.urgentIntervention) else {
            throw Abort(.badRequest, reason: "Choose types from the list; urgent interventions cannot be exempt.")
        }
        @Sendable func list(_ set: Set<PublicationType>) -> String {
            set.isEmpty ? "none" : set.map(\.rawValue).sorted().joined(separator: ", ")
        }
        try await req.db.write { tx in
            let before = try await FourEyesStore.exemptTypes(on: tx)
            try await FourEyesStore.setExemptTypes(Set(types), by: viewer.email, now: now, on: tx)
            let detail = "exempt: \(list(Set(types))) (before: \(list(before)))"
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "approvals.settings",
                    recordType: "settings",
                    recordID: "four-eyes", detail: detail), now: now, on: tx)
        }
        return req.redirect(within: OfficeRoute.approvalSettings.path + "?saved=1")
    }
}
