import Fluent
import ObservatoryCore
import Vapor

/// `/report`: anyone may report a threat, with no account, no JavaScript and nothing kept about who they are
/// (no address stored or logged; a keyed hash of it counts hits per hour). A receipt code lets them come back.
struct ReportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let body = HTTPBodyStreamStrategy.collect(
            maxSize: ByteCount(value: Upload.maxFiles * Upload.maxBytes + 256 * 1024))
        for language in Language.allCases {
            let prefix: [PathComponent] = language == .en ? [] : [PathComponent(stringLiteral: language.rawValue)]
            func path(_ pattern: [String]) -> [PathComponent] { prefix + pattern.map(PathComponent.init) }
            routes.reader(language).get(path(SiteRoute.Pattern.report)) { req in
                try await req.localized(language) { try await form(req) }
            }
            routes.on(.POST, path(SiteRoute.Pattern.report), body: body) { req in
                try await req.localized(language) { try await submit(req) }
            }
            .maxBody = body.maxSize
            routes.get(path(SiteRoute.Pattern.receipt)) { req in
                try await req.localized(language) { try await lookup(req) }
            }
            routes.post(path(SiteRoute.Pattern.receipt)) { req in
                try await req.localized(language) { try await open(req) }
            }
            routes.on(.POST, path(SiteRoute.Pattern.receiptAdd), body: body) { req in
                try await req.localized(language) { try await add(req) }
            }
            .maxBody = body.maxSize
        }
    }

    func page(_ html: HTML, _ req: Request, status: HTTPStatus = .ok) -> Response {
        .privatePage(html, for: req, status: status)
    }

    /// Per source (a keyed hash of its address), in the database: shared by every instance, and no global cap
    /// that one flood could exhaust for everyone.
    func limited(_ req: Request, _ bucket: String, _ limit: Int) async throws -> Bool {
        try await !PublicFormLimits.allow(
            bucket, from: req.clientAddress, limit: limit, windowSeconds: 3600,
            now: req.site.clock.now(), cipher: req.site.cipher, on: req.db)
    }

    @Sendable func form(_ req: Request) async throws -> Response {
        page(ReportPages.form(ReportForm(), errors: [:], csrf: CSRF.token(for: req)), req)
    }

    @Sendable func submit(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        // Never refused for being busy: past the threshold a source's reports are stored and flagged for bulk
        // triage (many honest reporters share one address: Tor exits, the onion service), without their files.
        let hits = try await PublicFormLimits.hit(
            "report", from: req.clientAddress, windowSeconds: 3600,
            now: req.site.clock.now(), cipher: req.site.cipher, on: req.db)
        let bulk = hits > req.site.config.intakeBulkAfter
        let form = ReportForm(form: req.form)
        var errors = form.problems(fileCount: bulk ? 0 : req.files.count)
        let (uploads, fileProblem) = bulk ? ([], nil) : Upload.checkAll(req.files)
        if let fileProblem { errors["files"] = fileProblem }
        guard errors.isEmpty else {
            return page(
                ReportPages.form(form, errors: errors, csrf: CSRF.token(for: req)), req, status: .unprocessableEntity)
        }
        let code = ReceiptCode.generate(), now = req.site.clock.now()
        let new = form.newCase(receiptHash: ReceiptCode.hash(code), uploads: uploads), cipher = req.site.cipher
        // The case, its bulk flag and its audit entry commit together; the write gate means no other writer can
        // fail it.
        try await req.db.write { tx in
            let id = try await CaseStore.open(new, by: "reporter", now: now, cipher: cipher, on: tx)
            if bulk { try await IntakeBulk.flag(id, now: now, on: tx) }
            try await StaffAlerts.raise(
                .reportNew, case: id, subject: id, link: OfficeRoute.caseFile(id: id).path,
                now: now, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: "anonymous", action: "case.report", recordType: "case",
                    recordID: id),
                now: now, on: tx)
        }
        let notice = bulk && !req.files.isEmpty ? t("report.files-later") : nil
        return page(ReportPages.thanks(code: code, notice: notice), req)
    }

    @Sendable func lookup(_ req: Request) async throws -> Response {
        page(ReportPages.lookup(error: nil, csrf: CSRF.token(for: req)), req)
    }

    /// The case a receipt code opens, after the rate limit; nil shows the look-up form again.
    func followed(_ req: Request) async throws -> (CaseFile, String)? {
        try CSRF.verify(req)
        guard try await !limited(req, "receipt", 20) else {
            throw Abort(.tooManyRequests, reason: t("report.too-many"))
        }
        let code = req.form["code"]
        guard ReceiptCode.isWellFormed(code),
            let file = try await CaseStore.find(
                receiptHash: ReceiptCode.hash(code), cipher: req.site.cipher, on: req.db)
        else { return nil }
        return (file, code)
    }

    func show(_ file: CaseFile, code: String, notice: String?, errors: [String: String], _ req: Request) -> Response {
        let followed = ReportPages.Followed(
            status: file.status, messages: file.messages.map { ($0.fromReporter, $0.at, $0.body.reveal()) })
        return page(
            ReportPages.followed(followed, code: code, notice: notice, errors: errors, csrf: CSRF.token(for: req)), req,
            status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func open(_ req: Request) async throws -> Response {
        guard let (file, code) = try await followed(req) else {
            return page(
                ReportPages.lookup(error: t("report.receipt-unknown"), csrf: CSRF.token(for: req)), req,
                status: .notFound)
        }
        return show(file, code: code, notice: nil, errors: [:], req)
    }

    @Sendable func add(_ req: Request) async throws -> Response {
        guard let (file, code) = try await followed(req) else {
            return page(
                ReportPages.lookup(error: t("report.receipt-unknown"), csrf: CSRF.token(for: req)), req,
                status: .notFound)
        }
        let text = req.form.raw("account").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(
            in: .whitespacesAndNewlines)
        var errors: [String: String] = [:]
        if text.count > 20_000 {
            errors["account"] = t("report.error.long", ["max": Translations.current.number(20_000)])
        }
        if text.isEmpty && req.files.isEmpty { errors["account"] = t("report.error.account") }
        if req.files.count > Upload.maxFiles { errors["files"] = t("report.error.files") }
        let (uploads, fileProblem) = Upload.checkAll(req.files)
        if let fileProblem { errors["files"] = fileProblem }
        guard errors.isEmpty else { return show(file, code: code, notice: nil, errors: errors, req) }
        let now = req.site.clock.now(), cipher = req.site.cipher
        try await req.db.write { tx in
            if !text.isEmpty {
                try await CaseRecords.addMessage(
                    text, fromReporter: true, author: "reporter",
                    to: file.id, now: now, cipher: cipher, on: tx)
            }
            for upload in uploads {
                try await CaseRecords.addAttachment(
                    upload, by: "reporter", to: file.id, now: now,
                    cipher: cipher, on: tx)
            }
            try await StaffAlerts.raise(
                .reportAdded, case: file.id, subject: "\(file.id):\(UUID().uuidString)",
                link: OfficeRoute.caseFile(id: file.id).path, now: now, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: "anonymous", action: "case.report.add", recordType: "case",
                    recordID: file.id),
                now: now, on: tx)
        }
        let updated = try await CaseStore.find(file.id, cipher: cipher, on: req.db) ?? file
        return show(updated, code: code, notice: t("report.added"), errors: [:], req)
    }
}
