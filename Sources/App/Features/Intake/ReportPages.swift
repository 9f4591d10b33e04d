import Foundation
import ObservatoryCore

/// The public report form, its receipt, and the page where a reporter follows their report.
enum ReportPages {
    static func field(
        _ name: String, _ label: String, _ value: String, _ errors: [String: String], type: String = "text",
        attributes: String = ""
    ) -> HTML {
        let error = errors[name]
        return """
            <p class="field\(error != nil ? " invalid" : "")"><label for="\(name)">\(label)</label>
            <input id="\(name)" name="\(name)" type="\(type)" value="\(value)"\(HTML(trusted: error != nil ? " aria-invalid=\"true\" aria-describedby=\"\(name)-error\"" : ""))\(HTML(trusted: attributes.isEmpty ? "" : " " + attributes))>
            \(error.map { "<strong class=\"error\" id=\"\(name)-error\">\($0)</strong>" } ?? .empty)</p>
            """
    }

    static func textarea(
        _ name: String, _ label: String, _ value: String, _ errors: [String: String], rows: Int = 8
    ) -> HTML {
        let error = errors[name]
        return """
            <p class="field\(error != nil ? " invalid" : "")"><label for="\(name)">\(label)</label>
            <textarea id="\(name)" name="\(name)" rows="\(rows)">\(value)</textarea>
            \(error.map { "<strong class=\"error\" id=\"\(name)-error\">\($0)</strong>" } ?? .empty)</p>
            """
    }

    static func form(_ f: ReportForm, errors: [String: String], csrf: String) -> HTML {
        let countries = CountryDirectory.shared.all.sorted {
            $0.localName.localizedCompare($1.localName) == .orderedAscending
        }
        let options: [HTML] =
            ["<option value=\"\">\(t("report.choose"))</option>"]
            + countries.map { c in
                "<option value=\"\(c.code)\"\(HTML(trusted: c.code == f.country ? " selected" : ""))>\(c.localName)</option>"
            }
        let countryError = errors["country"]
        return Layout(title: t("report.title"), facts: nil).render(
            """
            <h1>\(t("report.title"))</h1>
            <p>\(t("report.intro"))</p>
            <p><a href="\(SiteRoute.receipt.path)">\(t("report.receipt-link"))</a></p>
            \(errors.isEmpty ? .empty : "<p class=\"notice error\" role=\"alert\">\(t("report.fix"))</p>" as HTML)
            <form method="post" action="\(SiteRoute.report.path)" enctype="multipart/form-data" class="office-form report-form">\(CSRF.field(csrf))
            \(field("person", t("report.person"), f.person, errors, attributes: "maxlength=\"300\" required"))
            <p class="field"><label><input type="checkbox" name="consents" value="yes"\(HTML(trusted: f.consents ? " checked" : ""))> \(t("report.consent"))</label></p>
            \(field("description", t("report.description"), f.description, errors, attributes: "maxlength=\"300\""))
            <p class="field\(countryError != nil ? " invalid" : "")"><label for="country">\(t("report.country"))</label>
            <select id="country" name="country" required>\(options.joined())</select>
            \(countryError.map { "<strong class=\"error\" id=\"country-error\">\($0)</strong>" } ?? .empty)</p>
            \(field("date", t("report.date"), f.date, errors, type: "date"))
            \(field("place", t("report.place"), f.place, errors, attributes: "maxlength=\"300\""))
            \(textarea("account", t("report.account"), f.account, errors, rows: 10))
            \(field("relation", t("report.relation"), f.relation, errors, attributes: "maxlength=\"300\""))
            \(field("contact", t("report.contact"), f.contact, errors, attributes: "maxlength=\"500\" autocomplete=\"off\""))
            \(field("files", t("report.files"), "", errors, type: "file", attributes: "multiple accept=\".pdf,.jpg,.jpeg,.png,.txt,application/pdf,image/jpeg,image/png,text/plain\""))
            <p class="actions"><button type="submit">\(t("report.send"))</button></p>
            </form>
            """)
    }

    static func thanks(code: String, notice: String? = nil) -> HTML {
        Layout(title: t("report.thanks"), facts: nil).render(
            """
            <h1>\(t("report.thanks"))</h1>
            \(notice.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? .empty)
            <p>\(t("report.receipt-intro"))</p>
            <p class="receipt"><span>\(t("report.receipt-code"))</span> <code id="receipt-code">\(code)</code></p>
            <p><a href="\(SiteRoute.receipt.path)">\(t("report.receipt-title"))</a></p>
            """)
    }

    static func lookup(error: String?, csrf: String) -> HTML {
        Layout(title: t("report.receipt-title"), facts: nil).render(
            """
            <h1>\(t("report.receipt-title"))</h1>
            \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
            <form method="post" action="\(SiteRoute.receipt.path)" class="office-form">\(CSRF.field(csrf))
            \(field("code", t("report.receipt-code"), "", [:], attributes: "autocomplete=\"off\" required"))
            <p class="actions"><button type="submit">\(t("report.receipt-open"))</button></p>
            </form>
            """)
    }

    /// What the reporter may read: the status in a word, the Observatory's questions, and when they wrote (not
    /// what: whoever finds a receipt code on a seized phone learns nothing the reporter sent).
    struct Followed: Sendable {
        let status: CaseStatus
        let messages: [(fromReporter: Bool, at: Int64, body: String)]
    }

    static func followed(_ c: Followed, code: String, notice: String?, errors: [String: String], csrf: String) -> HTML {
        let messages: [HTML] = c.messages.map { m in
            """
            <li class="\(m.fromReporter ? "from-you" : "from-observatory")"><p \
            class="meta">\(m.fromReporter ? t("report.from-you") : t("report.from-observatory")) · \
            \(String(iso8601(seconds: m.at).prefix(10)))</p>
            \(m.fromReporter ? .empty : "<p class=\"message\">\(m.body)</p>" as HTML)</li>
            """
        }
        return Layout(title: t("report.receipt-title"), facts: nil).render(
            """
            <h1>\(t("report.receipt-title"))</h1>
            \(notice.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? .empty)
            <p>\(t("report.status")): <strong id="report-status">\(t("report.status.\(c.status.rawValue)"))</strong></p>
            <h2>\(t("report.messages"))</h2>
            <ol class="messages">\(messages.joined(separator: "\n"))</ol>
            <h2>\(t("report.add"))</h2>
            <form method="post" action="\(SiteRoute.receiptAdd.path)" enctype="multipart/form-data" class="office-form">\(CSRF.field(csrf))
            <input type="hidden" name="code" value="\(code)">
            \(textarea("account", t("report.account"), "", errors, rows: 6))
            \(field("files", t("report.files"), "", errors, type: "file", attributes: "multiple"))
            <p class="actions"><button type="submit">\(t("report.add-send"))</button></p>
            </form>
            """)
    }
}
