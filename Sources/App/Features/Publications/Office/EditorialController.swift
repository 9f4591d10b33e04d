import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// The editors' back office: list, write, preview, publish, unpublish and schedule publications.
struct EditorialController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.editor, .administrator])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.publications(query: "").pattern, Self.access, registry: registry, use: index)
        routes.declare(.GET, OfficeRoute.newPublication.pattern, Self.access, registry: registry, use: newForm)
        routes.declare(.POST, OfficeRoute.newPublication.pattern, Self.access, registry: registry, maxBody: "2mb", use: create)
        routes.declare(.GET, OfficeRoute.publication(id: "").pattern, Self.access, registry: registry, use: edit)
        routes.declare(.POST, OfficeRoute.publication(id: "").pattern, Self.access, registry: registry, maxBody: "2mb", use: update)
    }

    @Sendable func index(req: Request) async throws -> Response {
        let text = req.query[String.self, at: "q"] ?? ""
        let status = (req.query[String.self, at: "status"]).flatMap(EditorialStatus.init(rawValue:))
        let page = max(1, min(req.query[Int.self, at: "page"] ?? 1, 10_000))
        let items = try await EditorialStore.list(text: text, status: status, page: page, pageSize: 50, on: req.db)
        return try await EditorialPages.index(items: items, text: text, status: status, page: page, viewer: try req.account,
                                              csrf: CSRF.token(for: req)).encodeResponse(for: req)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        try await EditorialPages.form(.init(id: nil, form: PublicationForm(today: req.site.clock.today), status: .draft),
                                      viewer: try req.account, csrf: CSRF.token(for: req)).encodeResponse(for: req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try await save(req, id: EditorialStore.newID(), current: nil)
    }

    @Sendable func edit(req: Request) async throws -> Response {
        let viewer = try req.account, record = try await target(req)
        try await AuditLog.record(AuditEvent(actor: viewer.email, action: "publication.view", recordType: "publication",
                                             recordID: record.publication.id), now: req.site.clock.now(), on: req.db)
        let context = EditorialPages.FormContext(id: record.publication.id, form: PublicationForm(record.publication, publishAt: record.publishAt),
                                                 status: record.status, publishAt: record.publishAt, preview: Markdown.render(record.publication.body))
        return try await EditorialPages.form(context, viewer: viewer, csrf: CSRF.token(for: req)).encodeResponse(for: req)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let record = try await target(req)
        return try await save(req, id: record.publication.id, current: record)
    }

    func target(_ req: Request) async throws -> EditorialRecord {
        let id = req.parameters.get("id") ?? ""
        guard let record = try await EditorialStore.find(id, on: req.db) else { throw Abort(.notFound, reason: "There is no publication “\(id.prefix(80))”.") }
        return record
    }

    /// One handler for every button of the form: preview, save, publish, unpublish, schedule.
    func save(_ req: Request, id: String, current: EditorialRecord?) async throws -> Response {
        let viewer = try req.account, now = req.site.clock.now(), action = req.form["action"]
        var form = PublicationForm(form: req.form)
        var context = EditorialPages.FormContext(id: current?.publication.id, form: form, status: current?.status ?? .draft, publishAt: current?.publishAt)
        var target = current?.status ?? .draft
        var publishAt: Int64? = current?.publishAt
        switch action {
        case "publish": target = .published; publishAt = nil
        case "unpublish": target = .draft; publishAt = nil
        case "schedule":
            target = .scheduled
            publishAt = form.publishAtSeconds
            if publishAt == nil { context.errors["publish_at"] = "Give the moment as date and time (UTC), e.g. 2026-11-24T09:00." }
            else if publishAt! <= Int64(now.timeIntervalSince1970) { context.errors["publish_at"] = "Choose a moment in the future, or publish now." }
            else { form.date = iso8601(seconds: publishAt!).prefix(10).description; context.form.date = form.date }
        case "save", "preview": break
        default: throw Abort(.badRequest, reason: "Unknown action “\(action.prefix(20))”.")
        }
        let result = try await form.validate(id: id) { try await EditorialStore.exists($0, on: req.db) }
        context.preview = Markdown.render(form.body)
        if case .failure(let invalid) = result { context.errors.merge(invalid.errors) { a, _ in a } }
        guard action != "preview", context.errors.isEmpty, case .success(let publication) = result else {
            let status: HTTPStatus = context.errors.isEmpty ? .ok : .unprocessableEntity
            return try await EditorialPages.form(context, viewer: viewer, csrf: CSRF.token(for: req)).encodeResponse(status: status, for: req)
        }
        let verb = current == nil ? "create" : (target != current!.status ? (target == .published ? "publish" : (target == .draft ? "unpublish" : "schedule")) : "update")
        let detail = target == .scheduled ? "scheduled for \(iso8601(seconds: publishAt!))" : target.label.lowercased()
        let status = target, at = target == .scheduled ? publishAt : nil
        try await req.db.write { tx in
            try await EditorialStore.save(publication, status: status, publishAt: at, now: now, on: tx)
            try await AuditLog.record(AuditEvent(actor: viewer.email, action: "publication.\(verb)",
                                                 recordType: "publication",
                                                 recordID: id, detail: detail), now: now, on: tx)
        }
        req.site.contentWatcher.invalidate()
        return req.redirect(to: OfficeRoute.publication(id: id).path + "?saved=1", redirectType: .normal)
    }
}
