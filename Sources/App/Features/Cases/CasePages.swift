import ObservatoryCore

/// The cases dashboard with the list, and the form that opens a case.
enum CasePages {
    static func day(_ seconds: Int64) -> String { String(iso8601(seconds: seconds).prefix(10)) }

    static func index(dashboard d: CaseDashboard, cases: [CaseFile], status: CaseStatus?, viewer: Account, csrf: String) -> HTML {
        let counts: [HTML] = CaseStatus.allCases.map { s in
            "<li><a href=\"\(OfficeRoute.cases(status: s.rawValue).path)\"\(HTML(trusted: s == status ? " aria-current=\"true\"" : ""))>\(s.label)</a> <strong>\(d.counts[s] ?? 0)</strong></li>"
        }
        let waiting: [HTML] = d.waiting.map { w in
            "<li><a href=\"\(OfficeRoute.caseFile(id: w.caseID).path)\">\(w.caseLabel.reveal())</a>: \(w.organisation), asked \(day(w.askedAt))</li>"
        }
        let quiet: [HTML] = d.quiet.map { q in
            "<li><a href=\"\(OfficeRoute.caseFile(id: q.caseID).path)\">\(q.label.reveal())</a>: \(q.lastPublished.map { "last published \(day($0))" } ?? "nothing published")</li>"
        }
        let rows: [HTML] = cases.map { c in
            """
            <tr><td><a href="\(OfficeRoute.caseFile(id: c.id).path)">\(c.label.reveal())</a></td><td>\(c.countryName)</td>
            <td class="status-\(c.status.rawValue)">\(c.status.label + (c.outcome.map { " (\($0.label))" } ?? ""))</td><td>\(c.risk.label)</td>
            <td>\(day(c.openedAt))</td><td>\(day(c.lastActivityAt))</td></tr>
            """
        }
        return OfficeLayout(title: "Cases", account: viewer, csrf: csrf).render("""
        <h1>Cases</h1>
        <p><a class="button" href="\(OfficeRoute.newCase.path)">Open a case</a> <a href="\(OfficeRoute.addresses.path)">Authorities’ addresses</a></p>
        <section aria-labelledby="by-status"><h2 id="by-status">By status</h2><ul class="counts" id="status-counts">\(counts.joined())</ul>
        <p><a href="\(OfficeRoute.cases(status: "").path)">All cases</a></p></section>
        <section aria-labelledby="waiting"><h2 id="waiting">Verifications waiting more than \
        \(t("count.days", count: Int(CaseDashboard.verificationWaitDays)))</h2>
        \(waiting.isEmpty ? "<p>None.</p>" as HTML : "<ul id=\"waiting-verifications\">\(waiting.joined())</ul>")</section>
        <section aria-labelledby="quiet"><h2 id="quiet">No follow-up for \
        \(t("count.days", count: Int(CaseDashboard.quietDays)))</h2>
        \(quiet.isEmpty ? "<p>None.</p>" as HTML : "<ul id=\"quiet-cases\">\(quiet.joined())</ul>")</section>
        \(BulkTriage.section(d.bulk, day: day))
        <section aria-labelledby="field"><h2 id="field">Missions and material assistance</h2><ul id="field-work">
        <li><a href="\(OfficeRoute.assistance.path)">Grants awaiting approval</a> <strong>\(d.fieldWork.grantsAwaiting)</strong></li>
        <li><a href="\(OfficeRoute.assistance.path)">Beneficiaries' reports overdue</a> <strong>\(d.fieldWork.reportsOverdue)</strong></li>
        <li><a href="\(OfficeRoute.missions.path)">Missions under way or within 30 days</a> <strong>\(d.fieldWork.missionsSoon)</strong></li></ul></section>
        <h2>\(status?.label ?? "All cases")</h2>
        <table class="office" id="cases"><thead><tr><th>Case</th><th>Country</th><th>Status</th><th>Risk</th><th>Opened</th><th>Last activity</th></tr></thead>
        <tbody>\(rows.joined(separator: "\n"))</tbody></table>
        """)
    }

    static func new(_ f: CaseForm, errors e: [String: String], viewer: Account, csrf: String) -> HTML {
        OfficeLayout(title: "Open a case", account: viewer, csrf: csrf).render("""
        <h1>Open a case</h1>
        \(FormView.errorSummary(e))
        <form method="post" action="\(OfficeRoute.newCase.path)" class="office-form">\(CSRF.field(csrf))
        \(FormView.field("label", label: "Working title (internal)", value: f.label, error: e["label"], hint: "Confidential: may name people."))
        \(FormView.field("country", label: "Country", value: f.country, error: e["country"], hint: "A name or ISO code, e.g. Mexico or MX."))
        \(EditorialPages.select("risk", label: "Risk", value: f.risk, options: RiskLevel.allCases.map { ($0.rawValue, $0.label) }, error: e["risk"]))
        <fieldset><legend>First person or organisation at risk (optional)</legend>
        \(EditorialPages.select("kind", label: "Kind", value: f.kind, options: AtRiskKind.allCases.map { ($0.rawValue, $0.label) }, error: e["kind"]))
        \(FormView.field("person", label: "Name", value: f.person, error: e["person"]))
        <p class="field"><label><input type="checkbox" name="consents" value="yes"\(HTML(trusted: f.consents ? " checked" : ""))> Agrees to be named in public</label></p>
        \(FormView.field("description", label: "Public description when not named", value: f.description, error: e["description"], hint: "e.g. “a woman human rights defender in Oaxaca”"))
        \(FormView.field("contact", label: "Contact (confidential)", value: f.contact, error: e["contact"]))
        </fieldset>
        \(EditorialPages.textarea("notes", label: "Internal notes (confidential)", value: f.notes, rows: 6, error: e["notes"]))
        <p class="actions"><button type="submit">Open the case</button></p>
        </form>
        """)
    }
}
