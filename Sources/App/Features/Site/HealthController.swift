import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// `GET /health` for monitors: each check `ok` or `failing` (or `unknown` / `off` when it cannot apply), and 200 when
/// nothing fails, 503 otherwise. It reveals nothing else: no counts, no addresses, no versions, no paths.
struct HealthController: RouteCollection {
    /// Due mail older than this means the mail worker is not keeping up (or cannot reach the mail server).
    static let mailLagLimit: Int64 = 15 * 60

    func boot(routes: any RoutesBuilder) throws {
        routes.get("health") { req async -> Response in
            let report = await Self.check(req.application)
            let failing = report.values.contains("failing")
            var body = "{\"status\":\"\(failing ? "failing" : "ok")\",\"checks\":{"
            body += report.keys.sorted().map { "\"\($0)\":\"\(report[$0]!)\"" }.joined(separator: ",") + "}}\n"
            let response = Response(status: failing ? .serviceUnavailable : .ok, body: .init(string: body))
            response.headers.replaceOrAdd(name: .contentType, value: "application/json")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        }
    }

    /// database: a query answers; key: the configured key is the one the database records (`site_key`), `unknown`
    /// when none is recorded; mail: nothing due has waited more than 15 minutes (`off` without a mail server);
    /// writes: no write was refused by the storage in the last two minutes.
    static func check(_ app: Application) async -> [String: String] {
        var report: [String: String] = [:]
        let db = app.db
        struct One: Decodable { let n: Int }
        do {
            _ = try await db.sql.raw("SELECT 1 AS n").first(decoding: One.self)
            report["database"] = "ok"
        } catch {
            report["database"] = "failing"
        }
        guard report["database"] == "ok" else {
            report["key"] = "unknown"
            report["mail"] = app.site.mailer == nil ? "off" : "unknown"
            report["writes"] = app.storageHealth.recentlyFailed ? "failing" : "unknown"
            return report
        }
        struct Recorded: Decodable { let fingerprint: String }
        if let recorded = try? await db.sql.raw("SELECT fingerprint FROM site_key WHERE id = 1")
            .first(decoding: Recorded.self)
        {
            report["key"] = recorded.fingerprint == app.site.cipher.fingerprint ? "ok" : "failing"
        } else {
            report["key"] = "unknown"
        }
        if app.site.mailer == nil {
            report["mail"] = "off"
        } else {
            struct Oldest: Decodable { let due: Int64? }
            let now = Int64(app.site.clock.now().timeIntervalSince1970)
            let oldest = try? await db.sql.raw(
                """
                SELECT MIN(CASE WHEN status = 'queued' THEN not_before ELSE claimed_until END) AS due FROM outbox
                WHERE (status = 'queued' AND not_before <= \(bind: now))
                   OR (status = 'sending' AND claimed_until < \(bind: now))
                """
            ).first(decoding: Oldest.self)
            if let oldest {
                report["mail"] = (oldest.due.map { now - $0 } ?? 0) > mailLagLimit ? "failing" : "ok"
            } else {
                report["mail"] = "unknown"
            }
        }
        report["writes"] = app.storageHealth.recentlyFailed ? "failing" : "ok"
        return report
    }
}
