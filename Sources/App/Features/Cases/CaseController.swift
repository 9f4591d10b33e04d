import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Case officers' cases: the dashboard and list, opening a case, the case file, its details and its status.
struct CaseController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.caseOfficer])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.cases(status: "").pattern, Self.access, registry: registry, use: index)
        routes.declare(.GET, OfficeRoute.newCase.pattern, Self.access, registry: registry, use: newForm)
        routes.declare(.POST, OfficeRoute.newCase.pattern, Self.access, registry: registry, use: create)
        routes.declare(.GET, OfficeRoute.caseFile(id: "").pattern, Self.access, registry: registry, use: show)
        routes.declare(.POST, OfficeRoute.caseFile(id: "").pattern, Self.access, registry: registry, use: update)
        routes.declare(.POST, OfficeRoute.caseStatus(id: "").pattern, Self.access, registry: registry, use: status)
        routes.declare(
            .POST, OfficeRoute.caseKitConflict(id: "", conflict: "").pattern, Self.access,
            registry: registry, use: decideKitConflict)
    }

    @Sendable func index(req: Request) async throws -> Response {
        let status = req.query[String.self, at: "status"].flatMap(CaseStatus.init(rawValue:))
        let now = req.site.clock.now(), cipher = req.site.cipher
        let dashboard = try await CaseDashboard.load(
            now: now, cipher: cipher,
            retention: req.site.config.retention, on: req.db)
        let cases = try await CaseStore.list(status: status, cipher: cipher, on: req.db)
        return try await CasePages.index(
            dashboard: dashboard, cases: cases, status: status, viewer: try req.account,
            csrf: CSRF.token(for: req)
        ).encodeResponse(for: req)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        try await CasePages.new(CaseForm(), errors: [:], viewer: try req.account, csrf: CSRF.token(for: req))
            .encodeResponse(for: req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let form = CaseForm(form: req.form), viewer = try req.account, now = req.site.clock.now()
        guard case .success(let new) = form.validate() else {
            let errors = form.errors
            return try await CasePages.new(form, errors: errors, viewer: viewer, csrf: CSRF.token(for: req))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let cipher = req.site.cipher
        let id = try await req.db.write { tx in
            let id = try await CaseStore.open(new, by: viewer.email, now: now, cipher: cipher, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "case.open", recordType: "case",
                    recordID: id),
                now: now, on: tx)
            return id
        }
        return req.redirect(within: OfficeRoute.caseFile(id: id).path)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let file = try await Self.target(req), viewer = try req.account
        try await AuditLog.record(
            AuditEvent(actor: viewer.email, action: "case.view", recordType: "case", recordID: file.id),
            now: req.site.clock.now(), on: req.db)
        let organisations = try await VerificationStore.partnerOrganisations(on: req.db)
        let notice = req.query[String.self, at: "notice"].flatMap { CaseFilePage.notices[$0] }
        let conflicts = try await KitConflicts.shown(.caseFile(file.id), cipher: req.site.cipher, on: req.db)
        return try await CaseFilePage.render(
            file, organisations: organisations, notice: notice, errors: [:], viewer: viewer,
            csrf: CSRF.token(for: req), kitConflicts: conflicts
        ).encodeResponse(for: req)
    }

    /// A conflict a merged mission kit left on this case: keep the office's value, or take the kit's.
    @Sendable func decideKitConflict(req: Request) async throws -> Response {
        let file = try await Self.target(req), viewer = try req.account
        let conflict = req.parameters.get("conflict") ?? ""
        let decided = try await KitConflicts.decide(
            conflict, .caseFile(file.id), keep: req.form["keep"], by: viewer.email,
            now: req.site.clock.now(), cipher: req.site.cipher, on: req.db)
        switch decided {
        case .done: return req.redirect(within: OfficeRoute.caseFile(id: file.id).path)
        case .unknown:
            throw Abort(
                .notFound,
                reason: """
                    There is no kit conflict “\(conflict.prefix(80))” to decide on this case.
                    """)
        case .badChoice: throw Abort(.badRequest, reason: "Choose to keep the office's value or to take the kit's.")
        case .anonymised:
            throw Abort(
                .conflict,
                reason: "This case was anonymised at the office: a kit's value is not written "
                    + "back into it. Keep the office's value.")
        case .badDates(let problem): throw Abort(.conflict, reason: KitConflicts.badDatesReason(problem))
        }
    }

    @Sendable func update(req: Request) async throws -> Response {
        let file = try await Self.target(req), form = req.form
        guard let risk = RiskLevel(rawValue: form["risk"]) else {
            throw Abort(.badRequest, reason: "Choose a risk level from the list.")
        }
        let label = form["label"]
        guard !label.isEmpty, label.count <= 300 else {
            return try await Self.again(file, req, errors: ["label": t("casefile.error.label")])
        }
        let actor = try req.account.email, now = req.site.clock.now()
        let notes = String(form.raw("notes").prefix(100_000)), cipher = req.site.cipher
        try await req.db.write { tx in
            try await CaseStore.update(
                file.id, label: label, risk: risk, notes: notes, by: actor, now: now,
                cipher: cipher, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "case.update", recordType: "case",
                    recordID: file.id),
                now: now, on: tx)
        }
        return req.redirect(within: OfficeRoute.caseFile(id: file.id).path + "?notice=saved")
    }

    @Sendable func status(req: Request) async throws -> Response {
        let file = try await Self.target(req), form = req.form
        guard let target = CaseStatus(rawValue: form["status"]) else {
            throw Abort(.badRequest, reason: "Choose a status from the list.")
        }
        let outcome = form["outcome"].isEmpty ? nil : Outcome(rawValue: form["outcome"])
        if !form["outcome"].isEmpty && outcome == nil {
            throw Abort(.badRequest, reason: "Choose an outcome from the list.")
        }
        let result = try await CaseStore.changeStatus(
            file.id, from: file.status, to: target, outcome: outcome, by: try req.account.email,
            now: req.site.clock.now(), on: req.db)
        if case .failure(let refusal) = result {
            return try await Self.again(file, req, errors: ["status": refusal.description])
        }
        return req.redirect(within: OfficeRoute.caseFile(id: file.id).path + "?notice=status")
    }

    /// The case named in the path, or a 404.
    static func target(_ req: Request) async throws -> CaseFile {
        let id = req.parameters.get("id") ?? ""
        guard let file = try await CaseStore.find(id, cipher: req.site.cipher, on: req.db) else {
            throw Abort(.notFound, reason: "There is no case “\(id.prefix(80))”.")
        }
        return file
    }

    /// The case file again, with the problems of the form just sent.
    static func again(_ file: CaseFile, _ req: Request, errors: [String: String]) async throws -> Response {
        let organisations = try await VerificationStore.partnerOrganisations(on: req.db)
        return try await CaseFilePage.render(
            file, organisations: organisations, notice: nil, errors: errors, viewer: try req.account,
            csrf: CSRF.token(for: req)
        ).encodeResponse(status: .unprocessableEntity, for: req)
    }
}
