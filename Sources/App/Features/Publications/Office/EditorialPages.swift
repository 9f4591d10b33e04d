import Fluent
import ObservatoryCore

/// The back office's publication pages.
enum EditorialPages {
    static func index(
        items: [EditorialStore.ListItem], text: String, status: EditorialStatus?, page: Int, viewer: Account,
        csrf: String
    ) -> HTML {
        let rows: [HTML] = items.prefix(50).map { item in
            let state =
                item.status == EditorialStatus.scheduled.rawValue
                ? t("publications.scheduled-for", ["when": item.publishAt.map { iso8601(seconds: $0) } ?? "?"])
                : (EditorialStatus(rawValue: item.status)?.localizedLabel ?? item.status)
            return """
                <tr><td><a href="\(OfficeRoute.publication(id: item.id).path)">\
                \(item.title.isEmpty ? t("publications.untitled") : item.title)</a></td>
                <td class="status-\(item.status)">\(state)</td><td>\(item.publishedOn)</td><td>\(PublicationType(rawValue: item.type)?.label ?? item.type)</td><td>\(item.language.uppercased())</td></tr>
                """
        }
        let statuses: [HTML] = EditorialStatus.allCases.map { s in
            let selected = HTML(trusted: s == status ? " selected" : "")
            return "<option value=\"\(s.rawValue)\"\(selected)>\(s.localizedLabel)</option>"
        }
        let options: [HTML] = ["<option value=\"\">\(t("publications.any-status"))</option>"] + statuses
        func link(_ page: Int) -> String {
            OfficeRoute.publications(
                query: [("q", text), ("status", status?.rawValue ?? ""), ("page", String(page))]
                    .filter { !$0.1.isEmpty }.map { "\($0.0)=\(SiteRoute.escapeSegment($0.1))" }.joined(separator: "&")
            ).path
        }
        let paging: HTML = """
            \(page > 1 ? "<a rel=\"prev\" href=\"\(link(page - 1))\">\(t("publications.newer"))</a>" as HTML : .empty)
            \(items.count > 50 ? "<a rel=\"next\" href=\"\(link(page + 1))\">\(t("publications.older"))</a>" as HTML
              : .empty)
            """
        return OfficeLayout(title: t("office.nav.publications"), account: viewer, csrf: csrf, translated: true)
            .render(
                """
                <h1>\(t("office.nav.publications"))</h1>
                <p><a class="button" href="\(OfficeRoute.newPublication.path)">\(t("publications.write"))</a></p>
                <form method="get" action="\(OfficeRoute.publications(query: "").path)" class="filters">
                \(FormView.field("q", label: t("publications.title-contains"), value: text))
                <p class="field"><label for="status">\(t("cases.status"))</label>\
                <select id="status" name="status">\(options.joined())</select></p>
                <p><button type="submit">\(t("publications.show"))</button></p>
                </form>
                <table class="office"><thead><tr><th>\(t("intervention.title"))</th><th>\(t("cases.status"))</th>\
                <th>\(t("casefile.date"))</th><th>\(t("article.type"))</th><th>\(t("article.language"))</th></tr></thead>
                <tbody>\(rows.joined(separator: "\n"))</tbody></table>
                <p class="paging">\(paging)</p>
                """)
    }

    struct FormContext: Sendable {
        var id: String?
        var form: PublicationForm
        var status: EditorialStatus
        var publishAt: Int64? = nil
        var errors: [String: String] = [:]
        var preview: HTML? = nil
        /// Who changed it last and who approved this exact version (nil for a new publication).
        var fourEyes: EditorialFourEyes.State? = nil
        var notice: String? = nil
    }

    /// The approval state of the saved version, and the button for a second person.
    static func approval(_ c: FormContext, viewer: Account) -> HTML {
        guard let state = c.fourEyes, c.id != nil else { return .empty }
        let author = state.version.changedBy
        let line: String
        if !state.approvedBy.isEmpty {
            line = t("publications.approved-by", ["people": state.approvedBy.joined(separator: ", ")])
        } else if state.exempt {
            line = t("publications.exempt")
        } else {
            line = t("publications.not-approved")
        }
        let mine = author?.lowercased() == viewer.email.lowercased()
        let button: HTML =
            state.approvedBy.isEmpty && !state.exempt && !mine
            ? "<button type=\"submit\" name=\"action\" value=\"approve\">\(t("publications.approve"))</button>" : .empty
        return """
            <span class="notice" id="approval-state">\(line) \(t("publications.latest-change",
                ["author": author ?? "import", "revision": String(state.version.revision)]))\(
            mine ? " " + t("publications.you-made-it") : "")</span>
            <input type="hidden" name="revision" value="\(String(state.version.revision))">\(button)
            """
    }

    static func select(
        _ name: String, label: String, value: String, options: [(String, String)], error: String?
    ) -> HTML {
        let items: [HTML] = options.map { o in
            "<option value=\"\(o.0)\"\(HTML(trusted: o.0 == value ? " selected" : ""))>\(o.1)</option>"
        }
        return """
            <p class="field\(error != nil ? " invalid" : "")"><label for="\(name)">\(label)</label><select \
            id="\(name)" name="\(name)">\(items.joined())</select>
            \(error.map { "<strong class=\"error\" id=\"\(name)-error\">\($0)</strong>" } ?? .empty)</p>
            """
    }

