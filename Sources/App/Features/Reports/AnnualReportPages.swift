import Foundation
import ObservatoryCore

/// The back office's annual report page: the year's figures, the editions by language, and the analysis of one
/// language to write, approve and publish.
enum AnnualReportPages {
    static let notices = [
        "saved": "Saved.", "approved": "Approved.",
        "published": "Published: the report and its PDF are on the public site."
    ]

    static func show(
        _ r: AnnualReport, edition: AnnualReportEdition, editions: [Language: AnnualReportEdition],
        typed: String?, notice: String?, viewer: Account, csrf: String,
        fourEyes: BulletinFourEyes.State, error: String?
    ) -> HTML {
        let year = String(r.year), s = r.statistics, path = OfficeRoute.annualReport(year: year).path
        let files: [HTML] = Language.allCases.map { l in
            let e = editions[l]
            let state =
                e?.isPublished == true
                ? "published" + (e?.publishedAt.map { " on \(iso8601(seconds: $0).prefix(10))" } ?? "")
                : (e?.analysis.isEmpty ?? true) ? "no analysis" : "draft"
            let publicLink: HTML =
                e?.isPublished == true
                ? " · <a href=\"\(SiteRoute.annualReport(year: r.year).path(in: l))\">public page</a>" : .empty
            let file = OfficeRoute.annualReportFile(year: year, format: "report.html").path
            let pdf = OfficeRoute.annualReportFile(year: year, format: "report.pdf").path
            return """
                <li><a href="\(path)?language=\(l.rawValue)">\(l.endonym)</a> (\(state)): \
                <a href="\(file)?language=\(l.rawValue)">web page</a> · \
                <a href="\(pdf)?language=\(l.rawValue)">PDF</a>\(publicLink)</li>
                """
        }
        let mine = fourEyes.version.changedBy?.lowercased() == viewer.email.lowercased()
        let approvers = fourEyes.approvedBy.joined(separator: ", ")
        let approval: HTML = fourEyes.approvedBy.isEmpty ? "Not approved yet." : "Approved by \(approvers)."
        let latest: HTML = "Latest change: \(mine ? "yours" : fourEyes.version.changedBy ?? "nobody")."
        let approvable = fourEyes.approvedBy.isEmpty && !mine && !edition.isPublished && !edition.analysis.isEmpty
        let approve: HTML =
            approvable
            ? "<button type=\"submit\" name=\"action\" value=\"approve\">Approve this analysis</button>" : .empty
        let publish: HTML =
            edition.isPublished
            ? .empty
            : """
                <button type="submit" name="action" value="publish">Publish in \(edition.language.endonym)</button>
                """
        let language = edition.language
        return OfficeLayout(title: "Annual report \(year)", account: viewer, csrf: csrf).render(
            """
            <h1>Annual report \(year)</h1>
            <p><a href="\(OfficeRoute.annualReport(year: String(r.year - 1)).path)">\(String(r.year - 1))</a> ·
            <a href="\(OfficeRoute.annualReport(year: String(r.year + 1)).path)">\(String(r.year + 1))</a></p>
            \(notice.flatMap { notices[$0] }.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? .empty)
            \(error.map { "<p class=\"notice error\" role=\"alert\" id=\"refusal\">\($0)</p>" } ?? .empty)
            <p id="report-figures">\(t("count.urgent-interventions", count: s.interventions)), \
            \(t("count.follow-ups", count: s.followUps)), \(t("count.countries", count: s.countries)),
            \(t("count.defenders", count: s.defenders)) and \(t("count.organisations", count: s.organisations)) \
            in the case files. The public report shows the figures of /statistics instead (small counts withheld).</p>
            <ul id="editions">\(files.joined())</ul>
            <h2>Thematic analysis in \(language.endonym)</h2>
            <p class="notice" id="approval-state">\(approval) \(latest)</p>
            <form method="post" action="\(path)" class="office-form">\(CSRF.field(csrf))
            <input type="hidden" name="language" value="\(language.rawValue)">
            <input type="hidden" name="revision" value="\(String(fourEyes.version.revision))">
            \(EditorialPages.textarea("analysis", label: "Thematic analysis in \(language.endonym) (Markdown)",
                                  value: typed ?? edition.analysis, rows: 20, error: nil,
                                  hint: "## for headings. Written in this language: a language without its analysis "
                                      + "is not published. The interventions, follow-ups and figures are added from "
                                      + "the year’s publications."))
            <p class="actions">\(approve)<button type="submit" name="action" value="save">Save the analysis</button>
            \(publish)</p></form>
            <p>Publishing needs a second person’s approval of this exact text; the PDF is made then and kept, and the
            report appears at <a href="\(SiteRoute.annualReport(year: r.year).path(in: language))">\
            \(SiteRoute.annualReport(year: r.year).path(in: language))</a>.</p>
            <p>Also from the command line: <code>observatory report annual \(year) --output report.pdf</code></p>
            """)
    }
}
