import Fluent
import ObservatoryCore

/// The shell of internal pages: who is signed in, what their roles let them reach, and a sign-out form.
struct OfficeLayout {
    var title: String
    /// Nil on sign-in pages.
    var account: Account?
    var csrf: String
    /// Whether the page's own text follows the person's language (`t(_:)`). The shell always does; the main part of
    /// a page not translated yet stays English and says so (`lang="en" dir="ltr"`). `OfficeTranslationSourceTests`
    /// lists the translated pages.
    var translated = false

    func render(_ main: HTML) -> HTML {
        let language = Translations.current.language
        let mainLanguage: HTML = translated || language == .en ? .empty : HTML(trusted: " lang=\"en\" dir=\"ltr\"")
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)" dir="\(language.isRightToLeft ? "rtl" : "ltr")">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex, nofollow">
            <title>\(t("office.page-title", ["title": title]))</title>
            <link rel="stylesheet" href="\(SiteRoute.stylesheet.path)">
            </head>
            <body class="office">
            <a class="skip" href="#main">\(t("site.skip"))</a>
            <header class="site"><nav aria-label="\(t("office.nav.label"))">
            <a class="brand" href="\(OfficeRoute.dashboard.path)">\(t("office.brand"))</a>
            \(navigation)
            </nav></header>
            <main id="main"\(mainLanguage)>
            \(main)
            </main>
            <footer class="site"><a href="\(SiteRoute.home(page: 1).path)">\(t("office.public-site"))</a></footer>
            </body>
            </html>
            """
    }

    private var navigation: HTML {
        guard let account else { return .empty }
        var links: [HTML] = []
        if account.roles.contains(.editor) || account.roles.contains(.administrator) {
            links.append("<a href=\"\(OfficeRoute.publications(query: "").path)\">\(t("office.nav.publications"))</a>")
            links.append("<a href=\"\(OfficeRoute.bulletins.path)\">\(t("office.nav.bulletins"))</a>")
            links.append("<a href=\"\(OfficeRoute.campaigns.path)\">\(t("office.nav.campaigns"))</a>")
            links.append("<a href=\"\(OfficeRoute.annualReports.path)\">\(t("office.nav.annual-report"))</a>")
        }
        if account.roles.contains(.caseOfficer) {
            links.append("<a href=\"\(OfficeRoute.cases(status: "").path)\">\(t("office.nav.cases"))</a>")
            links.append("<a href=\"\(OfficeRoute.missions.path)\">\(t("office.nav.missions"))</a>")
            links.append("<a href=\"\(OfficeRoute.assistance.path)\">\(t("office.nav.assistance"))</a>")
        }
        if account.roles.contains(.caseOfficer) || account.roles.contains(.editor) {
            links.append("<a href=\"\(OfficeRoute.calls.path)\">\(t("office.nav.calls"))</a>")
        }
        if account.roles.contains(.partner) {
            links.append("<a href=\"\(OfficeRoute.partnerRequests.path)\">\(t("office.nav.verification-requests"))</a>")
        }
        if account.roles.contains(.administrator) {
            links.append("<a href=\"\(OfficeRoute.users.path)\">\(t("office.nav.people"))</a>")
            links.append("<a href=\"\(OfficeRoute.audit(query: "").path)\">\(t("office.nav.audit"))</a>")
            links.append("<a href=\"\(OfficeRoute.mail.path)\">\(t("office.nav.mail"))</a>")
            links.append("<a href=\"\(OfficeRoute.assistanceSettings.path)\">\(t("office.nav.assistance-rules"))</a>")
            links.append("<a href=\"\(OfficeRoute.approvalSettings.path)\">\(t("office.nav.approvals"))</a>")
        }
        links.append("<a href=\"\(OfficeRoute.account.path)\">\(account.email)</a>")
        return """
            \(links.joined(separator: "\n"))
            <form class="inline" method="post" action="\(OfficeRoute.logout.path)">\(CSRF.field(csrf))\
            <button type="submit">\(t("office.sign-out"))</button></form>
            """
    }
}

/// Pieces of forms shared by internal pages: a labelled field with its error next to it.
enum FormView {
    static func field(
        _ name: String, label: String, value: String, type: String = "text", error: String? = nil,
        hint: String? = nil, attributes: String = ""
    ) -> HTML {
        let describedBy = error != nil ? "\(name)-error" : (hint != nil ? "\(name)-hint" : "")
        let invalid: HTML = error != nil ? HTML(trusted: " aria-invalid=\"true\"") : .empty
        let described: HTML = describedBy.isEmpty ? .empty : " aria-describedby=\"\(describedBy)\""
        // fixed attribute text written in code, never user input
        let extra = HTML(trusted: attributes.isEmpty ? "" : " " + attributes)
        return """
            <p class="field\(error != nil ? " invalid" : "")"><label for="\(name)">\(label)</label>
            <input id="\(name)" name="\(name)" type="\(type)" value="\(value)"\(invalid)\(described)\(extra)>
            \(hint.map { "<small id=\"\(name)-hint\">\($0)</small>" } ?? .empty)\(error.map { "<strong class=\"error\" id=\"\(name)-error\">\($0)</strong>" } ?? .empty)</p>
            """
    }

    static func errorSummary(_ errors: [String: String]) -> HTML {
        guard !errors.isEmpty else { return .empty }
        return "<p class=\"notice error\" role=\"alert\">\(t("office.correct-fields", count: errors.count))</p>"
    }
}
