import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Material assistance for case officers: requests, eligibility, two-person approval, payments, the beneficiary's
/// report.
struct AssistanceController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.caseOfficer])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.assistance.pattern, Self.access, registry: registry, use: index)
        routes.declare(
            .POST, OfficeRoute.assistance.pattern, Self.access, registry: registry, maxBody: "1mb", use: create)
        routes.declare(.GET, OfficeRoute.assistanceRequest(id: "").pattern, Self.access, registry: registry, use: show)
        routes.declare(
            .POST, OfficeRoute.assistanceRequest(id: "").pattern, Self.access, registry: registry, use: eligibility)
        routes.declare(
            .POST, OfficeRoute.assistanceApprove(id: "").pattern, Self.access, registry: registry, use: approve)
        routes.declare(
            .POST, OfficeRoute.assistanceReject(id: "").pattern, Self.access, registry: registry, use: reject)
        routes.declare(.POST, OfficeRoute.assistancePayments(id: "").pattern, Self.access, registry: registry, use: pay)
        routes.declare(
            .POST, OfficeRoute.assistanceBeneficiaryReport(id: "").pattern, Self.access, registry: registry, use: report
        )
    }

    @Sendable func index(req: Request) async throws -> Response {
        let settings = try await AssistanceSettings.load(on: req.db)
        return try await list(
            req, form: AssistanceForm(caseID: req.query[String.self, at: "case"] ?? "", currency: settings.currency),
            errors: [:], status: .ok)
    }

    func list(
        _ req: Request, form: AssistanceForm, errors: [String: String], status: HTTPStatus
    ) async throws -> Response {
        let settings = try await AssistanceSettings.load(on: req.db), cipher = req.site.cipher
        let requests = try await AssistanceStore.list(referenceCurrency: settings.currency, cipher: cipher, on: req.db)
        let file = form.caseID.isEmpty ? nil : try await CaseStore.find(form.caseID, cipher: cipher, on: req.db)
        let cases = try await CaseStore.headers(Array(Set(requests.map(\.caseID))), cipher: cipher, on: req.db)
        var choices = CaseChoices(query: req.query[String.self, at: "case_q"] ?? "")
        if file == nil {
            (choices.found, choices.more) = try await LinkChoices.cases(
                query: choices.query, cipher: cipher,
                on: req.db)
        }
        return try await AssistancePages.index(
            requests, caseLabels: cases.mapValues { $0.label.reveal() }, settings: settings,
            today: req.site.clock.today, form: form, file: file, errors: errors,
            viewer: try req.account, csrf: CSRF.token(for: req), cases: choices
        )
        .encodeResponse(status: status, for: req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let form = AssistanceForm(req.form), viewer = try req.account, now = req.site.clock.now(),
            settings = try await AssistanceSettings.load(on: req.db)
        let file = try await CaseStore.find(form.caseID, cipher: req.site.cipher, on: req.db)
        switch form.request(in: file, settings: settings, by: viewer.email) {
        case .failure(let e): return try await list(req, form: form, errors: e.fields, status: .unprocessableEntity)
        case .success(let r):
            let cipher = req.site.cipher
            try await req.db.write { tx in
                try await AssistanceStore.create(r, now: now, cipher: cipher, on: tx)
                try await Self.audit(
                    r, action: "request",
                    timeline: "Material assistance requested (\(r.kind.label.lowercased()))",
                    by: viewer.email, now: now, on: tx)
            }
            return req.redirect(within: OfficeRoute.assistanceRequest(id: r.id).path)
        }
    }

    func target(_ req: Request) async throws -> (AssistanceRequest, AssistanceSettings) {
        let settings = try await AssistanceSettings.load(on: req.db)
        guard
            let r = try await AssistanceStore.find(
                req.parameters.get("id") ?? "", referenceCurrency: settings.currency, cipher: req.site.cipher,
                on: req.db)
        else {
            throw Abort(.notFound, reason: "There is no such request for material assistance.")
        }
        return (r, settings)
    }

    func page(_ req: Request, error: String? = nil, errors: [String: String] = [:]) async throws -> Response {
        let (r, settings) = try await target(req)
        let file = try await CaseStore.find(r.caseID, cipher: req.site.cipher, on: req.db)
        let html = AssistanceRequestPage.render(
            r, file: file, settings: settings, today: req.site.clock.today, error: error, errors: errors,
            viewer: try req.account, csrf: CSRF.token(for: req))
        return try await html.encodeResponse(
            status: error == nil && errors.isEmpty ? .ok : .unprocessableEntity, for: req)
    }

    /// The timeline line and audit entry of a step, in the step's own write transaction `tx`.
    static func audit(
        _ r: AssistanceRequest, action: String, timeline: String?, by actor: String, now: Date,
        on tx: any Database
    ) async throws {
        if let timeline { try await Timeline.add(timeline, actor: actor, case: r.caseID, now: now, on: tx) }
        try await AuditLog.record(
            AuditEvent(
                actor: actor, action: "assistance.\(action)", recordType: "assistance",
                recordID: r.id), now: now, on: tx)
    }

    func done(_ req: Request, _ r: AssistanceRequest) -> Response {
        req.redirect(within: OfficeRoute.assistanceRequest(id: r.id).path)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let (r, _) = try await target(req)
        try await AuditLog.record(
            AuditEvent(
                actor: try req.account.email, action: "assistance.view", recordType: "assistance", recordID: r.id),
            now: req.site.clock.now(), on: req.db)
        return try await page(req)
    }
}
