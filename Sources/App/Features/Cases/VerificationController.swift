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
        let requests = try await VerificationStore.forOrganisation(viewer.organisationID ?? "", cipher: req.site.cipher, on: req.db)
        return try await PartnerPages.index(requests, now: req.site.clock.now().seconds, viewer: viewer, csrf: CSRF.token(for: req))
            .encodeResponse(for: req)
    }

    /// The request, only when addressed to the viewer's organisation (any other id is "not found") and while
    /// the access the case officer gave lasts.
    func target(_ req: Request) async throws -> Verification {
        let id = req.parameters.get("id") ?? ""
        guard let organisation = try req.account.organisationID,
              let found = try await VerificationStore.find(id, organisationID: organisation, cipher: req.site.cipher, on: req.db) else {
            throw Abort(.notFound, reason: "There is no request “\(id.prefix(80))” for your organisation.")
        }
        guard found.isOpen(at: req.site.clock.now().seconds) else {
            throw Abort(.forbidden, reason: "Your access to this request has ended. Ask the Observatory’s case officer if you still need it.")
        }
        return found
    }

    @Sendable func show(req: Request) async throws -> Response {
        let request = try await target(req), viewer = try req.account
        try await AuditLog.record(AuditEvent(actor: viewer.email, action: "verification.view", recordType: "case", recordID: request.caseID),
                                  now: req.site.clock.now(), on: req.db)
        return try await PartnerPages.show(request, error: nil, viewer: viewer, csrf: CSRF.token(for: req)).encodeResponse(for: req)
    }

    @Sendable func answer(req: Request) async throws -> Response {
        let request = try await target(req), viewer = try req.account
        guard let answer = VerificationAnswer(rawValue: req.form["answer"]) else {
            return try await PartnerPages.show(request, error: "Choose an answer.", viewer: viewer, csrf: CSRF.token(for: req))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let note = req.form.raw("note").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 20_000 else {
            return try await PartnerPages.show(request, error: "The note is limited to 20,000 characters.", viewer: viewer, csrf: CSRF.token(for: req))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        try await VerificationStore.answer(request, answer: answer, note: note, by: viewer.email, now: req.site.clock.now(),
                                           cipher: req.site.cipher, on: req.db)
        return req.redirect(within: OfficeRoute.partnerRequest(id: request.id).path)
    }
}

/// The partner's pages.
enum PartnerPages {
    static func index(_ requests: [Verification], now: Int64, viewer: Account, csrf: String) -> HTML {
        let rows: [HTML] = requests.map { v in
            let access: HTML = v.expiresAt.map { "until \(CasePages.day($0))" } ?? ""
            return v.isOpen(at: now)
                ? "<tr><td><a href=\"\(OfficeRoute.partnerRequest(id: v.id).path)\">Request of \(CasePages.day(v.askedAt))</a> \(access)</td><td>\(v.answer?.label ?? "Waiting for your answer")</td></tr>"
                : "<tr class=\"expired\"><td>Request of \(CasePages.day(v.askedAt)) (access ended)</td><td>\(v.answer?.label ?? "")</td></tr>"
        }
        return OfficeLayout(title: "Verification requests", account: viewer, csrf: csrf).render("""
        <h1>Verification requests</h1>
        <p>The Observatory asks your organisation to confirm information about defenders at risk. Only what is shown here was shared with you.</p>
        <table class="office" id="requests"><thead><tr><th>Request</th><th>Your answer</th></tr></thead><tbody>\(rows.joined())</tbody></table>
        """)
    }

    static func show(_ v: Verification, error: String?, viewer: Account, csrf: String) -> HTML {
        let options: [HTML] = VerificationAnswer.allCases.map { a in
            "<label><input type=\"radio\" name=\"answer\" value=\"\(a.rawValue)\"\(HTML(trusted: v.answer == a ? " checked" : ""))> \(a.label)</label>"
        }
        return OfficeLayout(title: "Verification request", account: viewer, csrf: csrf).render("""
        <p><a href="\(OfficeRoute.partnerRequests.path)">Verification requests</a></p>
        <h1>Verification request of \(CasePages.day(v.askedAt))</h1>
        \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
        <section class="shared" id="shared"><h2>What the Observatory shared with you</h2><p class="message">\(v.shared.reveal())</p></section>
        \(v.answer.map { "<p class=\"notice\" id=\"current-answer\">Your answer: \($0.label)\(v.answeredAt.map { " (\(CasePages.day($0)))" } ?? "")</p>" } ?? .empty)
        <form method="post" action="\(OfficeRoute.partnerRequest(id: v.id).path)" class="office-form">\(CSRF.field(csrf))
        <fieldset><legend>Your answer</legend>\(options.joined(separator: "\n"))</fieldset>
        \(EditorialPages.textarea("note", label: "Note for the Observatory", value: v.note?.reveal() ?? "", rows: 5, error: nil))
        <p class="actions"><button type="submit">Send the answer</button></p></form>
        """)
    }
}
