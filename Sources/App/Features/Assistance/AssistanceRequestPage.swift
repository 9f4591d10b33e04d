import Foundation
import ObservatoryCore

/// `/office/assistance/{id}`: one grant and the form for its next step.
enum AssistanceRequestPage {
    static func render(_ r: AssistanceRequest, file: CaseFile?, settings: AssistanceSettings, today: CivilDate, error: String?,
                       errors e: [String: String], viewer: Account, csrf: String) -> HTML {
        let beneficiary = file?.people.first { $0.id == r.beneficiaryID }
        let problems = r.status == .requested ? settings.problems(r) : []
        let approvals: [HTML] = r.approvals.map { "<li>\($0.approver), \(String(iso8601(seconds: $0.at).prefix(10)))</li>" }
        let payments: [HTML] = r.payments.map { "<tr><td>\($0.paidOn)</td><td>\($0.amount.formatted)</td><td>\($0.reference.reveal())</td><td>\($0.recordedBy)</td></tr>" }
        let action = { (route: OfficeRoute, body: HTML, button: String) -> HTML in
            "<form method=\"post\" action=\"\(route.path)\" class=\"office-form\">\(CSRF.field(csrf))\(body)<p class=\"actions\"><button type=\"submit\">\(button)</button></p></form>"
        }
        var steps: [HTML] = []
        if r.status == .requested {
            steps.append("""
            <section aria-labelledby="eligibility"><h2 id="eligibility">Eligibility</h2>
            \(problems.isEmpty ? "<p id=\"eligible\">Eligible: within the ceiling, every criterion met.</p>" as HTML
                               : "<ul id=\"eligibility-problems\" class=\"error\">\(problems.map { "<li>\($0)</li>" as HTML }.joined())</ul>")
            \(action(.assistanceRequest(id: r.id), criteria(settings, met: r.criteriaMet), "Save the criteria (withdraws approvals)"))</section>
            <section aria-labelledby="approvals"><h2 id="approvals">Approvals (\(String(r.approvals.count)) of \(String(AssistanceRules.approvalsNeeded)))</h2>
            <ul id="approval-list">\(approvals.joined())</ul>\(action(.assistanceApprove(id: r.id), .empty, "Approve"))</section>
            """)
        }
        if r.status == .requested || (r.status == .approved && r.payments.isEmpty) {
            steps.append("<section aria-labelledby=\"rejecting\"><h2 id=\"rejecting\">Reject</h2>\(action(.assistanceReject(id: r.id), EditorialPages.textarea("reason", label: "Reason (confidential)", value: "", rows: 3, error: e["reason"]), "Reject the request"))</section>")
        }
        if r.status == .approved || r.status == .paid || r.status == .reportReceived {
            let remaining = Money(minorUnits: r.amount.minorUnits - r.paid, currency: r.amount.currency)
            let form: HTML = r.status != .approved ? .empty : action(.assistancePayments(id: r.id), """
                \(FormView.field("amount", label: "Amount paid (\(r.amount.currency))", value: "", error: e["payment-amount"], hint: "\(remaining.formatted) remain to be paid."))
                \(FormView.field("paid-on", label: "Day paid", value: today.description, type: "date", error: e["paid-on"]))
                \(FormView.field("payment-reference", label: "How (transfer reference, intermediary; confidential)", value: "", error: e["payment-reference"]))
                """, "Record the payment")
            steps.append("""
            <section aria-labelledby="payments"><h2 id="payments">Payments</h2>
            <table id="payment-list"><thead><tr><th>Day</th><th>Amount</th><th>How</th><th>Recorded by</th></tr></thead><tbody>\(payments.joined())</tbody></table>\(form)</section>
            """)
            let reportForm: HTML = r.status == .reportReceived ? .empty : action(.assistanceBeneficiaryReport(id: r.id), """
                \(FormView.field("due", label: "Report due on", value: r.reportDueOn ?? "", type: "date", error: e["due"]))
                \(FormView.field("received", label: "Report received on (once paid in full)", value: "", type: "date", error: e["received"]))
                \(EditorialPages.textarea("note", label: "What the report says (confidential)", value: "", rows: 4, error: e["note"]))
                """, "Save")
            steps.append("""
            <section aria-labelledby="beneficiary-report"><h2 id="beneficiary-report">The beneficiary's report</h2>
            <p id="report-state">\(r.reportReceivedOn.map { "Received on \($0)." } ?? "Due on \(r.reportDueOn ?? "—")\(r.reportOverdue(today: today) ? ": overdue" : "").")</p>
            \(r.reportNote.map { "<p class=\"message\">\($0.reveal())</p>" } ?? .empty)\(reportForm)</section>
            """)
        }
        return OfficeLayout(title: "Material assistance", account: viewer, csrf: csrf).render("""
        <p><a href="\(OfficeRoute.assistance.path)">Material assistance</a></p>
        <h1>\(r.kind.label): \(r.amount.formatted)</h1>
        \(AssistanceCeiling.flag(r, settings: settings))
        \(error.map { "<p class=\"notice error\" role=\"alert\" id=\"assistance-error\">\($0)</p>" } ?? .empty)\(FormView.errorSummary(e))
        <dl class="case-facts"><dt>Stage</dt><dd id="assistance-status">\(r.status.label)</dd>
        <dt>Case</dt><dd><a href="\(OfficeRoute.caseFile(id: r.caseID).path)">\(file?.label.reveal() ?? r.caseID)</a></dd>
        <dt>Beneficiary</dt><dd>\(beneficiary.map { "\($0.name.reveal()) (\($0.kind.label))" } ?? "—")</dd>
        <dt>In \(settings.currency)</dt><dd>\(r.referenceAmount.formatted)</dd>
        <dt>Entered by</dt><dd>\(r.requestedBy), \(String(iso8601(seconds: r.requestedAt).prefix(10)))</dd></dl>
        <h2>What it is for</h2><p class="message">\(r.purpose.reveal())</p>
        \(r.rejection.map { "<h2>Rejected</h2><p class=\"message\" id=\"rejection\">\($0.reveal())</p>" } ?? .empty)
        \(steps.joined())
        """)
    }

    static func criteria(_ settings: AssistanceSettings, met: Set<String>) -> HTML { AssistancePages.criteria(settings, met: met) }
}
