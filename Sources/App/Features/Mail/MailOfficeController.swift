import Fluent
import ObservatoryCore
import Vapor

/// `/office/mail`: what the outbox holds, what was sent, what failed and why; subscribers by status.
/// Addresses are not shown, even here.
struct MailOfficeController: Sendable {
    let registry: RouteRegistry
    /// Said at start-up and on this page while the public address is missing.
    static let missingPublicURL = "OBSERVATORY_PUBLIC_URL is not set: e-mails would link to localhost, so none is sent."

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.mail.pattern, .roles([.administrator]), registry: registry, use: index)
    }

    @Sendable func index(req: Request) async throws -> Response {
        let counts = try await MailQueue.counts(on: req.db)
        let cipher = req.site.cipher
        let failures = try await MailQueue.recent(status: ["failed"], limit: 50, cipher: cipher, on: req.db)
        let sent = try await MailQueue.recent(status: ["sent"], limit: 50, cipher: cipher, on: req.db)
        let waiting = try await MailQueue.recent(status: ["queued", "sending"], limit: 50, cipher: cipher, on: req.db)
        let server: HTML = req.site.config.smtp.map { "Mail server: \($0.host):\(String($0.port)) (\($0.security.rawValue)), sender \($0.from)." }
            ?? "No mail server is configured (OBSERVATORY_SMTP_HOST): messages wait in the outbox."
        func table(_ id: String, _ lines: [MailQueue.Line]) -> HTML {
            let rows: [HTML] = lines.map { l in
                """
                <tr><td>\(String(l.id))</td><td>\(l.kind)</td><td>\(l.subjectId ?? "")</td><td>\(l.status)</td><td>\(String(l.attempts))</td>
                <td>\(l.sentAt.map { iso8601(seconds: $0) } ?? "next try \(iso8601(seconds: l.notBefore))")</td><td>\(l.lastError ?? "")</td></tr>
                """
            }
            return "<table class=\"office\" id=\"\(id)\"><thead><tr><th>#</th><th>Kind</th><th>Subject</th><th>Status</th><th>Attempts</th><th>When</th><th>Last error</th></tr></thead><tbody>\(rows.joined())</tbody></table>"
        }
        let outbox: [HTML] = ["queued", "sending", "sent", "failed", "cancelled"].map { "<li>\($0): <strong>\(String(counts.byStatus[$0] ?? 0))</strong></li>" }
        let subscribers: [HTML] = ["active", "pending", "unsubscribed", "bounced"].map { "<li>\($0): <strong>\(String(counts.subscribers[$0] ?? 0))</strong></li>" }
        let notice: HTML = req.site.config.publicURL != nil ? .empty : """
            <p class="warning" id="public-url-missing"><strong>\(Self.missingPublicURL)</strong> Messages wait in the \
            outbox until the server is started with it, e.g. OBSERVATORY_PUBLIC_URL=https://observatory.example.</p>
            """
        return try await OfficeLayout(title: "Mail", account: try req.account, csrf: CSRF.token(for: req)).render("""
        <h1>Mail</h1>
        \(notice)
        <p>\(server)</p>
        <h2>Outbox</h2><ul class="counts" id="outbox-counts">\(outbox.joined())</ul>
        <h2>Subscribers</h2><ul class="counts" id="subscriber-counts">\(subscribers.joined())</ul>
        <h2>Failures</h2>\(table("failures", failures))
        <h2>Waiting</h2>\(table("waiting", waiting))
        <h2>Sent lately</h2>\(table("sent", sent))
        """).encodeResponse(for: req)
    }
}
