import Foundation
import ObservatoryCore

/// The staff pages of material assistance.
enum AssistancePages {
    static func criteria(_ settings: AssistanceSettings, met: Set<String>, disabled: Bool = false) -> HTML {
        let boxes: [HTML] = settings.criteria.filter(\.active).map { c in
            "<li><label><input type=\"checkbox\" name=\"criterion\" value=\"\(c.id)\"\(HTML(trusted: met.contains(c.id) ? " checked" : ""))\(HTML(trusted: disabled ? " disabled" : ""))> \(c.text)</label></li>"
        }
        return """
            <fieldset><legend>\(t("assistance.criteria-met"))</legend><ul class="plain" id="criteria">\
            \(boxes.joined())</ul></fieldset>
            """
    }

    static func table(_ id: String, _ rows: [AssistanceRequest], caseLabels: [String: String], today: CivilDate) -> HTML
    {
        guard !rows.isEmpty else { return "<p id=\"\(id)\">\(t("cases.none"))</p>" }
        let items: [HTML] = rows.map { r in
            let overdue: HTML =
                r.reportOverdue(today: today)
                ? " <strong class=\"error\">\(t("assistance.report-overdue"))</strong>" : .empty
            return """
                <tr><td><a href="\(OfficeRoute.assistanceRequest(id: r.id).path)">\(r.kind.localizedLabel)</a></td>\
                <td>\(r.amount.formatted)</td>
                <td><a href="\(OfficeRoute.caseFile(id: r.caseID).path)">\(caseLabels[r.caseID] ?? r.caseID)</a></td>
                <td>\(r.status.localizedLabel)\(overdue)</td>\
                <td>\(String(iso8601(seconds: r.requestedAt).prefix(10)))</td></tr>
                """
        }
        return """
            <table id="\(id)"><thead><tr><th>\(t("assistance.assistance"))</th><th>\(t("assistance.amount"))</th>\
            <th>\(t("cases.case"))</th><th>\(t("missions.stage"))</th><th>\(t("assistance.requested"))</th>\
            </tr></thead>\
            <tbody>\(items.joined())</tbody></table>
            """
    }

    static func newRequest(
        _ f: AssistanceForm, file: CaseFile?, settings: AssistanceSettings,
        errors e: [String: String], csrf: String, cases: CaseChoices = CaseChoices()
    ) -> HTML {
        guard let file else {
            let missing =
                e["case"]
                ?? (f.caseID.isEmpty ? nil : t("missions.error.no-case", ["id": String(f.caseID.prefix(60))]))
            return """
                <p class="meta">\(t("assistance.for-a-case"))</p>
                \(ChoiceList.search(action: OfficeRoute.assistance.path, param: "case_q", query: cases.query,
                                label: t("missions.find-case"),
                                anchor: "new"))
                <form method="get" action="\(OfficeRoute.assistance.path)#new" class="office-form">
                \(ChoiceList.options(cases.found, name: "case", multiple: false, legend: t("missions.the-case"),
                                 id: "case-choices", query: cases.query, more: cases.more, error: missing))
                <p class="actions"><button type="submit">\(t("office.continue"))</button></p></form>
                """
        }
        return """
            <form method="post" action="\(OfficeRoute.assistance.path)" \
            class="office-form">\(CSRF.field(csrf))\(FormView.errorSummary(e))
            \(AssistanceCeiling.flag(f, settings: settings))
            <input type="hidden" name="case" value="\(file.id)"><p>\(t("assistance.for-the-case")) \
            <a href="\(OfficeRoute.caseFile(id: file.id).path)">\(file.label.reveal())</a></p>
            \(EditorialPages.select("beneficiary", label: t("assistance.beneficiary"), value: f.beneficiary,
                                options: [("", "—")] + file.people.map {
                                    ($0.id, "\($0.name.reveal()) (\($0.kind.localizedLabel))") },
                                error: e["beneficiary"]))
            \(EditorialPages.select("kind", label: t("assistance.kind"), value: f.kind,
                                options: AssistanceKind.allCases.map { ($0.rawValue, $0.localizedLabel) },
                                error: e["kind"]))
            \(FormView.field("currency", label: t("assistance.currency"), value: f.currency, error: e["currency"],
                         attributes: "maxlength=\"3\""))
            \(FormView.field("amount", label: t("assistance.amount"), value: f.amount, error: e["amount"],
                         attributes: "inputmode=\"decimal\""))
            \(FormView.field("reference", label: t("assistance.same-amount", ["currency": settings.currency]),
                         value: f.reference, error: e["reference"],
                         hint: t("assistance.ceiling-hint", ["ceiling": settings.ceiling.formatted]),
                         attributes: "inputmode=\"decimal\""))
            \(EditorialPages.textarea("purpose", label: t("assistance.purpose"), value: f.purpose, rows: 5,
                                  error: e["purpose"]))
            \(criteria(settings, met: f.criteria))
            <p class="actions"><button type="submit">\(t("assistance.enter"))</button></p></form>
            """
    }

    static func index(
        _ requests: [AssistanceRequest], caseLabels: [String: String], settings: AssistanceSettings, today: CivilDate,
        form: AssistanceForm,
        file: CaseFile?, errors: [String: String], viewer: Account, csrf: String,
        cases: CaseChoices = CaseChoices()
    ) -> HTML {
        func with(_ statuses: [AssistanceStatus]) -> [AssistanceRequest] {
            requests.filter { statuses.contains($0.status) }
        }
        let rules = t(
            "assistance.rules",
            [
                "ceiling": settings.ceiling.formatted,
                "needed": Translations.current.number(AssistanceRules.approvalsNeeded)
            ])
        return OfficeLayout(title: t("assistance.title"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(t("assistance.title"))</h1>
            <p class="meta">\(rules)</p>
            <h2>\(t("assistance.awaiting"))</h2>\
            \(table("assistance-requested", with([.requested]), caseLabels: caseLabels, today: today))
            <h2>\(t("assistance.to-pay"))</h2>\(table("assistance-approved", with([.approved]), caseLabels: caseLabels,
                                                    today: today))
            <h2>\(t("assistance.report-awaited"))</h2>\(table("assistance-paid", with([.paid]), caseLabels: caseLabels,
                                                            today: today))
            <h2>\(t("assistance.closed"))</h2>\(table("assistance-closed", with([.reportReceived, .rejected]),
                                                    caseLabels: caseLabels, today: today))
            <h2 id="new">\(t("assistance.new"))</h2>\
            \(newRequest(form, file: file, settings: settings, errors: errors, csrf: csrf,
                                                   cases: cases))
            """)
    }
}

/// The cases offered at the first step of a request, found by a search.
struct CaseChoices: Sendable {
    var query = "", found: [Choice] = [], more = false
}
