import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// `POST /api/v1/publications` and `PATCH /api/v1/publications/{id}`: a token's writes go through the office's
/// own form validation (`PublicationForm.validate`) and its own rules (`EditorialController.fourEyes`: reference
/// codes, urgent interventions, exemptions, four eyes, the leak check), then the office's own store, the four-eyes
/// revision record and the audit entry, in one transaction. There is no approving through the API: a text a token
/// wrote goes public only once another person approved that exact version in the office.
struct ApiWrites: Sendable {
    static let roles: Set<Role> = [.editor, .administrator]
    static let fields: Set<String> = [
        "title", "type", "kind", "language", "date", "countries", "programmes",
        "summary", "body", "reference", "follow_up_of", "translation_of", "event_date",
        "status", "publish_at"
    ]

    /// The JSON body as an object of known fields, each a string (or, for countries and programmes, strings).
    static func body(_ req: Request) throws -> [String: Any] {
        let type = req.headers.contentType
        guard type?.type == "application", type?.subType == "json" || type?.subType == "merge-patch+json" else {
            throw ApiProblem(status: .unsupportedMediaType, detail: "Send the publication as application/json.")
        }
        guard let buffer = req.body.data, buffer.readableBytes > 0,
            let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        else {
            throw ApiProblem(status: .badRequest, detail: "The body is not a JSON object.")
        }
        for (key, value) in object {
            guard fields.contains(key) else {
                throw ApiProblem(
                    status: .unprocessableEntity, detail: "Unknown field “\(key.prefix(60))”.",
                    errors: [
                        String(key.prefix(60)): "unknown field; known: "
                            + fields.sorted().joined(separator: ", ")
                    ])
            }
            let list = key == "countries" || key == "programmes"
            let fine = list ? (value as? [Any])?.allSatisfy { $0 is String } == true : value is String
            guard fine else {
                throw ApiProblem(
                    status: .unprocessableEntity,
                    detail: "“\(key)” must be "
                        + (list ? "an array of strings." : "a string."),
                    errors: [key: list ? "an array of strings" : "a string"])
            }
        }
        return object
    }

    /// The office's form, filled from JSON over what is stored (PATCH) or the form's defaults (POST).
    static func form(_ object: [String: Any], over start: PublicationForm) -> PublicationForm {
        var form = start
        func text(_ key: String) -> String? { object[key] as? String }
        if let v = text("title") { form.title = v }
        if let v = text("type") { form.type = v }
        if let v = text("kind") { form.kind = v }
        if let v = text("language") { form.language = v }
        if let v = text("date") { form.date = v }
        if let v = object["countries"] as? [String] { form.countries = v.joined(separator: "; ") }
        if let v = object["programmes"] as? [String] { form.programmes = v }
        if let v = text("summary") { form.summary = v }
        if let v = text("body") { form.body = v.replacingOccurrences(of: "\r\n", with: "\n") }
        if let v = text("reference") { form.reference = v }
        if let v = text("follow_up_of") { form.followUpOf = v }
        if let v = text("translation_of") { form.translationOf = v }
        if let v = text("event_date") { form.eventDate = v }
        if let v = text("publish_at") { form.publishAt = v }
        return form
    }

    @Sendable func create(req: Request) async throws -> Response {
        let caller = try req.apiCaller(scope: .publicationsWrite, roles: Self.roles)
        let object = try Self.body(req)
        return try await write(req, caller, object, id: EditorialStore.newID(), current: nil)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let caller = try req.apiCaller(scope: .publicationsWrite, roles: Self.roles)
        let id = req.parameters.get("id") ?? ""
        guard PageCursor.isID(id), let current = try await EditorialStore.find(id, on: req.db) else {
            throw ApiProblem(status: .notFound, detail: "There is no publication “\(id.prefix(80))”.")
        }
        let object = try Self.body(req)
        if let match = req.headers.first(name: .ifMatch),
            !match.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
                .contains(where: { $0 == "*" || $0 == Self.etag(current) })
        {
            throw ApiProblem(
                status: .conflict,
                detail: "The publication changed since you read it (If-Match): "
                    + "read it again, then send your change.")
        }
        return try await write(req, caller, object, id: id, current: current)
    }

