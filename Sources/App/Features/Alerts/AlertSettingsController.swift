import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// Addresses of the alert settings: a case officer's own, and the administrators' on-call page.
enum AlertRoute {
    case settings
    case onCall

    var pattern: [String] {
        switch self {
        case .settings: ["account", "alerts"]
        case .onCall: ["office", "on-call"]
        }
    }

    var path: String { "/" + pattern.joined(separator: "/") }
}

/// Each case officer chooses which alerts they receive, at once or as a daily digest (their own account only); an
/// administrator sets who is on call. Every change is audited in its transaction; a value that is not one of the
/// choices is refused by name and changes nothing.
struct AlertSettingsController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.caseOfficer])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, AlertRoute.settings.pattern, Self.access, registry: registry, use: show)
        routes.declare(.POST, AlertRoute.settings.pattern, Self.access, registry: registry, use: change)
        routes.declare(.GET, AlertRoute.onCall.pattern, UserAdminController.access, registry: registry, use: onCall)
        routes.declare(
            .POST, AlertRoute.onCall.pattern, UserAdminController.access, registry: registry,
            use: setOnCall)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let viewer = try req.account
        let current = try await StaffAlerts.preferences(of: viewer.id, on: req.db)
        let notice = req.query[String.self, at: "notice"] == "saved" ? t("alert.settings.saved") : nil
        return try await AlertPages.settings(
            viewer: viewer, current: current, error: nil, notice: notice,
            csrf: CSRF.token(for: req)
        ).encodeResponse(for: req)
    }

    @Sendable func change(req: Request) async throws -> Response {
        let viewer = try req.account, now = req.site.clock.now()
        let current = try await StaffAlerts.preferences(of: viewer.id, on: req.db)
        let parsed = AlertPreferences.parse(
            events: req.form.values("event"), delivery: req.form.raw("delivery"),
            onCall: current.onCall)
        guard case .success(let chosen) = parsed else {
            let refusal = parsed.failureDescription
            return try await AlertPages.settings(
                viewer: viewer, current: current,
                error: t("alert.settings.refused", ["what": refusal]), notice: nil,
                csrf: CSRF.token(for: req)
            )
            .encodeResponse(status: .unprocessableEntity, for: req)
        }
        try await req.officeWrite { tx in
            try await tx.sql.insert(into: "alert_settings")
                .columns("user_id", "events", "digest", "on_call", "changed_at")
                .values(viewer.id, chosen.storedEvents, chosen.delivery == .digest, false, now.seconds)
                .onConflict(with: ["user_id"]) {
                    $0.set(excludedValueOf: "events").set(excludedValueOf: "digest").set(excludedValueOf: "changed_at")
                }
                .run()
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "account.alerts", recordType: "user",
                    recordID: viewer.id,
                    detail: "\(chosen.delivery.rawValue): \(chosen.storedEvents)"),
                now: now, on: tx)
        }
        return req.redirect(within: AlertRoute.settings.path + "?notice=saved")
    }

    @Sendable func onCall(req: Request) async throws -> Response {
        try await onCallPage(req, error: nil, status: .ok)
    }

    func onCallPage(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let officers = try await AccountStore.all(on: req.db).filter { $0.roles.contains(.caseOfficer) && !$0.disabled }
        let settings = try await StaffAlerts.preferences(on: req.db)
        let notice = req.query[String.self, at: "notice"] == "saved" ? t("alert.on-call.saved") : nil
        return try await AlertPages.onCall(
            viewer: try req.account,
            officers: officers.map {
                ($0, settings[$0.id]?.onCall ?? false)
            }, error: error, notice: error == nil ? notice : nil, csrf: CSRF.token(for: req)
        )
        .encodeResponse(status: status, for: req)
    }

    @Sendable func setOnCall(req: Request) async throws -> Response {
        let viewer = try req.account, now = req.site.clock.now()
        let id = req.form.raw("account"), value = req.form.raw("on_call")
        guard value == "yes" || value == "no" else {
            let error = t("alert.on-call.refused-value", ["value": String(value.prefix(60))])
            return try await onCallPage(req, error: error, status: .unprocessableEntity)
        }
        guard let target = try await AccountStore.find(id: id, on: req.db), target.roles.contains(.caseOfficer),
            !target.disabled
        else {
            return try await onCallPage(req, error: t("alert.on-call.refused-person"), status: .unprocessableEntity)
        }
        let on = value == "yes"
        try await req.officeWrite(on: target.id) { tx in
            try await tx.sql.insert(into: "alert_settings")
                .columns("user_id", "events", "digest", "on_call", "changed_at")
                .values(target.id, AlertPreferences().storedEvents, false, on, now.seconds)
                .onConflict(with: ["user_id"]) { $0.set(excludedValueOf: "on_call").set(excludedValueOf: "changed_at") }
                .run()
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "user.on-call", recordType: "user",
                    recordID: target.id, detail: on ? "on call" : "not on call"),
                now: now, on: tx)
        }
        return req.redirect(within: AlertRoute.onCall.path + "?notice=saved")
    }
}

