import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Editors build the annual report: write the thematic analysis in each language, have a second person approve
/// it (four eyes, as on the bulletin), publish it (the PDF is made then and stored), or download it as HTML or PDF.
struct AnnualReportController: Sendable {
    let registry: RouteRegistry
    let pdf: any PDFRenderer
    static let access = BulletinOfficeController.access

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.annualReports.pattern, Self.access, registry: registry, use: index)
        routes.declare(.GET, OfficeRoute.annualReport(year: "").pattern, Self.access, registry: registry, use: show)
        routes.declare(
            .POST, OfficeRoute.annualReport(year: "").pattern, Self.access, registry: registry,
            maxBody: "1mb", use: save)
        routes.declare(
            .GET, OfficeRoute.annualReportFile(year: "", format: "").pattern, Self.access,
            registry: registry, use: file)
    }

    func year(_ req: Request) throws -> Int {
        guard let year = Int(req.parameters.get("year") ?? ""), (1990...2200).contains(year) else {
            throw Abort(.notFound, reason: t("annual.office.error.year"))
        }
        return year
    }

    /// `?language=` on the page, the `language` field of the form; English when absent.
    func language(_ raw: String?) throws -> Language {
        guard let raw, !raw.isEmpty else { return .en }
        guard let language = Language(rawValue: raw) else {
            throw Abort(.badRequest, reason: t("annual.office.error.language", ["value": String(raw.prefix(10))]))
        }
        return language
    }

    @Sendable func index(req: Request) async throws -> Response {
        req.redirect(within: OfficeRoute.annualReport(year: String(req.site.clock.today.year - 1)).path)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await page(
            req, try year(req), try language(req.query[String.self, at: "language"]), analysis: nil,
            error: nil)
    }

    /// The year's page in one language; `analysis` is what was typed when it is shown again with `error`.
    func page(
        _ req: Request, _ year: Int, _ language: Language, analysis: String?,
        error: String?
    ) async throws -> Response {
        let report = try await AnnualReportStore.build(year, language: language, on: req.db)
        let editions = try await AnnualReportEditionStore.all(year, on: req.db)
        let edition =
            editions[language]
            ?? AnnualReportEdition(
                year: year, language: language, analysis: "",
                status: "draft", publishedAt: nil)
        let state = try await AnnualReportFourEyes.state(edition, on: req.db)
        return try await AnnualReportPages.show(
            report, edition: edition, editions: editions,
            typed: analysis, notice: req.query[String.self, at: "notice"],
            viewer: try req.account, csrf: CSRF.token(for: req),
            fourEyes: state, error: error
        )
        .encodeResponse(status: error == nil ? .ok : .unprocessableEntity, for: req)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let year = try year(req), viewer = try req.account, now = req.site.clock.now()
        let language = try language(req.form["language"])
        let text = req.form.raw("analysis").replacingOccurrences(of: "\r\n", with: "\n")
        guard text.utf8.count <= 500_000 else { throw Abort(.badRequest, reason: t("annual.office.error.long")) }
        let action = req.form["action"].isEmpty ? "save" : req.form["action"]
        guard ["save", "publish", "approve"].contains(action) else {
            throw Abort(.badRequest, reason: t("annual.office.error.action", ["value": String(action.prefix(20))]))
        }
        let stored = try await AnnualReportEditionStore.find(year, language, on: req.db)
        let subject = AnnualReportFourEyes.subject(year, language)
        let hash = AnnualReportFourEyes.hash(year, language, text)
        let changed = stored.analysis != text, recordID = AnnualReportEditionStore.id(year, language)
        func again(_ refusal: String) async throws -> Response {
            try await page(req, year, language, analysis: text, error: refusal)
        }
        // Four eyes: a public report does not change; what is approved or published is exactly the saved text.
        if changed && stored.isPublished {
            return try await again(t("annual.office.error.public"))
        }
        if changed && action != "save" {
            return try await again(t("annual.office.error.save-first"))
        }
        switch action {
        case "approve":
            let refused = try await req.db.write { tx in
                let refused = try await FourEyesStore.approve(
                    subject, revision: Int(req.form["revision"]) ?? -1,
                    hash: hash, by: viewer.email, fallback: nil, now: now,
                    on: tx)
                if refused == nil {
                    try await AuditLog.record(
                        AuditEvent(
                            actor: viewer.email, action: "annual-report.approve",
                            recordType: "annual-report", recordID: recordID),
                        now: now, on: tx)
                }
                return refused
            }
            if let refused { return try await again(refused.description) }
            return redirect(req, year, language, notice: "approved")
        case "publish" where !stored.isPublished:
            return try await publish(req, stored, viewer: viewer, now: now, again: again)
        default:
            guard changed || stored.isPublished == false else { return redirect(req, year, language, notice: "saved") }
            // Read again in the transaction, and written only while a draft: a publish committed since the read
            // above leaves its analysis as it was approved and printed.
            let saved: Bool = try await req.db.write { tx in
                let current = try await AnnualReportEditionStore.find(year, language, on: tx)
                guard
                    try await AnnualReportEditionStore.saveAnalysis(
                        year, language, text, by: viewer.email, now: now,
                        on: tx)
                else { return false }
                let revision = try await FourEyesStore.version(subject, fallback: nil, on: tx).revision
                if current.analysis != text || revision == 0 {
                    _ = try await FourEyesStore.recordChange(subject, hash: hash, by: viewer.email, now: now, on: tx)
                }
                try await AuditLog.record(
                    AuditEvent(
                        actor: viewer.email, action: "annual-report.save",
                        recordType: "annual-report", recordID: recordID),
                    now: now, on: tx)
                return true
            }
            guard saved else { return try await again(t("annual.office.error.public")) }
            return redirect(req, year, language, notice: "saved")
        }
    }

    /// Publishing: the approval is checked, the PDF is made from the public report (public figures only), then
    /// stored with the edition, audited and the page cache dropped, all in one write.
    func publish(
        _ req: Request, _ edition: AnnualReportEdition, viewer: Account, now: Date,
        again: (String) async throws -> Response
    ) async throws -> Response {
        let subject = AnnualReportFourEyes.subject(edition.year, edition.language)
        let hash = AnnualReportFourEyes.hash(edition.year, edition.language, edition.analysis)
        if let refused = try await FourEyesStore.check(subject, hash: hash, fallback: nil, exempt: false, on: req.db) {
            return try await again(refused.description)
        }
        guard let report = try await PublicAnnualReport.build(edition, on: req.db) else {
            return try await again(t("annual.office.error.no-analysis", ["language": edition.language.endonym]))
        }
        let html = Translations.$current.withValue(.of(edition.language)) {
            AnnualReportPublicView.document(report, baseURL: req.publicBaseURL).rendered
        }
        let document: Data
        do { document = try await pdf.pdf(fromHTML: html) } catch {
            return try await again(t("annual.office.error.pdf", ["problem": "\(error)"]))
        }
        // The write publishes only the draft whose analysis was approved and printed: a save or another publish
        // committed since the check above makes it refuse, or say the report is already public, writing nothing.
        let outcome: PublishOutcome = try await req.db.write { tx in
            if let refused = try await FourEyesStore.check(subject, hash: hash, fallback: nil, exempt: false, on: tx) {
                return .refused(refused)
            }
            guard
                try await AnnualReportEditionStore.publish(
                    edition.year, edition.language, analysis: edition.analysis, pdf: document,
                    by: viewer.email, now: now, on: tx)
            else {
                let current = try await AnnualReportEditionStore.find(edition.year, edition.language, on: tx)
                return current.isPublished && current.analysis == edition.analysis
                    ? .alreadyPublished : .refused(.changedSinceRead)
            }
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "annual-report.publish",
                    recordType: "annual-report",
                    recordID: AnnualReportEditionStore.id(edition.year, edition.language)),
                now: now, on: tx)
            return .published
        }
        switch outcome {
        case .refused(let refused): return try await again(refused.description)
        case .alreadyPublished: return redirect(req, edition.year, edition.language, notice: "published")
        case .published: break
        }
        req.site.contentWatcher.invalidate()
        return redirect(req, edition.year, edition.language, notice: "published")
    }

    func redirect(_ req: Request, _ year: Int, _ language: Language, notice: String) -> Response {
        req.redirect(
            within: OfficeRoute.annualReport(year: String(year)).path
                + "?language=\(language.rawValue)&notice=\(notice)")
    }

    /// `report.html` or `report.pdf`, in `?language=` (English by default): the office's version, exact figures.
    @Sendable func file(req: Request) async throws -> Response {
        let year = try year(req), format = req.parameters.get("format") ?? ""
        let language = req.query[String.self, at: "language"].flatMap(Language.init(rawValue:)) ?? .en
        guard format == "report.html" || format == "report.pdf" else {
            throw Abort(.notFound, reason: t("annual.office.error.format"))
        }
        let report = try await AnnualReportStore.build(year, language: language, on: req.db)
        let html = Translations.$current.withValue(.of(language)) {
            AnnualReportView.document(report, baseURL: req.publicBaseURL).rendered
        }
        let response: Response
        if format == "report.pdf" {
            response = Response(status: .ok, body: .init(data: try await pdf.pdf(fromHTML: html)))
            response.headers.replaceOrAdd(name: .contentType, value: "application/pdf")
            response.headers.replaceOrAdd(
                name: .contentDisposition,
                value: "attachment; filename=\"annual-report-\(year)-\(language.rawValue).pdf\"")
        } else {
            response = Response(status: .ok, body: .init(string: html))
            response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        }
        return response
    }
}

/// What a publish's write did: published, found the same text already published, or refused.
private enum PublishOutcome: Sendable {
    case published, alreadyPublished
    case refused(FourEyes.Refusal)
}
