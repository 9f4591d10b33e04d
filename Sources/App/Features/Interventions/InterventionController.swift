import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Drafting, approving and publishing interventions (urgent appeals, press releases, open letters), their
/// follow-ups and translations. Case officers only; the approver must not be the drafter.
struct InterventionController: Sendable {
    let registry: RouteRegistry
    static let access = CaseController.access

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(
            .GET, OfficeRoute.newIntervention(caseID: "", query: "").pattern, Self.access, registry: registry,
            use: newForm)
        routes.declare(
            .POST, OfficeRoute.newIntervention(caseID: "", query: "").pattern, Self.access, registry: registry,
            maxBody: "2mb", use: create)
        routes.declare(.GET, OfficeRoute.intervention(id: "").pattern, Self.access, registry: registry, use: show)
        routes.declare(
            .POST, OfficeRoute.intervention(id: "").pattern, Self.access, registry: registry, maxBody: "2mb", use: act)
    }

    /// The first text: a template for an original or a follow-up, the original's text for a translation.
    @Sendable func newForm(req: Request) async throws -> Response {
        let file = try await CaseController.target(req), cipher = req.site.cipher
        let followUpOf = req.query[String.self, at: "follow_up_of"],
            translationOf = req.query[String.self, at: "translation_of"]
        var language = req.query[String.self, at: "language"].flatMap(Language.init(rawValue:)) ?? .en
        var kind = req.query[String.self, at: "kind"].flatMap(InterventionKind.init(rawValue:)) ?? .urgentAppeal
        let base =
            try await (followUpOf ?? translationOf).asyncMap {
                try await InterventionStore.find($0, cipher: cipher, on: req.db)
            } ?? nil
        if (followUpOf ?? translationOf) != nil && (base == nil || base!.caseID != file.id) {
            throw Abort(.notFound, reason: "There is no such intervention on this case.")
        }
        if let base { kind = base.kind; if followUpOf != nil { language = base.language } }
        var draft: InterventionStore.Draft
        if let base, translationOf != nil {
            // The translator writes from the original shown beside the form, not over a copy of it.
            draft = .init(
                kind: kind, language: language, followUpOf: nil, translationOf: base.id, title: .empty,
                summary: .empty, body: .empty)
        } else {
            let addresses = try await AddressBook.addresses(country: file.country, on: req.db).map {
                "\($0.label): \($0.address)"
            }
            let people = file.people.map { $0.name.reveal() }, acts = Set(file.acts.map(\.type))
            let template = InterventionTemplate.draft(
                kind: kind, language: language, followUp: followUpOf != nil,
                country: file.countryName, people: people,
                addresses: addresses, acts: acts)
            draft = .init(
                kind: kind, language: language, followUpOf: base?.id, translationOf: nil,
                title: Confidential(template.title), summary: .empty, body: Confidential(template.body))
        }
        let original = translationOf != nil ? base : nil
        return try await InterventionPages.new(
            file, draft: draft, errors: [:], viewer: try req.account,
            csrf: CSRF.token(for: req), original: original
        )
        .encodeResponse(for: req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let file = try await CaseController.target(req), form = req.form, viewer = try req.account
        guard let kind = InterventionKind(rawValue: form["kind"]), let language = Language(rawValue: form["language"])
        else {
            throw Abort(.badRequest, reason: "Choose the kind and the language from the lists.")
        }
        let followUpOf = form["follow_up_of"].isEmpty ? nil : form["follow_up_of"]
        let translationOf = form["translation_of"].isEmpty ? nil : form["translation_of"]
        var original: Intervention? = nil
        for id in [followUpOf, translationOf].compactMap({ $0 }) {
            guard let base = try await InterventionStore.find(id, cipher: req.site.cipher, on: req.db),
                base.caseID == file.id
            else {
                throw Abort(.badRequest, reason: "The intervention this one follows or translates is not on this case.")
            }
            if id == translationOf { original = base }
        }
        let draft = InterventionStore.Draft(
            kind: kind, language: language, followUpOf: followUpOf, translationOf: translationOf,
            title: Confidential(form["title"]), summary: Confidential(form["summary"]),
            body: Confidential(
                form.raw("body").replacingOccurrences(
                    of: "\r\n",
                    with: "\n")))
        let errors = InterventionPages.problems(
            title: draft.title.reveal(), summary: draft.summary.reveal(),
            body: draft.body.reveal())
        guard errors.isEmpty else {
            return try await InterventionPages.new(
                file, draft: draft, errors: errors, viewer: viewer,
                csrf: CSRF.token(for: req), original: original
            )
            .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let id = try await InterventionStore.create(
            draft, case: file.id, by: viewer.email, now: req.site.clock.now(), cipher: req.site.cipher, on: req.db)
        return req.redirect(within: OfficeRoute.intervention(id: id).path)
    }

    func target(_ req: Request) async throws -> (Intervention, CaseFile) {
        let id = req.parameters.get("id") ?? ""
        guard let intervention = try await InterventionStore.find(id, cipher: req.site.cipher, on: req.db),
            let file = try await CaseStore.find(intervention.caseID, cipher: req.site.cipher, on: req.db)
        else {
            throw Abort(.notFound, reason: "There is no intervention “\(id.prefix(80))”.")
        }
        return (intervention, file)
    }

    /// The original a translation is made from, shown beside it.
    func originalOf(_ i: Intervention, _ req: Request) async throws -> Intervention? {
        guard let id = i.translationOf else { return nil }
        return try await InterventionStore.find(id, cipher: req.site.cipher, on: req.db)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let (intervention, file) = try await target(req), viewer = try req.account
        try await AuditLog.record(
            AuditEvent(
                actor: viewer.email, action: "intervention.view", recordType: "intervention", recordID: intervention.id),
            now: req.site.clock.now(), on: req.db)
        let notice = req.query[String.self, at: "notice"].flatMap { InterventionPages.notices[$0] }
        let exceptions = try await RedactionExceptions.load(intervention, cipher: req.site.cipher, on: req.db)
        let original = try await originalOf(intervention, req)
        return try await InterventionPages.show(
            intervention, file: file, notice: notice, errors: [:], viewer: viewer,
            csrf: CSRF.token(for: req),
            exceptions: exceptions, original: original
        )
        .encodeResponse(for: req)
    }

    /// Save, approve or publish, by the button pressed.
    @Sendable func act(req: Request) async throws -> Response {
        let (intervention, file) = try await target(req), viewer = try req.account, now = req.site.clock.now(),
            form = req.form
        let exceptions = try await RedactionExceptions.load(intervention, cipher: req.site.cipher, on: req.db)
        var redactor = file.redactor(for: intervention)
        redactor.exceptions = Set(exceptions.map { $0.value.reveal() })
        func refuse(_ errors: [String: String]) async throws -> Response {
            let original = try await originalOf(intervention, req)
            return try await InterventionPages.show(
                intervention, file: file, notice: nil, errors: errors,
                viewer: viewer, csrf: CSRF.token(for: req),
                exceptions: exceptions, original: original
            )
            .encodeResponse(status: .unprocessableEntity, for: req)
        }
        switch form["action"] {
        case "save":
            guard intervention.status != .published else {
                return try await refuse(["action": "A published intervention is not edited: draft a follow-up."])
            }
            let (title, summary, body) = (
                form["title"], form["summary"], form.raw("body").replacingOccurrences(of: "\r\n", with: "\n")
            )
            let errors = InterventionPages.problems(title: title, summary: summary, body: body)
            guard errors.isEmpty else { return try await refuse(errors) }
            let cipher = req.site.cipher
            try await req.db.write { tx in
                try await InterventionStore.update(
                    intervention, title: title, summary: summary, body: body,
                    by: viewer.email, now: now, cipher: cipher, on: tx)
                try await AuditLog.record(
                    AuditEvent(
                        actor: viewer.email, action: "intervention.update",
                        recordType: "intervention", recordID: intervention.id),
                    now: now, on: tx)
            }
            return req.redirect(within: OfficeRoute.intervention(id: intervention.id).path + "?notice=saved")
        case "approve":
            let read = form["revision"].isEmpty ? nil : Int(form["revision"]) ?? -1
            let readHash = form["version"].isEmpty ? nil : form["version"]
            let result = try await InterventionWorkflow.approve(
                intervention, file: file, by: viewer.email, now: now,
                read: read,
                readHash: readHash, redactor: redactor, on: req.db)
            if case .failure(let refusal) = result { return try await refuse(["action": refusal.description]) }
            return req.redirect(within: OfficeRoute.intervention(id: intervention.id).path + "?notice=approved")
        case "publish":
            let result = try await InterventionWorkflow.publish(
                intervention, file: file, by: viewer.email, now: now,
                redactor: redactor,
                on: req.db)
            if case .failure(let refusal) = result { return try await refuse(["action": refusal.description]) }
            req.site.contentWatcher.invalidate()
            return req.redirect(within: OfficeRoute.intervention(id: intervention.id).path + "?notice=published")
        case "not-the-person":
            if let problem = try await RedactionExceptions.record(
                form["occurrence"], reason: form["reason"],
                for: intervention, file: file, by: viewer.email,
                now: now, cipher: req.site.cipher, on: req.db)
            {
                return try await refuse(["exception": problem.description])
            }
            return req.redirect(within: OfficeRoute.intervention(id: intervention.id).path + "?notice=excepted")
        default:
            throw Abort(.badRequest, reason: "Unknown action “\(form["action"].prefix(20))”.")
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
