import ObservatoryCore

/// `/office/cases/{id}`: the whole case file, with a form for every step. Case officers only.
enum CaseFilePage {
    static let notices = ["saved": "Saved.", "status": "Status changed.", "person": "Person added.", "act": "Act added.",
                          "source": "Source added.", "message": "Message sent to the reporter.", "attachment": "Attachment added.",
                          "verification": "Verification asked."]

    static func render(_ c: CaseFile, organisations: [(id: String, name: String)], notice: String?, errors e: [String: String],
                       viewer: Account, csrf: String) -> HTML {
        let day = CasePages.day
        let statusOptions = c.status.next.map { ($0.rawValue, $0.label) }
        let facts: HTML = """
            <dl class="case-facts"><dt>Country</dt><dd>\(c.countryName)</dd><dt>Status</dt><dd id="case-status">\(c.status.label)\(c.outcome.map { " (\($0.label))" } ?? "")</dd>
            <dt>Risk</dt><dd>\(c.risk.label)</dd><dt>Opened</dt><dd>\(day(c.openedAt)) (\(c.origin == "report" ? "public report form" : "by a case officer"))</dd>
            <dt>Status since</dt><dd>\(day(c.statusChangedAt))</dd></dl>
            """
        return OfficeLayout(title: "Case", account: viewer, csrf: csrf).render("""
        <p><a href="\(OfficeRoute.cases(status: "").path)">Cases</a></p>
        <h1 id="case-label">\(c.label.reveal())</h1>
        \(notice.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? .empty)
        \(FormView.errorSummary(e))
        \(facts)
        <form method="post" action="\(OfficeRoute.caseStatus(id: c.id).path)" class="office-form inline-form" id="status-form">\(CSRF.field(csrf))
        \(EditorialPages.select("status", label: "Move to", value: "", options: statusOptions, error: e["status"]))
        \(EditorialPages.select("outcome", label: "Outcome (when closing)", value: "", options: [("", "—")] + Outcome.allCases.map { ($0.rawValue, $0.label) }, error: nil))
        <p class="actions"><button type="submit">Change status</button></p></form>
        \(CaseFileSections.people(c, errors: e, csrf: csrf))
        \(CaseFileSections.acts(c, errors: e, csrf: csrf))
        \(CaseFileSections.sources(c, errors: e, csrf: csrf))
        \(CaseFileSections.attachments(c, errors: e, csrf: csrf))
        \(CaseFileSections.messages(c, errors: e, csrf: csrf))
        \(CaseFileSections.verifications(c, organisations: organisations, errors: e, csrf: csrf))
        \(CaseFileSections.interventions(c))
        \(CaseFileSections.fieldWork(c))
        <section aria-labelledby="details"><h2 id="details">Details and notes</h2>
        <form method="post" action="\(OfficeRoute.caseFile(id: c.id).path)" class="office-form">\(CSRF.field(csrf))
        \(FormView.field("label", label: "Working title (internal)", value: c.label.reveal(), error: e["label"]))
        \(EditorialPages.select("risk", label: "Risk", value: c.risk.rawValue, options: RiskLevel.allCases.map { ($0.rawValue, $0.label) }, error: nil))
        \(EditorialPages.textarea("notes", label: "Internal notes (confidential)", value: c.notes.reveal(), rows: 6, error: nil))
        <p class="actions"><button type="submit">Save details</button></p></form></section>
        <section aria-labelledby="timeline"><h2 id="timeline">Timeline</h2><ol class="timeline" id="case-timeline">\(c.events.map { ev -> HTML in
            "<li><time>\(iso8601(seconds: ev.at))</time> \(ev.summary)\(ev.actor.isEmpty ? "" : " — \(ev.actor)")</li>" })</ol></section>
        """)
    }
}
