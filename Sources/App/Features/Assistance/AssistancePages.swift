import Foundation
import ObservatoryCore

/// The staff pages of material assistance.
enum AssistancePages {
    static func criteria(_ settings: AssistanceSettings, met: Set<String>, disabled: Bool = false) -> HTML {
        let boxes: [HTML] = settings.criteria.filter(\.active).map { c in
            "<li><label><input type=\"checkbox\" name=\"criterion\" value=\"\(c.id)\"\(HTML(trusted: met.contains(c.id) ? " checked" : ""))\(HTML(trusted: disabled ? " disabled" : ""))> \(c.text)</label></li>"
        }
        return "<fieldset><legend>Eligibility criteria met</legend><ul class=\"plain\" id=\"criteria\">\(boxes.joined())</ul></fieldset>"
    }

    static func table(_ id: String, _ rows: [AssistanceRequest], caseLabels: [String: String], today: CivilDate) -> HTML {
        guard !rows.isEmpty else { return "<p id=\"\(id)\">None.</p>" }
        let items: [HTML] = rows.map { r in
            let overdue: HTML = r.reportOverdue(today: today) ? " <strong class=\"error\">report overdue</strong>" : .empty
            return """
            <tr><td><a href="\(OfficeRoute.assistanceRequest(id: r.id).path)">\(r.kind.label)</a></td><td>\(r.amount.formatted)</td>
            <td><a href="\(OfficeRoute.caseFile(id: r.caseID).path)">\(caseLabels[r.caseID] ?? r.caseID)</a></td>
            <td>\(r.status.label)\(overdue)</td><td>\(String(iso8601(seconds: r.requestedAt).prefix(10)))</td></tr>
            """
        }
        return "<table id=\"\(id)\"><thead><tr><th>Assistance</th><th>Amount</th><th>Case</th><th>Stage</th><th>Requested</th></tr></thead><tbody>\(items.joined())</tbody></table>"
    }

    static func newRequest(_ f: AssistanceForm, file: CaseFile?, settings: AssistanceSettings,
                           errors e: [String: String], csrf: String, cases: CaseChoices = CaseChoices()) -> HTML {
        guard let file else {
            let missing = e["case"] ?? (f.caseID.isEmpty ? nil : "There is no case “\(f.caseID.prefix(60))”.")
            return """
            <p class="meta">Material assistance is given for a case, to one of its people or organisations.</p>
            \(ChoiceList.search(action: OfficeRoute.assistance.path, param: "case_q", query: cases.query,
                                label: "Find the case by a name, a reference code, its title or country",
                                anchor: "new"))
            <form method="get" action="\(OfficeRoute.assistance.path)#new" class="office-form">
            \(ChoiceList.options(cases.found, name: "case", multiple: false, legend: "The case", id: "case-choices",
                                 query: cases.query, more: cases.more, error: missing))
            <p class="actions"><button type="submit">Continue</button></p></form>
            """
        }
        return """
        <form method="post" action="\(OfficeRoute.assistance.path)" class="office-form">\(CSRF.field(csrf))\(FormView.errorSummary(e))
        \(AssistanceCeiling.flag(f, settings: settings))
        <input type="hidden" name="case" value="\(file.id)"><p>For the case <a href="\(OfficeRoute.caseFile(id: file.id).path)">\(file.label.reveal())</a></p>
        \(EditorialPages.select("beneficiary", label: "Beneficiary", value: f.beneficiary, options: [("", "—")] + file.people.map { ($0.id, "\($0.name.reveal()) (\($0.kind.label))") }, error: e["beneficiary"]))
        \(EditorialPages.select("kind", label: "Kind of assistance", value: f.kind, options: AssistanceKind.allCases.map { ($0.rawValue, $0.label) }, error: e["kind"]))
        \(FormView.field("currency", label: "Currency", value: f.currency, error: e["currency"], attributes: "maxlength=\"3\""))
        \(FormView.field("amount", label: "Amount", value: f.amount, error: e["amount"], attributes: "inputmode=\"decimal\""))
        \(FormView.field("reference", label: "Same amount in \(settings.currency) (when paid in another currency)", value: f.reference, error: e["reference"],
                         hint: "The ceiling is \(settings.ceiling.formatted) a grant.", attributes: "inputmode=\"decimal\""))
        \(EditorialPages.textarea("purpose", label: "What it is for (confidential)", value: f.purpose, rows: 5, error: e["purpose"]))
        \(criteria(settings, met: f.criteria))
        <p class="actions"><button type="submit">Enter the request</button></p></form>
        """
    }

    static func index(_ requests: [AssistanceRequest], caseLabels: [String: String], settings: AssistanceSettings, today: CivilDate, form: AssistanceForm,
                      file: CaseFile?, errors: [String: String], viewer: Account, csrf: String,
                      cases: CaseChoices = CaseChoices()) -> HTML {
        func with(_ statuses: [AssistanceStatus]) -> [AssistanceRequest] { requests.filter { statuses.contains($0.status) } }
        return OfficeLayout(title: "Material assistance", account: viewer, csrf: csrf).render("""
        <h1>Material assistance</h1>
        <p class="meta">Ceiling \(settings.ceiling.formatted) a grant · \(String(AssistanceRules.approvalsNeeded)) approvals by people other than the one who entered the request.</p>
        <h2>Awaiting approval</h2>\(table("assistance-requested", with([.requested]), caseLabels: caseLabels, today: today))
        <h2>Approved, to pay</h2>\(table("assistance-approved", with([.approved]), caseLabels: caseLabels, today: today))
        <h2>Paid, report awaited</h2>\(table("assistance-paid", with([.paid]), caseLabels: caseLabels, today: today))
        <h2>Closed</h2>\(table("assistance-closed", with([.reportReceived, .rejected]), caseLabels: caseLabels, today: today))
        <h2 id="new">New request</h2>\(newRequest(form, file: file, settings: settings, errors: errors, csrf: csrf,
                                                   cases: cases))
        """)
    }
}

/// The cases offered at the first step of a request, found by a search.
struct CaseChoices: Sendable {
    var query = "", found: [Choice] = [], more = false
}
