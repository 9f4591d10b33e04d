import ObservatoryCore

/// The intervention pages: drafting, and the page where a second person approves the public version.
enum InterventionPages {
    static let notices = ["saved": "Saved.", "approved": "Approved: the reference code is assigned.",
        "published": "Published on the public site.",
                          "excepted": "Recorded: that occurrence stays as written in this version."]

    static func problems(title: String, summary: String, body: String) -> [String: String] {
        var errors: [String: String] = [:]
        if title.isEmpty || title.count > 500 { errors["title"] = "Write a title of at most 500 characters (“Country: headline”)." }
        if summary.count > 1_000 { errors["summary"] = "Keep the summary under 1,000 characters (it has \(summary.count))." }
        if body.isEmpty { errors["body"] = "Write the text." }
        if body.utf8.count > 1_000_000 { errors["body"] = "The text is longer than 1 MB." }
        return errors
    }

    static func textFields(title: String, summary: String, body: String, errors e: [String: String]) -> HTML {
        """
        \(FormView.field("title", label: "Title", value: title, error: e["title"], hint: "By convention “Country: headline”."))
        \(EditorialPages.textarea("summary", label: "Summary", value: summary, rows: 3, error: e["summary"]))
        \(EditorialPages.textarea("body", label: "Text (Markdown)", value: body, rows: 22, error: e["body"],
                                  hint: "Write names as they are: whoever did not agree to be named is replaced by their description in the public version."))
        """
    }

    static func new(_ c: CaseFile, draft d: InterventionStore.Draft, errors e: [String: String], viewer: Account,
                    csrf: String, original: Intervention? = nil) -> HTML {
        let role = d.translationOf != nil ? "Translation" : (d.followUpOf != nil ? "Follow-up" : "New intervention")
        return OfficeLayout(title: role, account: viewer, csrf: csrf).render("""
        <p><a href="\(OfficeRoute.caseFile(id: c.id).path)">Back to the case</a></p>
        <h1>\(role): \(d.kind.englishLabel)</h1>
        \(FormView.errorSummary(e))
        <form method="post" action="\(OfficeRoute.newIntervention(caseID: c.id, query: "").path)" class="office-form">\(CSRF.field(csrf))
        <input type="hidden" name="follow_up_of" value="\(d.followUpOf ?? "")"><input type="hidden" name="translation_of" value="\(d.translationOf ?? "")">
        \(EditorialPages.select("kind", label: "Kind", value: d.kind.rawValue, options: InterventionKind.allCases.map { ($0.rawValue, $0.englishLabel) }, error: nil))
        \(EditorialPages.select("language", label: "Language", value: d.language.rawValue, options: Language.allCases.map { ($0.rawValue, $0.endonym) }, error: nil))
        \(TranslationPages.beside(original, textFields(title: d.title.reveal(), summary: d.summary.reveal(),
                                                      body: d.body.reveal(), errors: e)))
        <p class="actions"><button type="submit">Save the draft</button></p></form>
        """)
    }

    /// The names the redaction replaces in this version, each with a form to record "not the person", and the
    /// records already made (shown to whoever approves next).
    static func redactionReview(_ i: Intervention, file c: CaseFile, exceptions: [RedactionExceptions.Record],
        viewer: Account,
                                csrf: String, error: String?) -> HTML {
        guard i.status == .draft else { return .empty }
        var seen = Set<String>()
        let matches = c.redactor(for: i).nameMatches(in: [i.title, i.summary,
            i.body].map { $0.reveal() }.joined(separator: "\n"))
            .filter { seen.insert(Redactor.exceptionKey($0.text)).inserted }
        let excepted = Set(exceptions.map { $0.value.reveal() })
        let mayRecord = viewer.email.lowercased() != i.lastChangedBy.lowercased()
        let rows: [HTML] = matches.map { m in
            let key = Redactor.exceptionKey(m.text)
            let form: HTML = excepted.contains(key) || !mayRecord ? .empty : """
                <form method="post" action="\(OfficeRoute.intervention(id: i.id).path)"
                class="inline-form">\(CSRF.field(csrf))
                <input type="hidden" name="occurrence" value="\(m.text)"><label>Not the person, because
                <input name="reason" maxlength="500" required></label>
                <button type="submit" name="action" value="not-the-person">Keep “\(m.text)” as written</button></form>
                """
            return "<li>“\(m.text)” → \(excepted.contains(key) ? "kept as written" : "replaced")\(form)</li>"
        }
        let records: [HTML] = exceptions.map {
            "<li>“\($0.value.reveal())” is not the person: \($0.reason.reveal())"
                + " (\($0.by), \(iso8601(seconds: $0.at)))</li>"
        }
        let recorded: HTML = records.isEmpty ? .empty : """
            <h3>Recorded as not the person in this version</h3><ul id="redaction-exceptions">\(records.joined())</ul>
            """
        return """
            <section aria-labelledby="redaction-review"><h2 id="redaction-review">Names the redaction replaces</h2>
            \(error.map { "<p class=\"notice error\" role=\"alert\" id=\"exception-error\">\($0)</p>" } ?? .empty)
            <ul id="redaction-matches">\(rows.joined())</ul>
            \(recorded)
            </section>
            """
    }

