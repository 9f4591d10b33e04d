import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// The HTML of the calls for input: the public list and answer form, and the office pages.
enum CallPages {
    static func form(_ c: CallForInput?) -> HTML {
        """
        \(FormView.field("id", label: t("calls.address"), value: c?.id ?? "",
                         attributes: c == nil ? "" : "readonly"))
        \(FormView.field("title", label: t("intervention.title"), value: c?.title ?? ""))
        \(FormView.field("deadline", label: t("calls.deadline"), value: c?.deadline ?? "", type: "date"))
        \(EditorialPages.textarea("text", label: t("intervention.body"), value: c?.text ?? "", rows: 8, error: nil))
        <p class="field"><label><input type="checkbox" name="open" value="yes"\
        \(HTML(trusted: c?.open == true ? " checked" : ""))> \(t("campaigns.public"))</label></p>
        """
    }

    static func index(_ calls: [CallForInput], error: String?, viewer: Account, csrf: String) -> HTML {
        let rows: [HTML] = calls.map { c in
            let until = t(
                "calls.until",
                [
                    "date": CivilDate(c.deadline).map { Translations.current.date($0) }
                        ?? c.deadline
                ])
            return """
                <li><a href="\(OfficeRoute.call(id: c.id).path)">\(c.title)</a> — \(until)\
                \(c.open ? "" : " (\(t("campaigns.not-public")))")</li>
                """
        }
        return OfficeLayout(title: t("office.nav.calls"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(t("office.nav.calls"))</h1>
            \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
            <ul id="office-calls">\(rows.joined())</ul>
            <h2>\(t("calls.new"))</h2>
            <form method="post" action="\(OfficeRoute.calls.path)" class="office-form">\(CSRF.field(csrf))\(form(nil))
            <p class="actions"><button type="submit">\(t("users.save"))</button></p></form>
            """)
    }

    static func show(
        _ c: CallForInput, answers: [CallAnswer], viewer: Account, csrf: String,
        approval: CallFourEyes.State? = nil
    ) -> HTML {
        let items: [HTML] = answers.map { a in
            "<li><p class=\"meta\">\(iso8601(seconds: a.createdAt)) · \(a.language)\(a.country.map { " · \($0)" } ?? "") · \(a.who.reveal()) · \(a.contact.reveal())</p><p class=\"message\">\(a.answer.reveal())</p></li>"
        }
        return OfficeLayout(title: c.title, account: viewer, csrf: csrf, translated: true).render(
            """
            <p><a href="\(OfficeRoute.calls.path)">\(t("office.nav.calls"))</a></p>
            <h1>\(c.title)</h1>
            <form method="post" action="\(OfficeRoute.calls.path)" class="office-form">\(CSRF.field(csrf))\(form(c))
            <p class="actions"><button type="submit">\(t("users.save"))</button></p></form>
            \(approval.map { CallFourEyes.section(c, state: $0, viewer: viewer, csrf: csrf) } ?? .empty)
            <h2>\(t("calls.answers", ["n": Translations.current.number(answers.count)]))</h2>
            <p><a href="\(OfficeRoute.callAnswers(id: c.id).path)">\(t("calls.export"))</a></p>
            <ol class="messages" id="call-answers">\(items.joined())</ol>
            """)
    }
}
