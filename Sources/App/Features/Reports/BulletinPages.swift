import ObservatoryCore

/// The back office's bulletin pages: the archive with a form to open a month, and one bulletin to compose.
enum BulletinPages {
    static func index(
        _ archive: [(month: BulletinMonth, languages: [Language])], suggested: String, viewer: Account, csrf: String
    ) -> HTML {
        let rows: [HTML] = archive.map { entry in
            let links: [HTML] = entry.languages.map {
                "<a href=\"\(OfficeRoute.bulletin(month: entry.month.description, language: $0.rawValue).path)\">\($0.endonym)</a>"
            }
            return
                "<li>\(entry.month.description): \(HTML(trusted: links.map(\.rendered).joined(separator: " · ")))</li>"
        }
        return OfficeLayout(title: t("office.nav.bulletins"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(t("bulletins.title"))</h1>
            <form method="get" action="\(OfficeRoute.bulletins.path)" class="office-form inline-form">
            \(FormView.field("month", label: t("bulletins.month"), value: suggested))
            \(EditorialPages.select("language", label: t("office.language.title"), value: "en",
                                options: Language.allCases.map { ($0.rawValue, $0.endonym) }, error: nil))
            <p class="actions"><button type="submit">\(t("bulletins.open"))</button></p></form>
            <h2>\(t("bulletins.published"))</h2><ul id="published-bulletins">\(rows.joined())</ul>
            <p>\(t("bulletins.command-line")) \
            <code>observatory bulletin 2026-10 --language fr --output bulletin.html</code></p>
            """)
    }

    static let noticeKeys = [
        "published": "bulletins.notice.published", "approved": "bulletins.notice.approved",
        "saved": "casefile.notice.saved"
    ]
    static var notices: [String: String] { noticeKeys.mapValues { key in t(key) } }

    static func show(
        _ b: Bulletin, preview: HTML, notice: String?, viewer: Account, csrf: String,
        fourEyes: BulletinFourEyes.State? = nil, error: String? = nil
    ) -> HTML {
        let approval: HTML =
            fourEyes.map { f in
                let mine = f.version.changedBy?.lowercased() == viewer.email.lowercased()
                let approvers = f.approvedBy.joined(separator: ", ")
                let line =
                    !f.approvedBy.isEmpty
                    ? t("bulletins.approved-by", ["people": approvers])
                    : t("bulletins.not-approved")
                let button: HTML =
                    f.approvedBy.isEmpty && !mine && b.status != "published"
                    ? "<button type=\"submit\" name=\"action\" value=\"approve\">\(t("bulletins.approve"))</button>"
                    : .empty
                let latest = t(
                    mine ? "bulletins.latest-mine" : "bulletins.latest",
                    ["person": f.version.changedBy ?? t("bulletins.nobody")])
                return """
                    <span class="notice" id="approval-state">\(line) \(latest)</span>
                    <input type="hidden" name="revision" value="\(String(f.version.revision))">\(button)
                    """
            } ?? .empty
        let path = OfficeRoute.bulletin(month: b.month.description, language: b.language.rawValue).path
        let state =
            b.status != "published"
            ? t("bulletins.draft")
            : b.publishedAt.map { t("bulletins.published-on", ["when": iso8601(seconds: $0)]) } ?? t("bulletins.sent")
        return OfficeLayout(title: t("bulletins.bulletin"), account: viewer, csrf: csrf, translated: true).render(
            """
            <p><a href="\(OfficeRoute.bulletins.path)">\(t("office.nav.bulletins"))</a></p>
            <h1>\(t("bulletins.heading", ["month": b.month.description, "language": b.language.endonym]))</h1>
            \(notice.map { "<p class=\"notice\" role=\"status\">\(Self.notices[$0] ?? t("casefile.notice.saved"))</p>" }
            ?? .empty)
            \(error.map { "<p class=\"notice error\" role=\"alert\" id=\"refusal\">\($0)</p>" } ?? .empty)
            <p class="notice" id="bulletin-status">\(state) \(t("bulletin.actions-this-month", count: b.items.count))</p>
            <form method="post" action="\(path)" class="office-form">\(CSRF.field(csrf))
            \(EditorialPages.textarea("introduction", label: t("bulletins.introduction"), value: b.introduction, rows: 8,
                                  error: nil))
            <p class="actions">\(approval)<button type="submit" name="action" value="save">\(t("users.save"))</button>
            \(b.status == "published" ? .empty
            : "<button type=\"submit\" name=\"action\" value=\"publish\">\(t("bulletins.publish"))</button>"
                as HTML)</p></form>
            <section class="preview" lang="\(b.language.rawValue)" dir="\(b.language.isRightToLeft ? "rtl" : "ltr")">\
            <h2>\(t("bulletins.preview"))</h2>\(preview)</section>
            """)
    }
}