    static func show(_ i: Intervention, file c: CaseFile, notice: String?, errors e: [String: String],
        viewer: Account, csrf: String,
                     exceptions: [RedactionExceptions.Record] = [], original: Intervention? = nil) -> HTML {
        var redactor = c.redactor(for: i)
        redactor.exceptions = Set(exceptions.map { $0.value.reveal() })
        let version = i.status == .draft ? PublicVersion(of: i, redactor: redactor)
            : PublicVersion(title: i.publicTitle ?? "", summary: i.publicSummary ?? "", body: i.publicBody ?? "", leaks: [])
        let leaks: HTML = version.leaks.isEmpty ? .empty : """
            <div class="notice error" id="leaks" role="alert"><p>The public version still contains confidential values; change the draft:</p>
            <ul>\(version.leaks.map { "<li>\($0)</li>" as HTML })</ul></div>
            """
        let edit: HTML = i.status == .published ? .empty : """
            <form method="post" action="\(OfficeRoute.intervention(id: i.id).path)" class="office-form">\(CSRF.field(csrf))
            \(TranslationPages.beside(original, textFields(title: i.title.reveal(), summary: i.summary.reveal(),
                                                          body: i.body.reveal(), errors: e)))
            <p class="actions"><button type="submit" name="action" value="save">Save\(i.status == .approved ? " (it must then be approved again)" : "")</button></p></form>
            """
        var steps: [HTML] = []
        if i.status == .draft {
            steps.append(i.lastChangedBy.lowercased() == viewer.email.lowercased()
                ? "<p class=\"notice\" id=\"approval-note\">You made the latest change to this intervention: "
                    + "another case officer must approve it.</p>"
                : """
                  <form method="post" action="\(OfficeRoute.intervention(id: i.id).path)">\(CSRF.field(csrf))
                  <input type="hidden" name="revision" value="\(String(i.revision))"><input type="hidden"
                  name="version" value="\(version.hash)">
                  <button type="submit" name="action" value="approve">Approve this public version</button></form>
                  """)
        }
        if i.status == .approved {
            steps.append("<form method=\"post\" action=\"\(OfficeRoute.intervention(id: i.id).path)\">\(CSRF.field(csrf))<button type=\"submit\" name=\"action\" value=\"publish\">Publish</button></form>")
        }
        if i.status != .draft && i.translationOf == nil {
            let original = i.followUpOf ?? i.id
            steps.append("<a class=\"button\" href=\"\(OfficeRoute.newIntervention(caseID: c.id, query: "follow_up_of=\(original)").path)\">Draft a follow-up</a>")
            for language in Language.allCases where language != i.language {
                steps.append("<a class=\"button\" href=\"\(OfficeRoute.newIntervention(caseID: c.id, query: "translation_of=\(i.id)&language=\(language.rawValue)").path)\">Translate into \(language.endonym)</a>")
            }
        }
        let facts: HTML = """
            <dl class="case-facts"><dt>Case</dt><dd><a href="\(OfficeRoute.caseFile(id: c.id).path)">\(c.label.reveal())</a></dd>
            <dt>Kind</dt><dd>\(i.role): \(i.kind.englishLabel)</dd><dt>Language</dt><dd>\(i.language.endonym)</dd>
            <dt>Status</dt><dd id="intervention-status">\(i.status.label)</dd><dt>Reference</dt><dd id="reference">\(i.reference ?? "assigned at approval")</dd>
            <dt>Drafted</dt><dd>\(i.draftedBy), \(iso8601(seconds: i.draftedAt))</dd>
            <dt>Latest change</dt><dd id="latest-change">\(i.lastChangedBy) (revision \(String(i.revision)))</dd>
            \(i.approvedBy.map { "<dt>Approved</dt><dd>\($0), \(iso8601(seconds: i.approvedAt ?? 0))</dd>" as HTML } ?? .empty)
            \(i.publicationID.map { "<dt>Public page</dt><dd><a id=\"public-link\" href=\"\(SiteRoute.publication(id: $0).path)\">\(SiteRoute.publication(id: $0).path)</a></dd>" as HTML } ?? .empty)</dl>
            """
        return OfficeLayout(title: "Intervention", account: viewer, csrf: csrf).render("""
        <h1>\(i.role): \(i.kind.englishLabel)</h1>
        \(notice.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? .empty)
        \(e["action"].map { "<p class=\"notice error\" role=\"alert\" id=\"refusal\">\($0)</p>" } ?? .empty)
        \(facts)
        <div class="actions">\(steps.joined(separator: " "))</div>
        \(TranslationPages.notice(i, file: c, redactor: redactor))
        <section class="preview" aria-labelledby="public-version"><h2 id="public-version">Public version, as it will appear</h2>\(leaks)
        <article lang="\(i.language.rawValue)" dir="\(i.language.isRightToLeft ? "rtl" : "ltr")" id="public-preview">
        <h1><bdi>\(version.title)</bdi></h1><p class="reference">\(i.reference ?? "")</p>
        \(version.summary.isEmpty ? .empty : "<p class=\"summary\">\(version.summary)</p>" as HTML)
        <div class="body">\(Markdown.render(version.body))</div></article></section>
        \(redactionReview(i, file: c, exceptions: exceptions, viewer: viewer, csrf: csrf, error: e["exception"]))
        <section aria-labelledby="draft"><h2 id="draft">Draft (internal)</h2>\(edit)</section>
        """)
    }
}

extension PublicVersion {
    init(title: String, summary: String, body: String, leaks: [String]) {
        self.title = title; self.summary = summary; self.body = body; self.leaks = leaks
    }
}