    /// `GET /api/v1/drafts/{id}`: a back-office publication in any status, for tokens with `publications:read`.
    @Sendable func draft(req: Request) async throws -> Response {
        let caller = try req.apiCaller(scope: .publicationsRead, roles: Self.roles)
        _ = try ApiQuery(req, allowed: [])
        let id = req.parameters.get("id") ?? ""
        guard PageCursor.isID(id), let record = try await EditorialStore.find(id, on: req.db) else {
            throw ApiProblem(status: .notFound, detail: "There is no publication “\(id.prefix(80))”.")
        }
        let now = req.site.clock.now()
        try await req.db.write { tx in
            try await AuditLog.record(
                AuditEvent(
                    actor: caller.account.email, action: "publication.view",
                    recordType: "publication", recordID: id,
                    detail: "API token \(caller.token.id)"), now: now, on: tx)
        }
        let response = try await Self.answer(record, status: .ok, on: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    static func etag(_ record: EditorialRecord) -> String {
        "\"" + EditorialFourEyes.hash(record.publication).prefix(32) + "-" + record.status.rawValue + "\""
    }

    static func answer(_ record: EditorialRecord, status: HTTPStatus, on req: Request) async throws -> Response {
        let exempt = try await FourEyesStore.exemptTypes(on: req.db)
        let state = try await EditorialFourEyes.state(of: record, exempt: exempt, on: req.db)
        let response = try ApiController.json(
            ApiModel.Draft(
                record, revision: state.version.revision,
                approved: !state.approvedBy.isEmpty), status: status)
        response.headers.replaceOrAdd(name: .eTag, value: etag(record))
        return response
    }

    func write(
        _ req: Request, _ caller: ApiCaller, _ object: [String: Any], id: String,
        current: EditorialRecord?
    ) async throws -> Response {
        let now = req.site.clock.now(), viewer = caller.account
        var form = Self.form(
            object,
            over: current.map { PublicationForm($0.publication, publishAt: $0.publishAt) }
                ?? PublicationForm(today: req.site.clock.today))
        // The same buttons as the office's form: save (the default), publish, schedule, unpublish.
        let action: String
        switch object["status"] as? String {
        case nil: action = "save"
        case "draft": action = current?.status == .draft || current == nil ? "save" : "unpublish"
        case "published": action = "publish"
        case "scheduled": action = "schedule"
        case let other?:
            throw ApiProblem(
                status: .unprocessableEntity, detail: "Unknown status “\(other.prefix(20))”.",
                errors: ["status": "draft, published or scheduled"])
        }
        var errors: [String: String] = [:]
        guard
            let step = EditorialTarget.of(
                action, current: current, publishAtSeconds: form.publishAtSeconds,
                now: now)
        else { throw ApiProblem(status: .unprocessableEntity, detail: "Unknown status.") }
        var target = step.status, publishAt = step.publishAt
        if let problem = step.problem { errors["publish_at"] = problem }
        if let date = step.date { form.date = date }
        let result = try await form.validate(id: id) { try await EditorialStore.exists($0, on: req.db) }
        if case .failure(let invalid) = result { errors.merge(invalid.errors) { a, _ in a } }
        let exempt = try await FourEyesStore.exemptTypes(on: req.db)
        if case .success(let publication) = result {
            try await EditorialController(registry: req.site.routes).fourEyes(
                publication, current: current, action: action, target: &target, publishAt: &publishAt,
                exempt: exempt, viewer: viewer, req: req, errors: &errors)
        }
        guard errors.isEmpty, case .success(let publication) = result else {
            // Four eyes and the leak check refuse by rule (403); anything else is a field to correct (422).
            let rule = errors["action"] != nil || (errors["body"]?.contains("confidential") ?? false)
            throw ApiProblem(
                status: rule ? .forbidden : .unprocessableEntity,
                detail: rule
                    ? (errors["action"] ?? errors["body"]!)
                    : "Correct the fields named in “errors”; nothing was stored.", errors: errors)
        }
        let changed =
            current.map { EditorialFourEyes.hash($0.publication) != EditorialFourEyes.hash(publication) }
            ?? true
        let verb =
            current == nil
            ? "create"
            : (target != current!.status
                ? (target == .published ? "publish" : (target == .draft ? "unpublish" : "schedule")) : "update")
        let detail =
            (target == .scheduled
                ? "scheduled for \(iso8601(seconds: publishAt!))"
                : target.label.lowercased()) + "; API token \(caller.token.id)"
        let status = target, at = target == .scheduled ? publishAt : nil
        let seconds = Int64(now.timeIntervalSince1970)
        let expected = current.map { Self.etag($0) }
        try await req.db.write { tx in
            try await AccessTokenStore.checkStillActive(caller, now: seconds, on: tx)
            // Read again inside the write: a change that landed since the checks above is not overwritten.
            if tx.sql.dialect.name == "postgresql" {
                try await tx.sql.raw("SELECT id FROM publications WHERE id = \(bind: id) FOR UPDATE").run()
            }
            let stored = try await EditorialStore.find(id, on: tx)
            guard stored.map(Self.etag) == expected else {
                throw ApiProblem(
                    status: .conflict,
                    detail: "The publication changed while this request was "
                        + "checked; read it again, then send your change.")
            }
            try await EditorialStore.save(publication, status: status, publishAt: at, now: now, on: tx)
            if changed {
                try await FourEyesStore.recordChange(
                    EditorialFourEyes.subject(id),
                    hash: EditorialFourEyes.hash(publication), by: viewer.email,
                    now: now, on: tx)
            }
            try await AccessTokenStore.touch(caller.token, now: seconds, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "publication.\(verb)",
                    recordType: "publication", recordID: id, detail: detail),
                now: now, on: tx)
        }
        req.site.contentWatcher.invalidate()
        guard let saved = try await EditorialStore.find(id, on: req.db) else {
            throw ApiProblem(status: .internalServerError, detail: "The publication was stored but cannot be read.")
        }
        let response = try await Self.answer(saved, status: current == nil ? .created : .ok, on: req)
        if current == nil { response.headers.replaceOrAdd(name: .location, value: "/api/v1/drafts/\(id)") }
        return response
    }
}
