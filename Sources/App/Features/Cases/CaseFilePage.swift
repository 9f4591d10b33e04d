import ObservatoryCore

/// `/office/cases/{id}`: the whole case file, with a form for every step. Case officers only.
enum CaseFilePage {
    /// The notices after a change, by the `notice` query value: each read in the page's language.
    static let noticeKeys = [
        "saved": "casefile.notice.saved", "status": "casefile.notice.status",
        "person": "casefile.notice.person", "act": "casefile.notice.act",
        "source": "casefile.notice.source", "message": "casefile.notice.message",
        "attachment": "casefile.notice.attachment", "verification": "casefile.notice.verification"
    ]
    static var notices: [String: String] { noticeKeys.mapValues { key in t(key) } }

    static func render(
        _ c: CaseFile, organisations: [(id: String, name: String)], notice: String?, errors e: [String: String],
        viewer: Account, csrf: String, kitConflicts: [KitConflicts.Shown] = []
    ) -> HTML {
        let day = CasePages.day
        let statusOptions = c.status.next.map { ($0.rawValue, $0.localizedLabel) }
        let outcomes = [("", "—")] + Outcome.allCases.map { ($0.rawValue, $0.localizedLabel) }
        let opened = c.origin == "report" ? t("casefile.by-report") : t("casefile.by-officer")
        let facts: HTML = """
            <dl class="case-facts"><dt>\(t("cases.country"))</dt><dd>\(c.countryName)</dd>\
            <dt>\(t("cases.status"))</dt><dd id="case-status">\(c.status.localizedLabel)\
            \(c.outcome.map { " (\($0.localizedLabel))" } ?? "")</dd>
            <dt>\(t("cases.risk"))</dt><dd>\(c.risk.localizedLabel)</dd><dt>\(t("cases.opened"))</dt>\
            <dd>\(day(c.openedAt)) (\(opened))</dd>
            <dt>\(t("casefile.status-since"))</dt><dd>\(day(c.statusChangedAt))</dd></dl>
            """
        return OfficeLayout(title: t("cases.case"), account: viewer, csrf: csrf, translated: true).render(
            """
            <p><a href="\(OfficeRoute.cases(status: "").path)">\(t("office.nav.cases"))</a></p>
            <h1 id="case-label">\(c.label.reveal())</h1>
            \(notice.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? .empty)
            \(FormView.errorSummary(e))
            \(facts)
            <form method="post" action="\(OfficeRoute.caseStatus(id: c.id).path)" class="office-form inline-form" \
            id="status-form">\(CSRF.field(csrf))
            \(EditorialPages.select("status", label: t("casefile.move-to"), value: "", options: statusOptions,
                                error: e["status"]))
            \(EditorialPages.select("outcome", label: t("casefile.outcome"), value: "", options: outcomes, error: nil))
            <p class="actions"><button type="submit">\(t("casefile.change-status"))</button></p></form>\
            \(KitConflicts.section(kitConflicts, scope: .caseFile(c.id), csrf: csrf))
            \(CaseFileSections.people(c, errors: e, csrf: csrf))
            \(CaseFileSections.acts(c, errors: e, csrf: csrf))
            \(CaseFileSections.sources(c, errors: e, csrf: csrf))
            \(CaseFileSections.attachments(c, errors: e, csrf: csrf))
            \(CaseFileSections.messages(c, errors: e, csrf: csrf))
            \(CaseFileSections.verifications(c, organisations: organisations, errors: e, csrf: csrf))
            \(CaseFileSections.interventions(c))
            \(CaseFileSections.fieldWork(c))
            <section aria-labelledby="details"><h2 id="details">\(t("casefile.details"))</h2>
            <form method="post" action="\(OfficeRoute.caseFile(id: c.id).path)" class="office-form">\(CSRF.field(csrf))
            \(FormView.field("label", label: t("casefile.label"), value: c.label.reveal(), error: e["label"]))
            \(EditorialPages.select("risk", label: t("cases.risk"), value: c.risk.rawValue,
                                options: RiskLevel.allCases.map { ($0.rawValue, $0.localizedLabel) }, error: nil))
            \(EditorialPages.textarea("notes", label: t("casefile.notes"), value: c.notes.reveal(), rows: 6, error: nil))
            <p class="actions"><button type="submit">\(t("casefile.save-details"))</button></p></form></section>
            <section aria-labelledby="timeline"><h2 id="timeline">\(t("casefile.timeline"))</h2>\
            <ol class="timeline" id="case-timeline">\(c.events.map { ev -> HTML in
            "<li><time>\(iso8601(seconds: ev.at))</time> \(ev.summary)\(ev.actor.isEmpty ? "" : " — \(ev.actor)")</li>" })</ol></section>
            """)
    }
}
