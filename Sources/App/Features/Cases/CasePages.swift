import ObservatoryCore

/// The cases dashboard with the list, and the form that opens a case.
enum CasePages {
    static func day(_ seconds: Int64) -> String { String(iso8601(seconds: seconds).prefix(10)) }

    static func index(
        dashboard d: CaseDashboard, cases: [CaseFile], status: CaseStatus?, viewer: Account, csrf: String
    ) -> HTML {
        let words = Translations.current
        let counts: [HTML] = CaseStatus.allCases.map { s in
            let current = HTML(trusted: s == status ? " aria-current=\"true\"" : "")
            return """
                <li><a href="\(OfficeRoute.cases(status: s.rawValue).path)"\(current)>\(s.localizedLabel)</a> \
                <strong>\(words.number(d.counts[s] ?? 0))</strong></li>
                """
        }
        let waiting: [HTML] = d.waiting.map { w in
            """
            <li><a href="\(OfficeRoute.caseFile(id: w.caseID).path)">\(w.caseLabel.reveal())</a>: \
            \(t("cases.asked", ["organisation": w.organisation, "date": words.day(seconds: w.askedAt)]))</li>
            """
        }
        let quiet: [HTML] = d.quiet.map { q in
            let last =
                q.lastPublished.map { t("cases.last-published", ["date": words.day(seconds: $0)]) }
                ?? t("cases.nothing-published")
            return "<li><a href=\"\(OfficeRoute.caseFile(id: q.caseID).path)\">\(q.label.reveal())</a>: \(last)</li>"
        }
        let rows: [HTML] = cases.map { c in
            """
            <tr><td><a href="\(OfficeRoute.caseFile(id: c.id).path)">\(c.label.reveal())</a></td><td>\(c.countryName)</td>
            <td class="status-\(c.status.rawValue)">\
            \(c.status.localizedLabel + (c.outcome.map { " (\($0.localizedLabel))" } ?? ""))</td>\
            <td>\(c.risk.localizedLabel)</td>
            <td>\(words.day(seconds: c.openedAt))</td><td>\(words.day(seconds: c.lastActivityAt))</td></tr>
            """
        }
        let none: HTML = "<p>\(t("cases.none"))</p>"
        // Retention is off in a mission kit's local copy: no line, no link.
        let retentionLine: HTML =
            d.retentionDue.map { due -> HTML in
                "\n<li><a href=\"\(RetentionRoute.due.path)\" id=\"retention-due-link\">\(t("cases.retention-due"))</a> "
                    + "<strong>\(words.number(due))</strong></li>"
            } ?? .empty
        return OfficeLayout(title: t("office.nav.cases"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(t("office.nav.cases"))</h1>
            <p><a class="button" href="\(OfficeRoute.newCase.path)">\(t("cases.open"))</a> \
            <a href="\(OfficeRoute.addresses.path)">\(t("office.dashboard.addresses"))</a></p>
            <section aria-labelledby="by-status"><h2 id="by-status">\(t("cases.by-status"))</h2>\
            <ul class="counts" id="status-counts">\(counts.joined())</ul>
            <p><a href="\(OfficeRoute.cases(status: "").path)">\(t("cases.all"))</a></p></section>
            <section aria-labelledby="waiting"><h2 id="waiting">\
            \(t("cases.waiting", ["days": t("count.days", count: Int(CaseDashboard.verificationWaitDays))]))</h2>
            \(waiting.isEmpty ? none : "<ul id=\"waiting-verifications\">\(waiting.joined())</ul>")</section>
            <section aria-labelledby="quiet"><h2 id="quiet">\
            \(t("cases.quiet", ["days": t("count.days", count: Int(CaseDashboard.quietDays))]))</h2>
            \(quiet.isEmpty ? none : "<ul id=\"quiet-cases\">\(quiet.joined())</ul>")</section>
            <div lang="en" dir="ltr">\(BulkTriage.section(d.bulk, day: day))</div>
            <section aria-labelledby="field"><h2 id="field">\(t("cases.field"))</h2><ul id="field-work">
            <li><a href="\(OfficeRoute.assistance.path)">\(t("cases.grants-awaiting"))</a> \
            <strong>\(words.number(d.fieldWork.grantsAwaiting))</strong></li>
            <li><a href="\(OfficeRoute.assistance.path)">\(t("cases.reports-overdue"))</a> \
            <strong>\(words.number(d.fieldWork.reportsOverdue))</strong></li>
            <li><a href="\(OfficeRoute.missions.path)">\(t("cases.missions-soon"))</a> \
            <strong>\(words.number(d.fieldWork.missionsSoon))</strong></li>\(retentionLine)</ul></section>
            <h2>\(status?.localizedLabel ?? t("cases.all"))</h2>
            <table class="office" id="cases"><thead><tr><th>\(t("cases.case"))</th><th>\(t("cases.country"))</th>\
            <th>\(t("cases.status"))</th><th>\(t("cases.risk"))</th><th>\(t("cases.opened"))</th>\
            <th>\(t("cases.last-activity"))</th></tr></thead>
            <tbody>\(rows.joined(separator: "\n"))</tbody></table>
            """)
    }

    static func new(_ f: CaseForm, errors e: [String: String], viewer: Account, csrf: String) -> HTML {
        OfficeLayout(title: t("cases.open"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(t("cases.open"))</h1>
            \(FormView.errorSummary(e))
            <form method="post" action="\(OfficeRoute.newCase.path)" class="office-form">\(CSRF.field(csrf))
            \(FormView.field("label", label: t("casefile.label"), value: f.label, error: e["label"],
                         hint: t("newcase.label-hint")))
            \(FormView.field("country", label: t("cases.country"), value: f.country, error: e["country"],
                         hint: t("newcase.country-hint")))
            \(EditorialPages.select("risk", label: t("cases.risk"), value: f.risk, options: RiskLevel.allCases.map {
            ($0.rawValue, $0.localizedLabel) }, error: e["risk"]))
            <fieldset><legend>\(t("newcase.person"))</legend>
            \(EditorialPages.select("kind", label: t("casefile.kind"), value: f.kind, options: AtRiskKind.allCases.map {
            ($0.rawValue, $0.localizedLabel) }, error: e["kind"]))
            \(FormView.field("person", label: t("casefile.name"), value: f.person, error: e["person"]))
            <p class="field"><label><input type="checkbox" name="consents" value="yes"\
            \(HTML(trusted: f.consents ? " checked" : ""))> \(t("casefile.agrees-public"))</label></p>
            \(FormView.field("description", label: t("casefile.description-when"), value: f.description,
                         error: e["description"], hint: t("newcase.description-hint")))
            \(FormView.field("contact", label: t("casefile.contact-confidential"), value: f.contact, error: e["contact"]))
            </fieldset>
            \(EditorialPages.textarea("notes", label: t("casefile.notes"), value: f.notes, rows: 6, error: e["notes"]))
            <p class="actions"><button type="submit">\(t("newcase.open"))</button></p>
            </form>
            """)
    }
}
