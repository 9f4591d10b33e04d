import Foundation
import ObservatoryCore

/// The back office's annual report page: the year's figures, the editions by language, and the analysis of one
/// language to write, approve and publish.
enum AnnualReportPages {
    /// The notices shown after a redirect (`?notice=`), in the reader's language.
    static func notice(_ key: String) -> String? {
        ["saved", "approved", "published"].contains(key) ? t("annual.office.notice.\(key)") : nil
    }

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
                ? (e?.publishedAt.map {
                    t("annual.office.state.published-on", ["date": String(iso8601(seconds: $0).prefix(10))])
                } ?? t("annual.office.state.published"))
                : (e?.analysis.isEmpty ?? true) ? t("annual.office.state.no-analysis") : t("annual.office.state.draft")
            let publicLink: HTML =
                e?.isPublished == true
                ? " · <a href=\"\(SiteRoute.annualReport(year: r.year).path(in: l))\">"
                    + "\(t("annual.office.public-page"))</a>" as HTML : .empty
            let file = OfficeRoute.annualReportFile(year: year, format: "report.html").path
            let pdf = OfficeRoute.annualReportFile(year: year, format: "report.pdf").path
            return """
                <li><a href="\(path)?language=\(l.rawValue)">\(l.endonym)</a> (\(state)): \
                <a href="\(file)?language=\(l.rawValue)">\(t("annual.office.web-page"))</a> · \
                <a href="\(pdf)?language=\(l.rawValue)">PDF</a>\(publicLink)</li>
                """
        }
        let mine = fourEyes.version.changedBy?.lowercased() == viewer.email.lowercased()
        let approvers = fourEyes.approvedBy.joined(separator: ", ")
        let approval =
            fourEyes.approvedBy.isEmpty
            ? t("annual.office.not-approved") : t("annual.office.approved-by", ["names": approvers])
        let latest =
            mine
            ? t("annual.office.latest.yours")
            : fourEyes.version.changedBy.map { t("annual.office.latest.by", ["person": $0]) }
                ?? t("annual.office.latest.nobody")
        let approvable = fourEyes.approvedBy.isEmpty && !mine && !edition.isPublished && !edition.analysis.isEmpty
        let approve: HTML =
            approvable
            ? "<button type=\"submit\" name=\"action\" value=\"approve\">\(t("annual.office.approve"))</button>"
                as HTML : .empty
        let publish: HTML =
            edition.isPublished
            ? .empty
            : """
            <button type="submit" name="action" value="publish">\
            \(t("annual.office.publish", ["language": edition.language.endonym]))</button>
            """
        let language = edition.language, title = t("annual.title", ["year": year])
        let figures = t(
            "annual.office.figures",
            [
                "interventions": t("count.urgent-interventions", count: s.interventions),
                "follow-ups": t("count.follow-ups", count: s.followUps),
                "countries": t("count.countries", count: s.countries),
                "defenders": t("count.defenders", count: s.defenders),
                "organisations": t("count.organisations", count: s.organisations)
            ])
        let address = SiteRoute.annualReport(year: r.year).path(in: language)
        return OfficeLayout(title: title, account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(title)</h1>
            <p><a href="\(OfficeRoute.annualReport(year: String(r.year - 1)).path)">\(String(r.year - 1))</a> ·
            <a href="\(OfficeRoute.annualReport(year: String(r.year + 1)).path)">\(String(r.year + 1))</a></p>
            \(notice.flatMap(Self.notice).map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? .empty)
            \(error.map { "<p class=\"notice error\" role=\"alert\" id=\"refusal\">\($0)</p>" } ?? .empty)
            <p id="report-figures">\(figures) \(t("annual.office.public-figures"))</p>
            <ul id="editions">\(files.joined())</ul>
            <h2>\(t("annual.office.analysis-in", ["language": language.endonym]))</h2>
            <p class="notice" id="approval-state">\(approval) \(latest)</p>
            <form method="post" action="\(path)" class="office-form">\(CSRF.field(csrf))
            <input type="hidden" name="language" value="\(language.rawValue)">
            <input type="hidden" name="revision" value="\(String(fourEyes.version.revision))">
            \(EditorialPages.textarea("analysis", label: t("annual.office.analysis", ["language": language.endonym]),
                                  value: typed ?? edition.analysis, rows: 20, error: nil,
                                  hint: t("annual.office.analysis-hint")))
            <p class="actions">\(approve)<button type="submit" name="action" value="save">\
            \(t("annual.office.save"))</button>
            \(publish)</p></form>
            <p>\(t("annual.office.publishing")) <a href="\(address)" dir="ltr">\(address)</a>.</p>
            <p>\(t("annual.office.command")) \
            <code dir="ltr">observatory report annual \(year) --output report.pdf</code></p>
            """)
    }
}
