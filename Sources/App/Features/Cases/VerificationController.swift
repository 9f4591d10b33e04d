import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Partners' side of verification: the requests addressed to their organisation, and their answers.
/// A partner reads only what was shared with their organisation, never the case file.
struct VerificationController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.partner])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.partnerRequests.pattern, Self.access, registry: registry, use: index)
        routes.declare(.GET, OfficeRoute.partnerRequest(id: "").pattern, Self.access, registry: registry, use: show)
        routes.declare(.POST, OfficeRoute.partnerRequest(id: "").pattern, Self.access, registry: registry, use: answer)
    }

    @Sendable func index(req: Request) async throws -> Response {
        let viewer = try req.account
        let requests = try await VerificationStore.forOrganisation(
            viewer.organisationID ?? "", cipher: req.site.cipher, on: req.db)
        return try await PartnerPages.index(
            requests, now: req.site.clock.now().seconds, viewer: viewer, csrf: CSRF.token(for: req)
        )
        .encodeResponse(for: req)
    }

    /// The request, only when addressed to the viewer's organisation (any other id is "not found") and while
    /// the access the case officer gave lasts.
    func target(_ req: Request) async throws -> Verification {
        let id = req.parameters.get("id") ?? ""
        guard let organisation = try req.account.organisationID,
            let found = try await VerificationStore.find(
                id, organisationID: organisation, cipher: req.site.cipher, on: req.db)
        else {
            throw Abort(.notFound, reason: t("partner.error.no-request", ["id": String(id.prefix(80))]))
        }
        guard found.isOpen(at: req.site.clock.now().seconds) else {
            throw Abort(.forbidden, reason: t("partner.error.access-ended"))
        }
        return found
    }

    @Sendable func show(req: Request) async throws -> Response {
        let request = try await target(req), viewer = try req.account
        try await AuditLog.record(
            AuditEvent(actor: viewer.email, action: "verification.view", recordType: "case", recordID: request.caseID),
            now: req.site.clock.now(), on: req.db)
        let notice = req.query[String.self, at: "notice"] == "answered" ? t("partner.answer.saved") : nil
        let sharedIDs = try await EvidenceStore.shared(with: request.id, on: req.db)
        let files = try await EvidenceStore.files(case: request.caseID, cipher: req.site.cipher, on: req.db)
            .filter { sharedIDs.contains($0.id) }
        return try await PartnerPages.show(
            request, error: nil, viewer: viewer, csrf: CSRF.token(for: req),
            notice: notice, files: files
        )
        .encodeResponse(for: req)
    }

    @Sendable func answer(req: Request) async throws -> Response {
        let request = try await target(req), viewer = try req.account
        guard let answer = VerificationAnswer(rawValue: req.form["answer"]) else {
            return try await PartnerPages.show(
                request, error: t("partner.error.choose"), viewer: viewer,
                csrf: CSRF.token(for: req)
            )
            .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let note = req.form.raw("note").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 20_000 else {
            let error = t("partner.error.note-too-long", ["n": Translations.current.number(20_000)])
            return try await PartnerPages.show(request, error: error, viewer: viewer, csrf: CSRF.token(for: req))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        do {
            try await VerificationStore.answer(
                request, answer: answer, note: note, by: viewer.email, now: req.site.clock.now(),
                cipher: req.site.cipher, on: req.db)
        } catch is VerificationStore.AccessEnded {
            throw Abort(.forbidden, reason: t("partner.error.access-ended"))
        }
        return req.redirect(within: OfficeRoute.partnerRequest(id: request.id).path + "?notice=answered")
    }
}

/// The partner's pages, in the partner's language.
enum PartnerPages {
    static func index(_ requests: [Verification], now: Int64, viewer: Account, csrf: String) -> HTML {
        let words = Translations.current
        let rows: [HTML] = requests.map { v in
            let asked = t("partner.request-of", ["date": words.day(seconds: v.askedAt)])
            let access: HTML = v.expiresAt.map { "\(t("partner.until", ["date": words.day(seconds: $0)]))" } ?? ""
            return v.isOpen(at: now)
                ? """
                <tr><td><a href="\(OfficeRoute.partnerRequest(id: v.id).path)">\(asked)</a> \(access)</td>\
                <td>\(v.answer?.localizedLabel ?? t("partner.waiting"))</td></tr>
                """
                : """
                <tr class="expired"><td>\(asked) \(t("partner.access-ended"))</td>\
                <td>\(v.answer?.localizedLabel ?? "")</td></tr>
                """
        }
        return OfficeLayout(title: t("office.nav.verification-requests"), account: viewer, csrf: csrf, translated: true)
            .render(
                """
                <h1>\(t("office.nav.verification-requests"))</h1>
                <p>\(t("partner.intro"))</p>
                <table class="office" id="requests"><thead><tr><th>\(t("partner.request"))</th>\
                <th>\(t("partner.your-answer"))</th></tr></thead><tbody>\(rows.joined())</tbody></table>
                \(requests.isEmpty ? "<p id=\"no-requests\">\(t("partner.none"))</p>" as HTML : .empty)
                """)
    }

    static func show(
        _ v: Verification, error: String?, viewer: Account, csrf: String, notice: String? = nil,
        files: [EvidenceFile] = []
    ) -> HTML {
        let words = Translations.current
        let links: [HTML] = files.map {
            "<li><a href=\"\(EvidenceRoute.partnerFile(request: v.id, file: $0.id))\">\($0.filename.reveal())</a></li>"
        }
        let shared: HTML =
            links.isEmpty
            ? .empty
            : "<section id=\"shared-files\"><h2>\(t("partner.files"))</h2><ul>\(links.joined())</ul></section>"
        let options: [HTML] = VerificationAnswer.allCases.map { a in
            """
            <label><input type="radio" name="answer" value="\(a.rawValue)"\
            \(HTML(trusted: v.answer == a ? " checked" : ""))> \
            \(a.localizedLabel)</label>
            """
        }
        let current: HTML =
            v.answer.map { answer in
                let when = v.answeredAt.map { " (\(words.day(seconds: $0)))" } ?? ""
                let text = t("partner.your-answer-is", ["answer": answer.localizedLabel])
                return "<p class=\"notice\" id=\"current-answer\">\(text)\(when)</p>"
            } ?? .empty
        let title = t("partner.title", ["date": words.day(seconds: v.askedAt)])
        return OfficeLayout(title: title, account: viewer, csrf: csrf, translated: true).render(
            """
            <p><a href="\(OfficeRoute.partnerRequests.path)">\(t("office.nav.verification-requests"))</a></p>
            <h1>\(title)</h1>
            \(notice.map { "<p class=\"notice\" role=\"status\" id=\"notice\">\($0)</p>" } ?? .empty)
            \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
            <section class="shared" id="shared"><h2>\(t("partner.shared"))</h2>
            <p class="message" dir="auto">\(v.shared.reveal())</p></section>
            \(shared)
            \(current)
            <form method="post" action="\(OfficeRoute.partnerRequest(id: v.id).path)" class="office-form">\(CSRF.field(csrf))
            <fieldset><legend>\(t("partner.your-answer"))</legend>\(options.joined(separator: "\n"))</fieldset>
            \(EditorialPages.textarea("note", label: t("partner.note"), value: v.note?.reveal() ?? "", rows: 5, error: nil))
            <p class="actions"><button type="submit">\(t("partner.send"))</button></p></form>
            """)
    }
}
