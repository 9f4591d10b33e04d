import ObservatoryCore

/// The back office's bulletin pages: the archive with a form to open a month, and one bulletin to compose.
enum BulletinPages {
    static func index(_ archive: [(month: BulletinMonth, languages: [Language])], suggested: String, viewer: Account, csrf: String) -> HTML {
        let rows: [HTML] = archive.map { entry in
            let links: [HTML] = entry.languages.map { "<a href=\"\(OfficeRoute.bulletin(month: entry.month.description, language: $0.rawValue).path)\">\($0.endonym)</a>" }
            return "<li>\(entry.month.description): \(HTML(trusted: links.map(\.rendered).joined(separator: " · ")))</li>"
        }
        return OfficeLayout(title: "Bulletins", account: viewer, csrf: csrf).render("""
        <h1>Monthly bulletins</h1>
        <form method="get" action="\(OfficeRoute.bulletins.path)" class="office-form inline-form">
        \(FormView.field("month", label: "Month (YYYY-MM)", value: suggested))
        \(EditorialPages.select("language", label: "Language", value: "en", options: Language.allCases.map { ($0.rawValue, $0.endonym) }, error: nil))
        <p class="actions"><button type="submit">Open</button></p></form>
        <h2>Published</h2><ul id="published-bulletins">\(rows.joined())</ul>
        <p>Also from the command line: <code>observatory bulletin 2026-10 --language fr --output bulletin.html</code></p>
        """)
    }

    static let notices = ["published": "Published.", "approved": "Approved.", "saved": "Saved."]

    static func show(_ b: Bulletin, preview: HTML, notice: String?, viewer: Account, csrf: String,
                     fourEyes: BulletinFourEyes.State? = nil, error: String? = nil) -> HTML {
        let approval: HTML = fourEyes.map { f in
            let mine = f.version.changedBy?.lowercased() == viewer.email.lowercased()
            let approvers = f.approvedBy.joined(separator: ", ")
            let line = !f.approvedBy.isEmpty ? "Approved by \(approvers) for this exact introduction."
                : "Not approved: a second person must approve the saved introduction before it is published and sent."
            let button: HTML = f.approvedBy.isEmpty && !mine && b.status != "published"
                ? "<button type=\"submit\" name=\"action\" value=\"approve\">Approve this version</button>" : .empty
            return """
                <span class="notice" id="approval-state">\(line) Latest change: \(f.version.changedBy ?? "nobody yet")\(
                mine ? " (you: another person approves)" : "").</span>
                <input type="hidden" name="revision" value="\(String(f.version.revision))">\(button)
                """
        } ?? .empty
        let path = OfficeRoute.bulletin(month: b.month.description, language: b.language.rawValue).path
        let state = b.status == "published" ? "Published\(b.publishedAt.map { " on \(iso8601(seconds: $0))" } ?? "") and sent to bulletin subscribers." : "Draft: not public, not sent."
        return OfficeLayout(title: "Bulletin", account: viewer, csrf: csrf).render("""
        <p><a href="\(OfficeRoute.bulletins.path)">Bulletins</a></p>
        <h1>Bulletin \(b.month.description) (\(b.language.endonym))</h1>
        \(notice.map { "<p class=\"notice\" role=\"status\">\(Self.notices[$0] ?? "Saved.")</p>" } ?? .empty)
        \(error.map { "<p class=\"notice error\" role=\"alert\" id=\"refusal\">\($0)</p>" } ?? .empty)
        <p class="notice" id="bulletin-status">\(state) \(t("bulletin.actions-this-month", count: b.items.count))</p>
        <form method="post" action="\(path)" class="office-form">\(CSRF.field(csrf))
        \(EditorialPages.textarea("introduction", label: "Introduction (Markdown)", value: b.introduction, rows: 8, error: nil))
        <p class="actions">\(approval)<button type="submit" name="action" value="save">Save</button>
        \(b.status == "published" ? .empty : "<button type=\"submit\" name=\"action\" value=\"publish\">Publish and send</button>" as HTML)</p></form>
        <section class="preview" lang="\(b.language.rawValue)" dir="\(b.language.isRightToLeft ? "rtl" : "ltr")"><h2>Preview</h2>\(preview)</section>
        """)
    }
}
