import ObservatoryCore

/// The intervention pages: drafting, and the page where a second person approves the public version.
enum InterventionPages {
    static let noticeKeys = [
        "saved": "casefile.notice.saved", "approved": "intervention.notice.approved",
        "published": "intervention.notice.published", "excepted": "intervention.notice.excepted"
    ]
    /// The notices after a step, by the `notice` query value, in the page's language.
    static var notices: [String: String] { noticeKeys.mapValues { key in t(key) } }

    /// How the page names the intervention's place in its chain ("Translation (FR)", "Follow-up", "Original").
    static func role(_ i: Intervention) -> String {
        if i.translationOf != nil {
            return t("intervention.role.translation", ["code": i.language.rawValue.uppercased()])
        }
        return i.followUpOf != nil ? t("casefile.follow-up") : t("casefile.original")
    }

    static func problems(title: String, summary: String, body: String) -> [String: String] {
        var errors: [String: String] = [:]
        if title.isEmpty || title.count > 500 { errors["title"] = t("intervention.error.title") }
        if summary.count > 1_000 {
            errors["summary"] = t("intervention.error.summary", ["n": Translations.current.number(summary.count)])
        }
        if body.isEmpty { errors["body"] = t("intervention.error.body") }
        if body.utf8.count > 1_000_000 { errors["body"] = t("intervention.error.too-long") }
        return errors
    }

    static func textFields(title: String, summary: String, body: String, errors e: [String: String]) -> HTML {
        """
        \(FormView.field("title", label: t("intervention.title"), value: title, error: e["title"],
                         hint: t("intervention.title-hint")))
        \(EditorialPages.textarea("summary", label: t("intervention.summary"), value: summary, rows: 3,
                                  error: e["summary"]))
        \(EditorialPages.textarea("body", label: t("intervention.body"), value: body, rows: 22, error: e["body"],
                                  hint: t("intervention.body-hint")))
        """
    }

    static func new(
        _ c: CaseFile, draft d: InterventionStore.Draft, errors e: [String: String], viewer: Account,
        csrf: String, original: Intervention? = nil
    ) -> HTML {
        let role =
            d.translationOf != nil
            ? t("casefile.translation")
            : (d.followUpOf != nil ? t("casefile.follow-up") : t("intervention.new"))
        let kinds = InterventionKind.allCases.map { ($0.rawValue, $0.label) }
        return OfficeLayout(title: role, account: viewer, csrf: csrf, translated: true).render(
            """
            <p><a href="\(OfficeRoute.caseFile(id: c.id).path)">\(t("intervention.back"))</a></p>
            <h1>\(role): \(d.kind.label)</h1>
            \(FormView.errorSummary(e))
            <form method="post" action="\(OfficeRoute.newIntervention(caseID: c.id, query: "").path)" \
            class="office-form">\(CSRF.field(csrf))
            <input type="hidden" name="follow_up_of" value="\(d.followUpOf ?? "")">\
            <input type="hidden" name="translation_of" value="\(d.translationOf ?? "")">
            \(EditorialPages.select("kind", label: t("casefile.kind"), value: d.kind.rawValue, options: kinds, error: nil))
            \(EditorialPages.select("language", label: t("office.language.title"), value: d.language.rawValue,
                                options: Language.allCases.map { ($0.rawValue, $0.endonym) }, error: nil))
            \(TranslationPages.beside(original, textFields(title: d.title.reveal(), summary: d.summary.reveal(),
                                                      body: d.body.reveal(), errors: e)))
            <p class="actions"><button type="submit">\(t("intervention.save-draft"))</button></p></form>
            """)
    }

