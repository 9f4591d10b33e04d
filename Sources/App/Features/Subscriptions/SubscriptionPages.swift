import ObservatoryCore

/// The public subscription pages: the form, "check your inbox", confirmation, preferences, unsubscribing.
enum SubscriptionPages {
    static func boxes(_ name: String, _ options: [(String, String)], checked: [String]) -> HTML {
        let items: [HTML] = options.map { o in
            "<label><input type=\"checkbox\" name=\"\(name)\" value=\"\(o.0)\"\(HTML(trusted: checked.contains(o.0) ? " checked" : ""))> \(o.1)</label>"
        }
        return HTML(trusted: items.map(\.rendered).joined(separator: "\n"))
    }

    static func fieldset(_ legend: String, _ content: HTML, error: String?) -> HTML {
        "<fieldset class=\"field\(error != nil ? " invalid" : "")\"><legend>\(legend)</legend>\(content)\(error.map { "<strong class=\"error\">\($0)</strong>" } ?? .empty)</fieldset>"
    }

    /// The form; with a token it edits an existing subscription (no address field, an unsubscribe button).
    static func form(
        _ f: SubscriptionForm, errors e: [String: String], token: String?, notice: String?, csrf: String
    ) -> HTML {
        let scopes: [HTML] = [("all", t("sub.all")), ("selected", t("sub.selected")), ("none", t("sub.none"))].map {
            o in
            "<label><input type=\"radio\" name=\"scope\" value=\"\(o.0)\"\(HTML(trusted: f.scope == o.0 ? " checked" : ""))> \(o.1)</label>"
        }
        let action = token.map { SiteRoute.subscriptionPreferences(token: $0).path } ?? SiteRoute.subscribe.path
        let title = token == nil ? t("sub.title") : t("sub.preferences")
        return Layout(title: title, facts: nil).render(
            """
            <h1>\(title)</h1>
            \(token == nil ? "<p>\(t("sub.intro"))</p>" as HTML : .empty)
            \(notice.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? .empty)
            \(e.isEmpty ? .empty : "<p class=\"notice error\" role=\"alert\">\(t("report.fix"))</p>" as HTML)
            <form method="post" action="\(action)" class="office-form subscription-form">\(CSRF.field(csrf))
            \(token == nil ? ReportPages.field("email", t("sub.email"), f.email, e, type: "email", attributes: "required autocomplete=\"email\"") : .empty)
            \(fieldset(t("sub.languages"), boxes("languages", Language.allCases.map { ($0.rawValue, $0.endonym) }, checked: f.languages), error: e["languages"]))
            \(fieldset(t("sub.what"), HTML(trusted: scopes.map(\.rendered).joined(separator: "\n")), error: e["scope"]))
            \(ReportPages.field("countries", t("sub.countries"), f.countries, e))
            \(fieldset(t("sub.programmes"), boxes("programmes", Programme.allCases.map { ($0.rawValue, $0.label) }, checked: f.programmes), error: nil))
            \(fieldset(t("sub.types"), boxes("types", SubscriptionPreferences.mailedTypes.map { ($0.rawValue, $0.label) }, checked: f.types), error: nil))
            <p class="field"><label><input type="checkbox" name="bulletin" value="yes"\(HTML(trusted: f.bulletin ? " checked" : ""))> \(t("sub.bulletin"))</label></p>
            <p class="actions"><button type="submit">\(token == nil ? t("sub.send") : t("sub.save"))</button></p>
            </form>
            \(token.map(unsubscribeButton) ?? .empty)
            """)
    }

    private static func unsubscribeButton(token: String) -> HTML {
        let action = SiteRoute.unsubscribe(token: token).path
        return
            "<form method=\"post\" action=\"\(action)\"><button type=\"submit\">\(t("sub.unsubscribe-button"))</button></form>"
    }

    static func message(_ title: String, _ text: String) -> HTML {
        Layout(title: title, facts: nil).render(
            "<h1>\(title)</h1>\n<p class=\"notice\" role=\"status\" id=\"subscription-message\">\(text)</p>")
    }

    /// A page with one button (confirming or unsubscribing is a POST, so that mail scanners opening links change
    /// nothing).
    static func button(_ title: String, action: String, label: String, csrf: String?) -> HTML {
        Layout(title: title, facts: nil).render(
            """
            <h1>\(title)</h1>
            <form method="post" action="\(action)">\(csrf.map(CSRF.field) ?? .empty)<button \
            type="submit">\(label)</button></form>
            """)
    }
}
