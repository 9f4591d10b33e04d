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
        let server: HTML =
            req.site.config.smtp.map {
                let address = "\($0.host):\(String($0.port)) (\($0.security.rawValue))"
                return "\(t("mail.server", ["server": address, "from": $0.from]))"
            } ?? "\(t("mail.no-server"))"
        func table(_ id: String, _ lines: [MailQueue.Line]) -> HTML {
            let rows: [HTML] = lines.map { l in
                let when =
                    l.sentAt.map { iso8601(seconds: $0) }
                    ?? t("mail.next-try", ["when": iso8601(seconds: l.notBefore)])
                return """
                    <tr><td>\(String(l.id))</td><td>\(l.kind)</td><td>\(l.subjectId ?? "")</td>\
                    <td>\(Translations.current.texts["mail.status.\(l.status)"] ?? l.status)</td>\
                    <td>\(String(l.attempts))</td>
                    <td>\(when)</td><td>\(l.lastError ?? "")</td></tr>
                    """
            }
            return """
                <table class="office" id="\(id)"><thead><tr><th>#</th><th>\(t("casefile.kind"))</th>\
                <th>\(t("mail.subject"))</th><th>\(t("cases.status"))</th><th>\(t("mail.attempts"))</th>\
                <th>\(t("mail.when"))</th><th>\(t("mail.last-error"))</th></tr></thead>\
                <tbody>\(rows.joined())</tbody></table>
                """
        }
        let words = Translations.current
        let outbox: [HTML] = ["queued", "sending", "sent", "failed", "cancelled"].map {
            "<li>\(t("mail.status.\($0)")): <strong>\(words.number(counts.byStatus[$0] ?? 0))</strong></li>"
        }
        let subscribers: [HTML] = ["active", "pending", "unsubscribed", "bounced"].map {
            "<li>\(t("mail.subscriber.\($0)")): <strong>\(words.number(counts.subscribers[$0] ?? 0))</strong></li>"
        }
        let notice: HTML =
            req.site.config.publicURL != nil
            ? .empty
            : """
            <p class="warning" id="public-url-missing"><strong>\(t("mail.missing-url"))</strong> \
            \(t("mail.missing-url-rest"))</p>
            """
        return try await OfficeLayout(
            title: t("office.nav.mail"), account: try req.account, csrf: CSRF.token(for: req),
            translated: true
        ).render(
            """
            <h1>\(t("office.nav.mail"))</h1>
            \(notice)
            <p>\(server)</p>
            <h2>\(t("mail.outbox"))</h2><ul class="counts" id="outbox-counts">\(outbox.joined())</ul>
            <h2>\(t("mail.subscribers"))</h2><ul class="counts" id="subscriber-counts">\(subscribers.joined())</ul>
            <h2>\(t("mail.failures"))</h2>\(table("failures", failures))
            <h2>\(t("mail.waiting"))</h2>\(table("waiting", waiting))
            <h2>\(t("mail.sent"))</h2>\(table("sent", sent))
            """
        ).encodeResponse(for: req)
    }
}
