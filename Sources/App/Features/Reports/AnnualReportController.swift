import Fluent
import ObservatoryCore
import Vapor

/// Editors build the annual report: write the thematic analysis, then download it as HTML or PDF.
struct AnnualReportController: Sendable {
    let registry: RouteRegistry
    let pdf: any PDFRenderer
    static let access = BulletinOfficeController.access

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.annualReports.pattern, Self.access, registry: registry, use: index)
        routes.declare(.GET, OfficeRoute.annualReport(year: "").pattern, Self.access, registry: registry, use: show)
        routes.declare(
            .POST, OfficeRoute.annualReport(year: "").pattern, Self.access, registry: registry, maxBody: "1mb",
            use: save)
        routes.declare(
            .GET, OfficeRoute.annualReportFile(year: "", format: "").pattern, Self.access, registry: registry, use: file
        )
    }

    func year(_ req: Request) throws -> Int {
        guard let year = Int(req.parameters.get("year") ?? ""), (1990...2200).contains(year) else {
            throw Abort(.notFound, reason: "Give the report's year, e.g. /office/reports/annual/2025.")
        }
        return year
    }

    @Sendable func index(req: Request) async throws -> Response {
        req.redirect(within: OfficeRoute.annualReport(year: String(req.site.clock.today.year - 1)).path)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let year = try year(req)
        let report = try await AnnualReportStore.build(year, language: .en, on: req.db)
        return try await AnnualReportPages.show(
            report, notice: req.query[String.self, at: "saved"] != nil ? "Saved." : nil,
            viewer: try req.account, csrf: CSRF.token(for: req)
        ).encodeResponse(for: req)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let year = try year(req), viewer = try req.account, now = req.site.clock.now()
        let text = req.form.raw("analysis").replacingOccurrences(of: "\r\n", with: "\n")
        guard text.utf8.count <= 500_000 else { throw Abort(.badRequest, reason: "The analysis is limited to 500 KB.") }
        try await req.db.write { tx in
            try await AnnualReportStore.saveAnalysis(year, text, by: viewer.email, now: now, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "annual-report.save",
                    recordType: "annual-report", recordID: String(year)),
                now: now, on: tx)
        }
        return req.redirect(within: OfficeRoute.annualReport(year: String(year)).path + "?saved=1")
    }

    /// `report.html` or `report.pdf`, in `?language=` (English by default).
    @Sendable func file(req: Request) async throws -> Response {
        let year = try year(req), format = req.parameters.get("format") ?? ""
        let language = req.query[String.self, at: "language"].flatMap(Language.init(rawValue:)) ?? .en
        guard format == "report.html" || format == "report.pdf" else {
            throw Abort(.notFound, reason: "Use report.html or report.pdf.")
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

enum AnnualReportPages {
    static func show(_ r: AnnualReport, notice: String?, viewer: Account, csrf: String) -> HTML {
        let year = String(r.year), s = r.statistics
        let files: [HTML] = Language.allCases.map { l in
            """
            <li>\(l.endonym): <a href="\(OfficeRoute.annualReportFile(year: year, format: "report.html").path)?language=\(l.rawValue)">web page</a> ·
            <a href="\(OfficeRoute.annualReportFile(year: year, format: "report.pdf").path)?language=\(l.rawValue)">PDF</a></li>
            """
        }
        return OfficeLayout(title: "Annual report \(year)", account: viewer, csrf: csrf).render(
            """
            <h1>Annual report \(year)</h1>
            <p><a href="\(OfficeRoute.annualReport(year: String(r.year - 1)).path)">\(String(r.year - 1))</a> ·
            <a href="\(OfficeRoute.annualReport(year: String(r.year + 1)).path)">\(String(r.year + 1))</a></p>
            \(notice.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? .empty)
            <p id="report-figures">\(t("count.urgent-interventions", count: s.interventions)), \
            \(t("count.follow-ups", count: s.followUps)), \(t("count.countries", count: s.countries)),
            \(t("count.defenders", count: s.defenders)) and \(t("count.organisations", count: s.organisations)) \
            in the case files.</p>
            <ul>\(files.joined())</ul>
            <form method="post" action="\(OfficeRoute.annualReport(year: year).path)" class="office-form">\(CSRF.field(csrf))
            \(EditorialPages.textarea("analysis", label: "Thematic analysis (Markdown)", value: r.analysis, rows: 20, error: nil,
                                  hint: "## for headings. The interventions, follow-ups and statistics are added from the year’s publications and case files."))
            <p class="actions"><button type="submit">Save the analysis</button></p></form>
            <p>Also from the command line: <code>observatory report annual \(year) --output report.pdf</code></p>
            """)
    }
}
