import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Staff open, edit and close calls, read the answers and export them as CSV.
struct CallsOfficeController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.editor, .caseOfficer])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.calls.pattern, Self.access, registry: registry, use: index)
        routes.declare(.POST, OfficeRoute.calls.pattern, Self.access, registry: registry, maxBody: "1mb", use: save)
        routes.declare(.GET, OfficeRoute.call(id: "").pattern, Self.access, registry: registry, use: show)
        routes.declare(.GET, OfficeRoute.callAnswers(id: "").pattern, Self.access, registry: registry, use: export)
    }

    @Sendable func index(req: Request) async throws -> Response {
        try await CallPages.index(
            try await CallStore.all(on: req.db), error: nil, viewer: try req.account, csrf: CSRF.token(for: req)
        ).encodeResponse(for: req)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let form = req.form, viewer = try req.account, now = req.site.clock.now()
        let id = form["id"], deadline = form["deadline"]
        if form["action"] == "approve" { return try await approve(req, id: id) }
        guard id.count >= 3, id.count <= 60,
            id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }),
            !form["title"].isEmpty, form["title"].count <= 300, CivilDate(deadline) != nil
        else {
            return try await CallPages.index(
                try await CallStore.all(on: req.db),
                error: t("calls.error.address"),
                viewer: viewer, csrf: CSRF.token(for: req)
            ).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let title = form["title"], text = form.raw("text").replacingOccurrences(of: "\r\n", with: "\n")
        let refused = try await CallFourEyes.save(
            id: id, title: title, text: text, deadline: deadline,
            open: form["open"] == "yes", by: viewer.email, now: now, cipher: req.site.cipher, on: req.db)
        if let refused {
            return try await CallPages.index(
                try await CallStore.all(on: req.db), error: refused, viewer: viewer,
                csrf: CSRF.token(for: req)
            ).encodeResponse(status: .unprocessableEntity, for: req)
        }
        req.site.contentWatcher.invalidate()
        return req.redirect(within: OfficeRoute.call(id: id).path)
    }

    func target(_ req: Request) async throws -> CallForInput {
        guard let call = try await CallStore.find(req.parameters.get("id") ?? "", on: req.db) else {
            throw Abort(.notFound, reason: t("calls.error.none"))
        }
        return call
    }

    @Sendable func show(req: Request) async throws -> Response {
        let call = try await target(req), viewer = try req.account
        try await AuditLog.record(
            AuditEvent(actor: viewer.email, action: "call.answers.view", recordType: "call", recordID: call.id),
            now: req.site.clock.now(), on: req.db)
        let answers = try await CallStore.answers(call.id, cipher: req.site.cipher, on: req.db)
        let approval = try await CallFourEyes.state(call, on: req.db)
        return try await CallPages.show(
            call, answers: answers, viewer: viewer, csrf: CSRF.token(for: req),
            approval: approval
        ).encodeResponse(for: req)
    }

    @Sendable func export(req: Request) async throws -> Response {
        let call = try await target(req), viewer = try req.account
        try await AuditLog.record(
            AuditEvent(actor: viewer.email, action: "call.answers.export", recordType: "call", recordID: call.id),
            now: req.site.clock.now(), on: req.db)
        let response = Response(
            status: .ok,
            body: .init(
                string: CallStore.csv(try await CallStore.answers(call.id, cipher: req.site.cipher, on: req.db))))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"\(call.id)-answers.csv\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