extension Result where Failure: CustomStringConvertible {
    var failureDescription: String {
        if case .failure(let error) = self { return error.description }
        return ""
    }
}

/// The alert settings page and the on-call page.
enum AlertPages {
    /// The section of the account page (case officers only).
    static var accountSection: HTML {
        """
        <h2>\(t("alert.settings.title"))</h2>
        <p><a href="\(AlertRoute.settings.path)" id="alert-settings-link">\(t("alert.settings.link"))</a></p>
        """
    }

    static func settings(
        viewer: Account, current: AlertPreferences, error: String?, notice: String?,
        csrf: String
    ) -> HTML {
        let boxes: [HTML] = AlertEvent.allCases.map { event in
            let checked = HTML(trusted: current.events.contains(event) ? " checked" : "")
            return """
                <li><label><input type="checkbox" name="event" value="\(event.rawValue)"\(checked)> \
                \(t("alert.short.\(event.rawValue)"))</label></li>
                """
        }
        let radios: [HTML] = [AlertDelivery.now, .digest].map { how in
            let checked = HTML(trusted: current.delivery == how ? " checked" : "")
            return """
                <li><label><input type="radio" name="delivery" value="\(how.rawValue)"\(checked)> \
                \(t("alert.delivery.\(how.rawValue)"))</label></li>
                """
        }
        let onCall: HTML = current.onCall ? "<p id=\"on-call\">\(t("alert.settings.on-call"))</p>" : .empty
        return OfficeLayout(title: t("alert.settings.title"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(t("alert.settings.title"))</h1>
            \(notice.map { "<p class=\"notice\" role=\"status\" id=\"notice\">\($0)</p>" } ?? .empty)
            \(error.map { "<p class=\"error\" role=\"alert\" id=\"alert-error\">\($0)</p>" } ?? .empty)
            <p>\(t("alert.settings.intro"))</p>\(onCall)
            <form method="post" action="\(AlertRoute.settings.path)" class="office-form" id="alert-form">\(CSRF.field(csrf))
            <fieldset><legend>\(t("alert.settings.events"))</legend><ul>\(boxes)</ul></fieldset>
            <fieldset><legend>\(t("alert.settings.delivery"))</legend><ul>\(radios)</ul></fieldset>
            <p><button type="submit">\(t("alert.settings.save"))</button></p></form>
            """)
    }

    static func onCall(
        viewer: Account, officers: [(Account, Bool)], error: String?, notice: String?,
        csrf: String
    ) -> HTML {
        let rows: [HTML] = officers.map { officer, on in
            """
            <tr><td dir="ltr">\(officer.email)</td><td>\(on ? t("alert.on-call.yes") : t("alert.on-call.no"))</td>
            <td><form method="post" action="\(AlertRoute.onCall.path)">\(CSRF.field(csrf))\
            <input type="hidden" name="account" value="\(officer.id)">\
            <input type="hidden" name="on_call" value="\(on ? "no" : "yes")">\
            <button type="submit">\(on ? t("alert.on-call.end") : t("alert.on-call.start"))</button></form></td></tr>
            """
        }
        return OfficeLayout(title: t("alert.on-call.title"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(t("alert.on-call.title"))</h1>
            \(notice.map { "<p class=\"notice\" role=\"status\" id=\"notice\">\($0)</p>" } ?? .empty)
            \(error.map { "<p class=\"error\" role=\"alert\" id=\"on-call-error\">\($0)</p>" } ?? .empty)
            <p>\(t("alert.on-call.intro"))</p>
            <table id="on-call"><thead><tr><th>\(t("office.account.email"))</th><th>\(t("alert.on-call.state"))</th>
            <th></th></tr></thead><tbody>\(rows)</tbody></table>
            """)
    }
}