    static func textarea(
        _ name: String, label: String, value: String, rows: Int, error: String?, hint: String? = nil
    ) -> HTML {
        """
        <p class="field\(error != nil ? " invalid" : "")"><label for="\(name)">\(label)</label>
        <textarea id="\(name)" name="\(name)" rows="\(rows)">\(value)</textarea>
        \(hint.map { "<small>\($0)</small>" } ?? .empty)\(error.map { "<strong class=\"error\" id=\"\(name)-error\">\($0)</strong>" } ?? .empty)</p>
        """
    }

    /// The publication's own language on its preview, whatever the editor's (an English text in an Arabic page).
    static func textLanguage(_ f: PublicationForm) -> HTML {
        guard let language = Language(rawValue: f.language) else { return .empty }
        return " lang=\"\(language.rawValue)\" dir=\"\(language.isRightToLeft ? "rtl" : "ltr")\""
    }

    static func form(_ c: FormContext, viewer: Account, csrf: String) -> HTML {
        let f = c.form, e = c.errors
        let action = c.id.map { OfficeRoute.publication(id: $0).path } ?? OfficeRoute.newPublication.path
        let state: String =
            switch c.status {
            case .draft: t("publications.state.draft")
            case .published: t("publications.state.published")
            case .scheduled:
                t("publications.state.scheduled", ["when": c.publishAt.map { iso8601(seconds: $0) } ?? "?"])
            }
        let programmes: [HTML] = Programme.allCases.map { p in
            "<label><input type=\"checkbox\" name=\"programmes\" value=\"\(p.rawValue)\"\(HTML(trusted: f.programmes.contains(p.rawValue) ? " checked" : ""))> \(p.label)</label>"
        }
        let publicLink: HTML =
            c.status == .published && c.id != nil
            ? " <a href=\"\(SiteRoute.publication(id: c.id!).path)\">\(t("publications.see-public"))</a>" : .empty
        let title = t(c.id == nil ? "publications.new" : "publications.edit")
        return OfficeLayout(title: title, account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(title)</h1>
            <p class="notice" id="publication-status">\(state)\(publicLink)</p>
            \(c.notice.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? .empty)
            \(FormView.errorSummary(e))
            \(e["action"].map { "<p class=\"notice error\" role=\"alert\" id=\"refusal\">\($0)</p>" } ?? .empty)
            <form method="post" action="\(action)" class="office-form publication-form">\(CSRF.field(csrf))
            \(FormView.field("title", label: t("intervention.title"), value: f.title, error: e["title"],
                         hint: t("publications.title-hint")))
            \(select("type", label: t("article.type"), value: f.type,
                 options: PublicationType.allCases.map { ($0.rawValue, $0.label) }, error: e["type"]))
            \(select("kind", label: t("publications.kind"), value: f.kind,
                 options: [("", "—")] + InterventionKind.allCases.map { ($0.rawValue, $0.label) }, error: e["kind"]))
            \(select("language", label: t("article.language"), value: f.language,
                 options: Language.allCases.map { ($0.rawValue, $0.endonym) }, error: e["language"]))
            \(FormView.field("date", label: t("casefile.date"), value: f.date, type: "date", error: e["date"]))
            \(FormView.field("countries", label: t("nav.countries"), value: f.countries, error: e["countries"],
                         hint: t("publications.countries-hint")))
            <fieldset class="field\(e["programmes"] != nil ? " invalid" : "")">\
            <legend>\(t("publications.programmes"))</legend>\(programmes.joined(separator: "\n"))
            \(e["programmes"].map { "<strong class=\"error\">\($0)</strong>" } ?? .empty)</fieldset>
            \(FormView.field("reference", label: t("publications.reference"), value: f.reference, error: e["reference"],
                         hint: t("publications.reference-hint")))
            \(FormView.field("follow_up_of", label: t("publications.follow-up-of"), value: f.followUpOf,
                         error: e["follow_up_of"]))
            \(FormView.field("translation_of", label: t("publications.translation-of"), value: f.translationOf,
                         error: e["translation_of"]))
            \(FormView.field("event_date", label: t("publications.event-date"), value: f.eventDate, type: "date",
                         error: e["event_date"]))
            \(textarea("summary", label: t("intervention.summary"), value: f.summary, rows: 3, error: e["summary"]))
            \(textarea("body", label: t("intervention.body"), value: f.body, rows: 18, error: e["body"],
                   hint: t("publications.body-hint")))
            \(FormView.field("publish_at", label: t("publications.publish-at"), value: f.publishAt,
                         type: "datetime-local", error: e["publish_at"]))
            <p class="actions">\(approval(c, viewer: viewer))
            <button type="submit" name="action" value="preview">\(t("bulletins.preview"))</button>
            <button type="submit" name="action" value="save">\
            \(t(c.status == .published ? "publications.save-changes" : "publications.save-draft"))</button>
            <button type="submit" name="action" value="publish">\(t("publications.publish-now"))</button>
            <button type="submit" name="action" value="schedule">\(t("publications.schedule"))</button>
            \(c.status != .draft && c.id != nil
                ? "<button type=\"submit\" name=\"action\" value=\"unpublish\">\(t("publications.unpublish"))</button>"
            as HTML
                : .empty)
            </p>
            </form>
            \(c.preview.map { """
            <section class="preview" aria-label="\(t("bulletins.preview"))"><h2>\(t("bulletins.preview"))</h2>\
            <div\(textLanguage(f))><h1>\(f.title)</h1><div class="body">\($0)</div></div></section>
            """ } ?? .empty)
            """)
    }
}
