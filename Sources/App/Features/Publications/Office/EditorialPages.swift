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
                ? "Scheduled for \(item.publishAt.map { iso8601(seconds: $0) } ?? "?")"
                : (EditorialStatus(rawValue: item.status)?.label ?? item.status)
            return """
                <tr><td><a href="\(OfficeRoute.publication(id: item.id).path)">\(item.title.isEmpty ? "(untitled event)" : item.title)</a></td>
                <td class="status-\(item.status)">\(state)</td><td>\(item.publishedOn)</td><td>\(PublicationType(rawValue: item.type)?.label ?? item.type)</td><td>\(item.language.uppercased())</td></tr>
                """
        }
        let options: [HTML] =
            [("", "Any status")].map { o in "<option value=\"\(o.0)\">\(o.1)</option>" }
            + EditorialStatus.allCases.map { s in
                "<option value=\"\(s.rawValue)\"\(HTML(trusted: s == status ? " selected" : ""))>\(s.label)</option>"
            }
        func link(_ page: Int) -> String {
            OfficeRoute.publications(
                query: [("q", text), ("status", status?.rawValue ?? ""), ("page", String(page))]
                    .filter { !$0.1.isEmpty }.map { "\($0.0)=\(SiteRoute.escapeSegment($0.1))" }.joined(separator: "&")
            ).path
        }
        let paging: HTML = """
            \(page > 1 ? "<a rel=\"prev\" href=\"\(link(page - 1))\">Newer</a>" as HTML : .empty)
            \(items.count > 50 ? "<a rel=\"next\" href=\"\(link(page + 1))\">Older</a>" as HTML : .empty)
            """
        return OfficeLayout(title: "Publications", account: viewer, csrf: csrf).render(
            """
            <h1>Publications</h1>
            <p><a class="button" href="\(OfficeRoute.newPublication.path)">Write a new publication</a></p>
            <form method="get" action="\(OfficeRoute.publications(query: "").path)" class="filters">
            \(FormView.field("q", label: "Title contains", value: text))
            <p class="field"><label for="status">Status</label><select id="status" name="status">\(options.joined())</select></p>
            <p><button type="submit">Show</button></p>
            </form>
            <table class="office"><thead><tr><th>Title</th><th>Status</th><th>Date</th><th>Type</th><th>Language</th></tr></thead>
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
            line = "Approved by \(state.approvedBy.joined(separator: ", ")) for this exact version."
        } else if state.exempt {
            line = "This type is exempt from a second approval (set by an administrator)."
        } else {
            line = "Not approved: a second person must approve this version before it is published or scheduled."
        }
        let mine = author?.lowercased() == viewer.email.lowercased()
        let button: HTML =
            state.approvedBy.isEmpty && !state.exempt && !mine
            ? "<button type=\"submit\" name=\"action\" value=\"approve\">Approve this version</button>" : .empty
        return """
            <span class="notice" id="approval-state">\(line) Latest change: \(author ?? "import") (revision
            \(String(state.version.revision)))\(
            mine ? ". You made it: another person approves." : ".")</span>
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
            <p class="field\(error != nil ? " invalid" : "")"><label for="\(name)">\(label)</label><select id="\(name)" name="\(name)">\(items.joined())</select>
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

    static func form(_ c: FormContext, viewer: Account, csrf: String) -> HTML {
        let f = c.form, e = c.errors
        let action = c.id.map { OfficeRoute.publication(id: $0).path } ?? OfficeRoute.newPublication.path
        let state: String =
            switch c.status {
            case .draft: "Draft: not on the public site."
            case .published: "Published: on the public site."
            case .scheduled: "Scheduled: goes public at \(c.publishAt.map { iso8601(seconds: $0) } ?? "?") (UTC)."
            }
        let programmes: [HTML] = Programme.allCases.map { p in
            "<label><input type=\"checkbox\" name=\"programmes\" value=\"\(p.rawValue)\"\(HTML(trusted: f.programmes.contains(p.rawValue) ? " checked" : ""))> \(p.label)</label>"
        }
        let publicLink: HTML =
            c.status == .published && c.id != nil
            ? " <a href=\"\(SiteRoute.publication(id: c.id!).path)\">See it on the public site</a>" : .empty
        return OfficeLayout(title: c.id == nil ? "New publication" : "Edit publication", account: viewer, csrf: csrf)
            .render(
                """
                <h1>\(c.id == nil ? "New publication" : "Edit publication")</h1>
                <p class="notice" id="publication-status">\(state)\(publicLink)</p>
                \(c.notice.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? .empty)
                \(FormView.errorSummary(e))
                \(e["action"].map { "<p class=\"notice error\" role=\"alert\" id=\"refusal\">\($0)</p>" } ?? .empty)
                <form method="post" action="\(action)" class="office-form publication-form">\(CSRF.field(csrf))
                \(FormView.field("title", label: "Title", value: f.title, error: e["title"], hint: "By convention “Country: headline”."))
                \(select("type", label: "Type", value: f.type, options: PublicationType.allCases.map { ($0.rawValue, $0.label) }, error: e["type"]))
                \(select("kind", label: "Kind (urgent interventions)", value: f.kind, options: [("", "—")] + InterventionKind.allCases.map { ($0.rawValue, $0.label) }, error: e["kind"]))
                \(select("language", label: "Language", value: f.language, options: Language.allCases.map { ($0.rawValue, $0.endonym) }, error: e["language"]))
                \(FormView.field("date", label: "Date", value: f.date, type: "date", error: e["date"]))
                \(FormView.field("countries", label: "Countries", value: f.countries, error: e["countries"], hint: "Names or ISO codes separated by “;”, e.g. Mexico; EU."))
                <fieldset class="field\(e["programmes"] != nil ? " invalid" : "")"><legend>Programmes</legend>\(programmes.joined(separator: "\n"))
                \(e["programmes"].map { "<strong class=\"error\">\($0)</strong>" } ?? .empty)</fieldset>
                \(FormView.field("reference", label: "Reference code", value: f.reference, error: e["reference"],
                         hint: "Allocated by the case workflow at approval; never typed."))
                \(FormView.field("follow_up_of", label: "Follow-up of (publication id)", value: f.followUpOf, error: e["follow_up_of"]))
                \(FormView.field("translation_of", label: "Translation of (publication id)", value: f.translationOf, error: e["translation_of"]))
                \(FormView.field("event_date", label: "Event date (events)", value: f.eventDate, type: "date", error: e["event_date"]))
                \(textarea("summary", label: "Summary", value: f.summary, rows: 3, error: e["summary"]))
                \(textarea("body", label: "Text (Markdown)", value: f.body, rows: 18, error: e["body"], hint: "## for headings, blank lines between paragraphs, - or 1. for lists, [text](https://…) for links."))
                \(FormView.field("publish_at", label: "Publish at (UTC), for scheduling", value: f.publishAt, type: "datetime-local", error: e["publish_at"]))
                <p class="actions">\(approval(c, viewer: viewer))
                <button type="submit" name="action" value="preview">Preview</button>
                <button type="submit" name="action" value="save">\(c.status == .published ? "Save changes" : "Save draft")</button>
                <button type="submit" name="action" value="publish">Publish now</button>
                <button type="submit" name="action" value="schedule">Schedule</button>
                \(c.status != .draft && c.id != nil ? "<button type=\"submit\" name=\"action\" value=\"unpublish\">Unpublish</button>" as HTML : .empty)
                </p>
                </form>
                \(c.preview.map { "<section class=\"preview\" aria-label=\"Preview\"><h2>Preview</h2><h1>\(f.title)</h1><div class=\"body\">\($0)</div></section>" } ?? .empty)
                """)
    }
}
