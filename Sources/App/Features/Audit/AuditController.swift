import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// Administrators browse and filter the audit trail, and check its chain.
struct AuditController: Sendable {
    let registry: RouteRegistry

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(
            .GET, OfficeRoute.audit(query: "").pattern, .roles([.administrator]), registry: registry, use: index)
    }

    struct Filter: Sendable {
        var actor = "", action = "", record = "", from = "", to = ""
        var page = 1
    }

    @Sendable func index(req: Request) async throws -> Response {
        var filter = Filter()
        filter.actor = req.query[String.self, at: "actor"] ?? ""
        filter.action = req.query[String.self, at: "action"] ?? ""
        filter.record = req.query[String.self, at: "record"] ?? ""
        filter.from = req.query[String.self, at: "from"] ?? ""
        filter.to = req.query[String.self, at: "to"] ?? ""
        filter.page = max(1, min(req.query[Int.self, at: "page"] ?? 1, 100_000))
        for (name, value) in [("from", filter.from), ("to", filter.to)] where !value.isEmpty && CivilDate(value) == nil
        {
            throw Abort(.badRequest, reason: "“\(name)” must be a date like 2026-11-23.")
        }
        let rows = try await Self.entries(filter, on: req.db)
        let wanted = req.query[String.self, at: "verify"] == "1"
        let verification = wanted ? try await AuditLog.verify(on: req.db).summary : nil
        return try await AuditPage.render(
            filter: filter, rows: rows, verification: verification, viewer: try req.account, csrf: CSRF.token(for: req)
        )
        .encodeResponse(for: req)
    }

    static let pageSize = 100

    static func entries(_ filter: Filter, on db: any Database) async throws -> [AuditLog.Row] {
        var conditions: [SQLQueryString] = ["1 = 1"]
        if !filter.actor.isEmpty { conditions.append("actor = \(bind: filter.actor.lowercased())") }
        if !filter.action.isEmpty {
            conditions.append("action LIKE \(bind: filter.action.replacingOccurrences(of: "%", with: "") + "%")")
        }
        if !filter.record.isEmpty { conditions.append("record_id = \(bind: filter.record)") }
        if !filter.from.isEmpty { conditions.append("at >= \(bind: filter.from)") }
        if !filter.to.isEmpty { conditions.append("at < \(bind: filter.to + "T99")") }
        let query: SQLQueryString = """
            SELECT \(unsafeRaw: AuditLog.columns) FROM audit_log WHERE \(conditions.joined(separator: " AND "))
            ORDER BY sequence DESC LIMIT \(unsafeRaw: String(pageSize + 1)) OFFSET \
            \(unsafeRaw: String((filter.page - 1) * pageSize))
            """
        return try await db.rows(query, as: AuditLog.Row.self)
    }
}

enum AuditPage {
    static func render(
        filter: AuditController.Filter, rows: [AuditLog.Row],
        verification: (count: Int, firstBreak: AuditChain.Break?)?,
        viewer: Account, csrf: String
    ) -> HTML {
        let status: HTML =
            verification.map { v in
                v.firstBreak.map {
                    "<p class=\"notice error\" role=\"alert\">\(t("audit.broken", ["where": $0.description]))</p>"
                } ?? "<p class=\"notice\">\(t("audit.intact", ["entries": t("count.entries", count: v.count)]))</p>"
            } ?? "<p><a href=\"\(OfficeRoute.audit(query: "verify=1").path)\">\(t("audit.verify"))</a></p>"
        let shown = rows.prefix(AuditController.pageSize)
        let lines: [HTML] = shown.map { r in
            "<tr><td>\(String(r.sequence))</td><td>\(r.at)</td><td>\(r.actor)</td><td>\(r.action)</td><td>\(r.recordType) \(r.recordId)</td><td>\(r.detail)</td><td>\(r.address)</td></tr>"
        }
        func query(page: Int) -> String {
            [
                ("actor", filter.actor), ("action", filter.action), ("record", filter.record), ("from", filter.from),
                ("to", filter.to), ("page", page > 1 ? String(page) : "")
            ]
            .filter { !$0.1.isEmpty }.map { "\($0.0)=\(SiteRoute.escapeSegment($0.1))" }.joined(separator: "&")
        }
        let next = OfficeRoute.audit(query: query(page: filter.page + 1)).path
        let more: HTML =
            rows.count > AuditController.pageSize
            ? "<p><a rel=\"next\" href=\"\(next)\">\(t("audit.older"))</a></p>" : .empty
        return OfficeLayout(title: t("office.nav.audit"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(t("office.nav.audit"))</h1>
            \(status)
            <form method="get" action="\(OfficeRoute.audit(query: "").path)" class="filters">
            \(FormView.field("actor", label: t("audit.who-email"), value: filter.actor))
            \(FormView.field("action", label: t("audit.action-filter"), value: filter.action))
            \(FormView.field("record", label: t("audit.record-id"), value: filter.record))
            \(FormView.field("from", label: t("audit.from"), value: filter.from, type: "date"))
            \(FormView.field("to", label: t("audit.to"), value: filter.to, type: "date"))
            <p><button type="submit">\(t("audit.filter"))</button></p>
            </form>
            <table class="office"><thead><tr><th>#</th><th>\(t("audit.when"))</th><th>\(t("audit.who"))</th>\
            <th>\(t("audit.action"))</th><th>\(t("audit.record"))</th><th>\(t("audit.detail"))</th>\
            <th>\(t("audit.address"))</th></tr></thead>
            <tbody>\(lines.joined(separator: "\n"))</tbody></table>
            \(more)
            """)
    }
}
