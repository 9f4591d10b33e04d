import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Adding to a case file: people at risk, acts, sources, questions to the reporter, attachments, and
/// requests for verification. Each write is on the timeline and in the audit trail.
struct CaseRecordController: Sendable {
    let registry: RouteRegistry
    static let access = CaseController.access

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.POST, OfficeRoute.casePeople(id: "").pattern, Self.access, registry: registry, use: addPerson)
        routes.declare(
            .POST, OfficeRoute.casePerson(id: "", person: "").pattern, Self.access, registry: registry,
            use: updatePerson)
        routes.declare(.POST, OfficeRoute.caseActs(id: "").pattern, Self.access, registry: registry, use: addAct)
        routes.declare(.POST, OfficeRoute.caseSources(id: "").pattern, Self.access, registry: registry, use: addSource)
        routes.declare(
            .POST, OfficeRoute.caseMessages(id: "").pattern, Self.access, registry: registry, use: addMessage)
        routes.declare(
            .POST, OfficeRoute.caseAttachments(id: "").pattern, Self.access, registry: registry,
            maxBody: ByteCount(value: Upload.maxFiles * Upload.maxBytes + 256 * 1024), use: addAttachments)
        routes.declare(
            .GET, OfficeRoute.caseAttachment(id: "", file: "").pattern, Self.access, registry: registry, use: attachment
        )
        routes.declare(
            .POST, OfficeRoute.caseVerifications(id: "").pattern, Self.access, registry: registry, use: askVerification)
    }

    /// Writes (`write`, given the actor, the time and the transaction) and audits in one transaction, then goes back
    /// to the case with a notice.
    func done(
        _ req: Request, _ file: CaseFile, _ action: String, notice: String,
        write: @escaping @Sendable (_ actor: String, _ now: Date, _ tx: any Database) async throws -> Void
    )
        async throws -> Response
    {
        let actor = try req.account.email, now = req.site.clock.now()
        try await req.db.write { tx in
            try await write(actor, now, tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "case.\(action)", recordType: "case",
                    recordID: file.id),
                now: now, on: tx)
        }
        return req.redirect(within: OfficeRoute.caseFile(id: file.id).path + "?notice=\(notice)")
    }

    @Sendable func addPerson(req: Request) async throws -> Response {
        let file = try await CaseController.target(req), form = req.form
        let name = form["person"], consents = form["consents"] == "yes", description = form["description"]
        if name.isEmpty || name.count > 300 {
            return try await CaseController.again(file, req, errors: ["person": t("casefile.error.name")])
        }
        if !consents && description.isEmpty {
            return try await CaseController.again(file, req, errors: ["description": t("casefile.error.description")])
        }
        let person = NewPerson(
            kind: AtRiskKind(rawValue: form["kind"]) ?? .defender, name: name, consents: consents,
            description: String(description.prefix(300)), contact: String(form["contact"].prefix(500)))
        let cipher = req.site.cipher
        return try await done(req, file, "person.add", notice: "person") { actor, now, tx in
            try await CaseRecords.addPerson(person, by: actor, to: file.id, now: now, cipher: cipher, on: tx)
        }
    }

    @Sendable func updatePerson(req: Request) async throws -> Response {
        let file = try await CaseController.target(req), form = req.form
        let consents = form["consents"] == "yes", description = form["description"]
        if !consents && description.isEmpty {
            return try await CaseController.again(file, req, errors: ["description": t("casefile.error.description")])
        }
        let person = req.parameters.get("person") ?? "", contact = String(form["contact"].prefix(500))
        let cipher = req.site.cipher
        return try await done(req, file, "person.update", notice: "saved") { actor, now, tx in
            guard
                try await CaseRecords.updatePerson(
                    person, of: file.id, consents: consents,
                    description: String(description.prefix(300)), contact: contact,
                    by: actor, now: now, cipher: cipher, on: tx)
            else {
                throw Abort(.notFound, reason: "There is no such person on this case.")
            }
        }
    }

    @Sendable func addAct(req: Request) async throws -> Response {
        let file = try await CaseController.target(req), form = req.form
        guard let type = ActType(rawValue: form["type"]) else {
            return try await CaseController.again(file, req, errors: ["act": t("casefile.error.act")])
        }
        let date = form["date"]
        if !date.isEmpty && CivilDate(date) == nil {
            return try await CaseController.again(file, req, errors: ["date": t("casefile.error.date")])
        }
        let act = NewAct(
            type: type, occurredOn: date.isEmpty ? nil : date, place: String(form["place"].prefix(300)),
            perpetrator: PerpetratorType(rawValue: form["perpetrator"]) ?? .unidentified,
            detail: String(form["detail"].prefix(300)))
        let cipher = req.site.cipher
        return try await done(req, file, "act.add", notice: "act") { actor, now, tx in
            try await CaseRecords.addAct(act, to: file.id, cipher: cipher, on: tx)
            try await Timeline.add("Act added: \(type.label)", actor: actor, case: file.id, now: now, on: tx)
        }
    }

    @Sendable func addSource(req: Request) async throws -> Response {
        let file = try await CaseController.target(req), form = req.form
        guard !form["description"].isEmpty else {
            return try await CaseController.again(file, req, errors: ["source": t("casefile.error.source")])
        }
        let source = NewSource(
            description: String(form["description"].prefix(2000)),
            contact: String(form["contact"].prefix(500)))
        let cipher = req.site.cipher
        return try await done(req, file, "source.add", notice: "source") { actor, now, tx in
            try await CaseRecords.addSource(source, to: file.id, now: now, cipher: cipher, on: tx)
            try await Timeline.add("Source added", actor: actor, case: file.id, now: now, on: tx)
        }
    }

    @Sendable func addMessage(req: Request) async throws -> Response {
        let file = try await CaseController.target(req)
        let text = req.form.raw("message").trimmingCharacters(in: .whitespacesAndNewlines)
        guard file.origin == "report" else {
            throw Abort(.badRequest, reason: "This case was not reported through the public form.")
        }
        guard !text.isEmpty, text.count <= 20_000 else {
            return try await CaseController.again(file, req, errors: ["message": t("casefile.error.message")])
        }
        let cipher = req.site.cipher
        return try await done(req, file, "message.send", notice: "message") { actor, now, tx in
            try await CaseRecords.addMessage(
                text, fromReporter: false, author: actor, to: file.id, now: now,
                cipher: cipher,
                on: tx)
        }
    }

    @Sendable func addAttachments(req: Request) async throws -> Response {
        let file = try await CaseController.target(req)
        guard !req.files.isEmpty, req.files.count <= Upload.maxFiles else {
            let most = t("count.files", count: Upload.maxFiles)
            return try await CaseController.again(
                file, req,
                errors: ["files": t("casefile.error.files", ["most": most])])
        }
        let (uploads, problem) = Upload.checkAll(req.files)
        if let problem { return try await CaseController.again(file, req, errors: ["files": problem]) }
        let cipher = req.site.cipher
        return try await done(req, file, "attachment.add", notice: "attachment") { actor, now, tx in
            for upload in uploads {
                try await CaseRecords.addAttachment(upload, by: actor, to: file.id, now: now, cipher: cipher, on: tx)
            }
        }
    }

    /// Downloads an attachment: always as a download, never rendered by the browser, and audited.
    @Sendable func attachment(req: Request) async throws -> Response {
        let caseID = req.parameters.get("id") ?? "", fileID = req.parameters.get("file") ?? ""
        guard let file = try await EvidenceStore.find(fileID, case: caseID, cipher: req.site.cipher, on: req.db) else {
            throw Abort(.notFound, reason: "There is no such attachment.")
        }
        // Checked against the hash recorded on arrival before a byte leaves (issue 20).
        let (bytes, integrity) = try await EvidenceStore.contents(file, cipher: req.site.cipher, on: req.db)
        if let problem = integrity.problem {
            throw Abort(.conflict, reason: "This file was not served: \(problem). Tell an administrator.")
        }
        try await AuditLog.record(
            AuditEvent(
                actor: try req.account.email, action: "case.attachment.view", recordType: "case", recordID: caseID,
                detail: fileID), now: req.site.clock.now(), on: req.db)
        return EvidenceController.download(bytes, name: file.filename.reveal(), contentType: file.contentType)
    }

    @Sendable func askVerification(req: Request) async throws -> Response {
        let file = try await CaseController.target(req), form = req.form
        let shared = form.raw("shared").trimmingCharacters(in: .whitespacesAndNewlines)
        guard try await VerificationStore.organisationName(form["organisation"], on: req.db) != nil else {
            return try await CaseController.again(file, req, errors: ["organisation": t("casefile.error.organisation")])
        }
        guard !shared.isEmpty, shared.count <= 20_000 else {
            return try await CaseController.again(file, req, errors: ["shared": t("casefile.error.shared")])
        }
        let days = Int(form["days"]).flatMap { [7, 14, 30, 90].contains($0) ? $0 : nil } ?? 14
        let organisation = form["organisation"], cipher = req.site.cipher
        return try await done(req, file, "verification.ask", notice: "verification") { actor, now, tx in
            _ = try await VerificationStore.ask(
                case: file, organisationID: organisation, shared: shared, days: days,
                by: actor, now: now, cipher: cipher, on: tx)
        }
    }
}