    /// The names the redaction replaces in this version, each with a form to record "not the person", and the
    /// records already made (shown to whoever approves next).
    static func redactionReview(
        _ i: Intervention, file c: CaseFile, exceptions: [RedactionExceptions.Record],
        viewer: Account,
        csrf: String, error: String?
    ) -> HTML {
        guard i.status == .draft else { return .empty }
        var seen = Set<String>()
        let matches = c.redactor(for: i).nameMatches(
            in: [
                i.title, i.summary,
                i.body
            ].map { $0.reveal() }.joined(separator: "\n")
        )
        .filter { seen.insert(Redactor.exceptionKey($0.text)).inserted }
        let excepted = Set(exceptions.map { $0.value.reveal() })
        let mayRecord = viewer.email.lowercased() != i.lastChangedBy.lowercased()
        let rows: [HTML] = matches.map { m in
            let key = Redactor.exceptionKey(m.text)
            let form: HTML =
                excepted.contains(key) || !mayRecord
                ? .empty
                : """
                <form method="post" action="\(OfficeRoute.intervention(id: i.id).path)"
                class="inline-form">\(CSRF.field(csrf))
                <input type="hidden" name="occurrence" value="\(m.text)"><label>\(t("intervention.not-person-because"))
                <input name="reason" maxlength="500" required></label>
                <button type="submit" name="action" value="not-the-person">\
                \(t("intervention.keep", ["text": m.text]))</button></form>
                """
            let state = excepted.contains(key) ? t("intervention.kept") : t("intervention.replaced")
            return "<li>“\(m.text)” → \(state)\(form)</li>"
        }
        let records: [HTML] = exceptions.map {
            "<li>\(t("intervention.is-not", ["text": $0.value.reveal(), "reason": $0.reason.reveal()]))"
                + " (\($0.by), \(iso8601(seconds: $0.at)))</li>"
        }
        let recorded: HTML =
            records.isEmpty
            ? .empty
            : """
            <h3>\(t("intervention.recorded"))</h3><ul id="redaction-exceptions">\(records.joined())</ul>
            """
        return """
            <section aria-labelledby="redaction-review"><h2 id="redaction-review">\(t("intervention.names"))</h2>
            \(error.map { "<p class=\"notice error\" role=\"alert\" id=\"exception-error\">\($0)</p>" } ?? .empty)
            <ul id="redaction-matches">\(rows.joined())</ul>
            \(recorded)
            </section>
            """
    }

