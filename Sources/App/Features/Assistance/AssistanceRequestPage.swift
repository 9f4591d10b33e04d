import Foundation
import ObservatoryCore

/// `/office/assistance/{id}`: one grant and the form for its next step.
enum AssistanceRequestPage {
    static func render(
        _ r: AssistanceRequest, file: CaseFile?, settings: AssistanceSettings, today: CivilDate, error: String?,
        errors e: [String: String], viewer: Account, csrf: String
    ) -> HTML {
        let beneficiary = file?.people.first { $0.id == r.beneficiaryID }, words = Translations.current
        let problems = r.status == .requested ? settings.problems(r) : []
        let approvals: [HTML] = r.approvals.map {
            "<li>\($0.approver), \(String(iso8601(seconds: $0.at).prefix(10)))</li>"
        }
        let payments: [HTML] = r.payments.map {
            "<tr><td>\($0.paidOn)</td><td>\($0.amount.formatted)</td><td>\($0.reference.reveal())</td><td>\($0.recordedBy)</td></tr>"
        }
        let action = { (route: OfficeRoute, body: HTML, button: String) -> HTML in
            """
            <form method=\"post\" action=\"\(route.path)\" class=\"office-form\">\(CSRF.field(csrf))\(body)<p \
            class=\"actions\"><button type=\"submit\">\(button)</button></p></form>
            """
        }
        var steps: [HTML] = []
        if r.status == .requested {
            steps.append(
                """
                <section aria-labelledby="eligibility"><h2 id="eligibility">\(t("assistance.eligibility"))</h2>
                \(problems.isEmpty ? "<p id=\"eligible\">\(t("assistance.eligible"))</p>" as HTML
                               : "<ul id=\"eligibility-problems\" class=\"error\">\(problems.map { "<li>\($0)</li>" as HTML }.joined())</ul>")
                \(action(.assistanceRequest(id: r.id), criteria(settings, met: r.criteriaMet),
                     t("assistance.save-criteria")))</section>
                <section aria-labelledby="approvals"><h2 id="approvals">\(t("assistance.approvals",
                ["done": words.number(r.approvals.count), "needed": words.number(AssistanceRules.approvalsNeeded)]))</h2>
                <ul id="approval-list">\(approvals.joined())</ul>\(action(.assistanceApprove(id: r.id), .empty,
                                                                     t("assistance.approve")))</section>
                """)
        }
        if r.status == .requested || (r.status == .approved && r.payments.isEmpty) {
            let reason = EditorialPages.textarea(
                "reason", label: t("assistance.reason"), value: "", rows: 3,
                error: e["reason"])
            steps.append(
                """
                <section aria-labelledby="rejecting"><h2 id="rejecting">\(t("assistance.reject"))</h2>\
                \(action(.assistanceReject(id: r.id), reason, t("assistance.reject-request")))</section>
                """)
        }
        if r.status == .approved || r.status == .paid || r.status == .reportReceived {
            let remaining = Money(minorUnits: r.amount.minorUnits - r.paid, currency: r.amount.currency)
            let form: HTML =
                r.status != .approved
                ? .empty
                : action(
                    .assistancePayments(id: r.id),
                    """
                    \(FormView.field("amount", label: t("assistance.amount-paid", ["currency": r.amount.currency]),
                                 value: "", error: e["payment-amount"],
                                 hint: t("assistance.remain", ["amount": remaining.formatted])))
                    \(FormView.field("paid-on", label: t("assistance.day-paid"), value: today.description, type: "date",
                                 error: e["paid-on"]))
                    \(FormView.field("payment-reference", label: t("assistance.how-paid"), value: "",
                                 error: e["payment-reference"]))
                    """, t("assistance.record-payment"))
            steps.append(
                """
                <section aria-labelledby="payments"><h2 id="payments">\(t("assistance.payments"))</h2>
                <table id="payment-list"><thead><tr><th>\(t("assistance.day"))</th><th>\(t("assistance.amount"))</th>\
                <th>\(t("assistance.how"))</th><th>\(t("assistance.recorded-by"))</th></tr></thead>\
                <tbody>\(payments.joined())</tbody></table>\(form)</section>
                """)
            let reportForm: HTML =
                r.status == .reportReceived
                ? .empty
                : action(
                    .assistanceBeneficiaryReport(id: r.id),
                    """
                    \(FormView.field("due", label: t("assistance.due"), value: r.reportDueOn ?? "", type: "date",
                                 error: e["due"]))
                    \(FormView.field("received", label: t("assistance.received"), value: "", type: "date",
                                 error: e["received"]))
                    \(EditorialPages.textarea("note", label: t("assistance.report-says"), value: "", rows: 4,
                                          error: e["note"]))
                    """, t("users.save"))
            let due = t(
                r.reportOverdue(today: today) ? "assistance.due-overdue" : "assistance.due-on",
                ["date": r.reportDueOn ?? "—"])
            let state = r.reportReceivedOn.map { t("assistance.received-on", ["date": $0]) } ?? due
            steps.append(
                """
                <section aria-labelledby="beneficiary-report"><h2 id="beneficiary-report">\
                \(t("assistance.beneficiary-report"))</h2>
                <p id="report-state">\(state)</p>
                \(r.reportNote.map { "<p class=\"message\">\($0.reveal())</p>" } ?? .empty)\(reportForm)</section>
                """)
        }
        return OfficeLayout(title: t("assistance.title"), account: viewer, csrf: csrf, translated: true).render(
            """
            <p><a href="\(OfficeRoute.assistance.path)">\(t("assistance.title"))</a></p>
            <h1>\(r.kind.localizedLabel): \(r.amount.formatted)</h1>
            \(AssistanceCeiling.flag(r, settings: settings))
            \(error.map { "<p class=\"notice error\" role=\"alert\" id=\"assistance-error\">\($0)</p>" } ?? .empty)\(FormView.errorSummary(e))
            <dl class="case-facts"><dt>\(t("missions.stage"))</dt><dd id="assistance-status">\(r.status.localizedLabel)</dd>
            <dt>\(t("cases.case"))</dt><dd><a href="\(OfficeRoute.caseFile(id: r.caseID).path)">\
            \(file?.label.reveal() ?? r.caseID)</a></dd>
            <dt>\(t("assistance.beneficiary"))</dt>\
            <dd>\(beneficiary.map { "\($0.name.reveal()) (\($0.kind.localizedLabel))" } ?? "—")</dd>
            <dt>\(t("assistance.in-currency", ["currency": settings.currency]))</dt><dd>\(r.referenceAmount.formatted)</dd>
            <dt>\(t("assistance.entered-by"))</dt>\
            <dd>\(r.requestedBy), \(String(iso8601(seconds: r.requestedAt).prefix(10)))</dd></dl>
            <h2>\(t("assistance.what-for"))</h2><p class="message">\(r.purpose.reveal())</p>
            \(r.rejection.map { """
            <h2>\(t("office.assistance-status.rejected"))</h2><p class="message" id="rejection">\($0.reveal())</p>
            """ } ?? .empty)
            \(steps.joined())
            """)
    }

    static func criteria(_ settings: AssistanceSettings, met: Set<String>) -> HTML {
        AssistancePages.criteria(settings, met: met)
    }
}
