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
        routes.declare(
            .POST, OfficeRoute.newPublication.pattern, Self.access, registry: registry, maxBody: "2mb", use: create)
        routes.declare(.GET, OfficeRoute.publication(id: "").pattern, Self.access, registry: registry, use: edit)
        routes.declare(
            .POST, OfficeRoute.publication(id: "").pattern, Self.access, registry: registry, maxBody: "2mb", use: update
        )
    }

    @Sendable func index(req: Request) async throws -> Response {
        let text = req.query[String.self, at: "q"] ?? ""
        let status = (req.query[String.self, at: "status"]).flatMap(EditorialStatus.init(rawValue:))
        let page = max(1, min(req.query[Int.self, at: "page"] ?? 1, 10_000))
        let items = try await EditorialStore.list(text: text, status: status, page: page, pageSize: 50, on: req.db)
        return try await EditorialPages.index(
            items: items, text: text, status: status, page: page, viewer: try req.account,
            csrf: CSRF.token(for: req)
        ).encodeResponse(for: req)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        try await EditorialPages.form(
            .init(id: nil, form: PublicationForm(today: req.site.clock.today), status: .draft),
            viewer: try req.account, csrf: CSRF.token(for: req)
        ).encodeResponse(for: req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try await save(req, id: EditorialStore.newID(), current: nil)
    }

    @Sendable func edit(req: Request) async throws -> Response {
        let viewer = try req.account, record = try await target(req)
        try await AuditLog.record(
            AuditEvent(
                actor: viewer.email, action: "publication.view", recordType: "publication",
                recordID: record.publication.id), now: req.site.clock.now(), on: req.db)
        var context = EditorialPages.FormContext(
            id: record.publication.id,
            form: PublicationForm(
                record.publication,
                publishAt: record.publishAt),
            status: record.status, publishAt: record.publishAt, preview: Markdown.render(record.publication.body))
        context.fourEyes = try await EditorialFourEyes.state(
            of: record,
            exempt: try await FourEyesStore.exemptTypes(on: req.db), on: req.db)
        context.notice =
            req.query[
                String.self,
                at: "approved"] != nil ? "Approved: this exact version may now be published." : nil
        return try await EditorialPages.form(context, viewer: viewer, csrf: CSRF.token(for: req)).encodeResponse(
            for: req)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let record = try await target(req)
        return try await save(req, id: record.publication.id, current: record)
    }

    func target(_ req: Request) async throws -> EditorialRecord {
        let id = req.parameters.get("id") ?? ""
        guard let record = try await EditorialStore.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "There is no publication “\(id.prefix(80))”.")
        }
        return record
    }

    /// Four eyes and allocated reference codes, for every button: what may not happen is named on its field.
    /// A changed text voids approvals, so publishing or scheduling needs the saved version, approved by someone
    /// other than its latest author (unless an administrator exempted the type); a public text is not changed in
    /// place; a scheduled one that changes goes back to draft.
    func fourEyes(
        _ p: ArchivePublication, current: EditorialRecord?, action: String, target: inout EditorialStatus,
        publishAt: inout Int64?, exempt: Set<PublicationType>, viewer: Account, req: Request,
        errors: inout [String: String]
    ) async throws {
        let stored = current?.publication
        if (p.reference ?? "") != (stored?.reference ?? "") {
            errors["reference"] =
                "Reference codes are allocated by the case workflow when a case officer "
                + "approves an intervention, "
                + "never typed here: leave the code as it was."
        }
        if p.type == .urgentIntervention && (stored?.type != .urgentIntervention || stored?.reference == nil) {
            errors["type"] =
                "An urgent intervention is made from its case (drafted, approved by a second case "
                + "officer, its code "
                + "allocated), not from the back office."
        }
        // The exemption belongs to what the publication was, not to what the form now declares: a statement
        // (approved, perhaps public) relabelled "event" by one editor would otherwise go out on her word alone.
        if let stored, !exempt.contains(stored.type), exempt.contains(p.type) {
            errors["type"] =
                "A \(stored.type.rawValue) does not become a type published without a second "
                + "person's approval: make a new publication of that type instead."
        }
        let changed = stored.map { EditorialFourEyes.hash($0) != EditorialFourEyes.hash(p) } ?? true
        let isExempt =
            exempt.contains(p.type) && exempt.contains(stored?.type ?? p.type)
            && p.type != .urgentIntervention
        switch action {
        case "approve":
            if current == nil || changed {
                errors["action"] =
                    "Approve the saved version: this form differs from it. Save the changes "
                    + "first (then another person approves)."
            }
        case "publish", "schedule":
            // Only the date differs from an approved version: say so (scheduling for another day changes it).
            let onlyDate =
                changed && !isExempt && stored != nil && stored!.published != p.published
                && EditorialFourEyes.hash(
                    {
                        var q = p; q.published = stored!.published; return q
                    }())
                    == EditorialFourEyes.hash(stored!)
            let approvedDate =
                onlyDate
                ? try await FourEyesStore.check(
                    EditorialFourEyes.subject(p.id),
                    hash: EditorialFourEyes.hash(stored!), fallback: nil, exempt: false, on: req.db) == nil : false
            if approvedDate, let stored {
                errors[action == "schedule" ? "publish_at" : "date"] =
                    "The date is part of what was approved ("
                    + "\(stored.published.description)): publish it on that day, or change the date, save it and "
                    + "have it approved again."
            } else if changed && !isExempt {
                errors["action"] = "Save this version first: a second person must approve exactly what goes public."
            } else if let refused = try await FourEyesStore.check(
                EditorialFourEyes.subject(p.id),
                hash: EditorialFourEyes.hash(p),
                fallback: nil, exempt: isExempt, on: req.db)
            {
                errors["action"] = refused.description
            }
        case "save":
            if changed && !isExempt && current?.status == .published {
                errors["action"] =
                    "This publication is public: its text changes only after a second person "
                    + "approves the new version. "
                    + "Unpublish it, change it, have it approved, then publish it again."
            }
            if changed && !isExempt && current?.status == .scheduled { target = .draft; publishAt = nil }
        default: break
        }
        if ["approve", "publish", "schedule"].contains(action) {
            let leaks = try await EditorialFourEyes.leaks(in: p, cipher: req.site.cipher, on: req.db)
            if !leaks.isEmpty {
                errors["body"] =
                    "This text comes from a case and still contains "
                    + "\(t("count.confidential-values", count: leaks.count)) "
                    + "of it (a name of someone not agreeing to be named, a contact, a source): change it first."
            }
        }
    }

    /// One handler for every button of the form: preview, save, approve, publish, unpublish, schedule.
    func save(_ req: Request, id: String, current: EditorialRecord?) async throws -> Response {
        let viewer = try req.account, now = req.site.clock.now(), action = req.form["action"]
        var form = PublicationForm(form: req.form)
        var context = EditorialPages.FormContext(
            id: current?.publication.id, form: form, status: current?.status ?? .draft, publishAt: current?.publishAt)
        guard
            let step = EditorialTarget.of(
                action, current: current, publishAtSeconds: form.publishAtSeconds,
                now: now)
        else { throw Abort(.badRequest, reason: "Unknown action “\(action.prefix(20))”.") }
        var target = step.status, publishAt = step.publishAt
        if let problem = step.problem { context.errors["publish_at"] = problem }
        if let date = step.date { form.date = date; context.form.date = date }
        let result = try await form.validate(id: id) { try await EditorialStore.exists($0, on: req.db) }
        context.preview = Markdown.render(form.body)
        if case .failure(let invalid) = result { context.errors.merge(invalid.errors) { a, _ in a } }
        let exempt = try await FourEyesStore.exemptTypes(on: req.db)
        if let current { context.fourEyes = try await EditorialFourEyes.state(of: current, exempt: exempt, on: req.db) }
        if case .success(let publication) = result, action != "preview" {
            try await fourEyes(
                publication, current: current, action: action, target: &target, publishAt: &publishAt,
                exempt: exempt,
                viewer: viewer, req: req, errors: &context.errors)
        }
        guard action != "preview", context.errors.isEmpty, case .success(let publication) = result else {
            let status: HTTPStatus = context.errors.isEmpty ? .ok : .unprocessableEntity
            return try await EditorialPages.form(context, viewer: viewer, csrf: CSRF.token(for: req)).encodeResponse(
                status: status, for: req)
        }
        if action == "approve" {
            let refused = try await req.db.write { tx in
                let refused = try await FourEyesStore.approve(
                    EditorialFourEyes.subject(id),
                    revision: Int(req.form["revision"]) ?? -1,
                    hash: EditorialFourEyes.hash(publication), by: viewer.email,
                    fallback: nil, now: now, on: tx)
                if refused == nil {
                    try await AuditLog.record(
                        AuditEvent(
                            actor: viewer.email, action: "publication.approve",
                            recordType: "publication", recordID: id,
                            detail: "revision \(req.form["revision"])"), now: now, on: tx)
                }
                return refused
            }
            if let refused {
                context.errors["action"] = refused.description
                return try await EditorialPages.form(context, viewer: viewer, csrf: CSRF.token(for: req))
                    .encodeResponse(status: .unprocessableEntity, for: req)
            }
            return req.redirect(within: OfficeRoute.publication(id: id).path + "?approved=1")
        }
        let changed =
            current.map { EditorialFourEyes.hash($0.publication) != EditorialFourEyes.hash(publication) }
            ?? true
        let verb =
            current == nil
            ? "create"
            : (target != current!.status
                ? (target == .published ? "publish" : (target == .draft ? "unpublish" : "schedule")) : "update")
        let detail = target == .scheduled ? "scheduled for \(iso8601(seconds: publishAt!))" : target.label.lowercased()
        let status = target, at = target == .scheduled ? publishAt : nil
        try await req.db.write { tx in
            try await EditorialStore.save(publication, status: status, publishAt: at, now: now, on: tx)
            if changed {
                // A new revision by this editor: every earlier approval of the publication is void.
                try await FourEyesStore.recordChange(
                    EditorialFourEyes.subject(id),
                    hash: EditorialFourEyes.hash(publication), by: viewer.email,
                    now: now, on: tx)
            }
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "publication.\(verb)",
                    recordType: "publication",
                    recordID: id, detail: detail), now: now, on: tx)
        }
        req.site.contentWatcher.invalidate()
        return req.redirect(within: OfficeRoute.publication(id: id).path + "?saved=1")
    }
}