    static func show(
        _ i: Intervention, file c: CaseFile, notice: String?, errors e: [String: String],
        viewer: Account, csrf: String,
        exceptions: [RedactionExceptions.Record] = [], original: Intervention? = nil
    ) -> HTML {
        var redactor = c.redactor(for: i)
        redactor.exceptions = Set(exceptions.map { $0.value.reveal() })
        let version =
            i.status == .draft
            ? PublicVersion(of: i, redactor: redactor)
            : PublicVersion(
                title: i.publicTitle ?? "", summary: i.publicSummary ?? "", body: i.publicBody ?? "", leaks: [])
        let leaks: HTML =
            version.leaks.isEmpty
            ? .empty
            : """
            <div class="notice error" id="leaks" role="alert"><p>\(t("intervention.leaks"))</p>
            <ul>\(version.leaks.map { "<li>\($0)</li>" as HTML })</ul></div>
            """
        let edit: HTML =
            i.status == .published
            ? .empty
            : """
            <form method="post" action="\(OfficeRoute.intervention(id: i.id).path)" \
            class="office-form">\(CSRF.field(csrf))
            \(TranslationPages.beside(original, textFields(title: i.title.reveal(), summary: i.summary.reveal(),
                                                          body: i.body.reveal(), errors: e)))
            <p class="actions"><button type="submit" name="action" value="save">\
            \(i.status == .approved ? t("intervention.save-again") : t("users.save"))</button></p></form>
            """
        var steps: [HTML] = []
        if i.status == .draft {
            steps.append(
                i.lastChangedBy.lowercased() == viewer.email.lowercased()
                    ? "<p class=\"notice\" id=\"approval-note\">\(t("intervention.own-change"))</p>"
                    : """
                    <form method="post" action="\(OfficeRoute.intervention(id: i.id).path)">\(CSRF.field(csrf))
                    <input type="hidden" name="revision" value="\(String(i.revision))"><input type="hidden"
                    name="version" value="\(version.hash)">
                    <button type="submit" name="action" value="approve">\(t("intervention.approve"))</button></form>
                    """)
        }
        if i.status == .approved {
            steps.append(
                """
                <form method="post" action="\(OfficeRoute.intervention(id: i.id).path)">\(CSRF.field(csrf))\
                <button type="submit" name="action" value="publish">\(t("intervention.publish"))</button></form>
                """)
        }
        if i.status != .draft && i.translationOf == nil {
            let original = i.followUpOf ?? i.id
            let followUp = OfficeRoute.newIntervention(caseID: c.id, query: "follow_up_of=\(original)").path
            steps.append("<a class=\"button\" href=\"\(followUp)\">\(t("intervention.draft-follow-up"))</a>")
            for language in Language.allCases where language != i.language {
                let query = "translation_of=\(i.id)&language=\(language.rawValue)"
                let path = OfficeRoute.newIntervention(caseID: c.id, query: query).path
                let label = t("intervention.translate-into", ["language": language.endonym])
                steps.append("<a class=\"button\" href=\"\(path)\">\(label)</a>")
            }
        }
        let facts: HTML = """
            <dl class="case-facts"><dt>\(t("cases.case"))</dt>\
            <dd><a href="\(OfficeRoute.caseFile(id: c.id).path)">\(c.label.reveal())</a></dd>
            <dt>\(t("casefile.kind"))</dt><dd>\(role(i)): \(i.kind.label)</dd><dt>\(t("office.language.title"))</dt>\
            <dd>\(i.language.endonym)</dd>
            <dt>\(t("cases.status"))</dt><dd id="intervention-status">\(i.status.localizedLabel)</dd>\
            <dt>\(t("casefile.reference"))</dt><dd id="reference">\(i.reference ?? t("intervention.at-approval"))</dd>
            <dt>\(t("intervention.drafted"))</dt><dd>\(i.draftedBy), \(iso8601(seconds: i.draftedAt))</dd>
            <dt>\(t("intervention.latest"))</dt><dd id="latest-change">\(i.lastChangedBy) \
            (\(t("intervention.revision", ["n": Translations.current.number(i.revision)])))</dd>
            \(i.approvedBy.map { """
                <dt>\(t("intervention.approved"))</dt><dd>\($0), \(iso8601(seconds: i.approvedAt ?? 0))</dd>
                """ as HTML } ?? .empty)
            \(i.publicationID.map { """
                <dt>\(t("intervention.public-page"))</dt><dd><a id="public-link" \
                href="\(SiteRoute.publication(id: $0).path)">\(SiteRoute.publication(id: $0).path)</a></dd>
                """ as HTML } ?? .empty)</dl>
            """
        return OfficeLayout(title: t("casefile.intervention"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(role(i)): \(i.kind.label)</h1>
            \(notice.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? .empty)
            \(e["action"].map { "<p class=\"notice error\" role=\"alert\" id=\"refusal\">\($0)</p>" } ?? .empty)
            \(facts)
            <div class="actions">\(steps.joined(separator: " "))</div>
            \(TranslationPages.notice(i, file: c, redactor: redactor))
            <section class="preview" aria-labelledby="public-version"><h2 id="public-version">\
            \(t("intervention.public-version"))</h2>\(leaks)
            <article lang="\(i.language.rawValue)" dir="\(i.language.isRightToLeft ? "rtl" : "ltr")" id="public-preview">
            <h1><bdi>\(version.title)</bdi></h1><p class="reference">\(i.reference ?? "")</p>
            \(version.summary.isEmpty ? .empty : "<p class=\"summary\">\(version.summary)</p>" as HTML)
            <div class="body">\(Markdown.render(version.body))</div></article></section>
            \(redactionReview(i, file: c, exceptions: exceptions, viewer: viewer, csrf: csrf, error: e["exception"]))
            <section aria-labelledby="draft"><h2 id="draft">\(t("intervention.draft-internal"))</h2>\(edit)</section>
            """)
    }
}

extension PublicVersion {
    init(title: String, summary: String, body: String, leaks: [String]) {
        self.title = title; self.summary = summary; self.body = body; self.leaks = leaks
    }
}
