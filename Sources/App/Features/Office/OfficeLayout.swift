import Fluent
import ObservatoryCore

/// The shell of internal pages: who is signed in, what their roles let them reach, and a sign-out form.
struct OfficeLayout {
    var title: String
    /// Nil on sign-in pages.
    var account: Account?
    var csrf: String

    func render(_ main: HTML) -> HTML {
        """
        <!DOCTYPE html>
        <html lang="en" dir="ltr">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex, nofollow">
        <title>\(title) — Observatory office</title>
        <link rel="stylesheet" href="\(SiteRoute.stylesheet.path)">
        </head>
        <body class="office">
        <a class="skip" href="#main">Skip to content</a>
        <header class="site"><nav aria-label="Office">
        <a class="brand" href="\(OfficeRoute.dashboard.path)">Observatory office</a>
        \(navigation)
        </nav></header>
        <main id="main">
        \(main)
        </main>
        <footer class="site"><a href="\(SiteRoute.home(page: 1).path)">Public site</a></footer>
        </body>
        </html>
        """
    }

    private var navigation: HTML {
        guard let account else { return .empty }
        var links: [HTML] = []
        if account.roles.contains(.editor) || account.roles.contains(.administrator) {
            links.append("<a href=\"\(OfficeRoute.publications(query: "").path)\">Publications</a>")
            links.append("<a href=\"\(OfficeRoute.bulletins.path)\">Bulletins</a>")
            links.append("<a href=\"\(OfficeRoute.campaigns.path)\">Campaigns</a>")
            links.append("<a href=\"\(OfficeRoute.annualReports.path)\">Annual report</a>")
        }
        if account.roles.contains(.caseOfficer) {
            links.append("<a href=\"\(OfficeRoute.cases(status: "").path)\">Cases</a>")
            links.append("<a href=\"\(OfficeRoute.missions.path)\">Missions</a>")
            links.append("<a href=\"\(OfficeRoute.assistance.path)\">Assistance</a>")
        }
        if account.roles.contains(.caseOfficer) || account.roles.contains(.editor) {
            links.append("<a href=\"\(OfficeRoute.calls.path)\">Calls for input</a>")
        }
        if account.roles.contains(.partner) {
            links.append("<a href=\"\(OfficeRoute.partnerRequests.path)\">Verification requests</a>")
        }
        if account.roles.contains(.administrator) {
            links.append("<a href=\"\(OfficeRoute.users.path)\">People</a>")
            links.append("<a href=\"\(OfficeRoute.audit(query: "").path)\">Audit trail</a>")
            links.append("<a href=\"\(OfficeRoute.mail.path)\">Mail</a>")
            links.append("<a href=\"\(OfficeRoute.assistanceSettings.path)\">Assistance rules</a>")
            links.append("<a href=\"\(OfficeRoute.approvalSettings.path)\">Approvals</a>")
        }
        links.append("<a href=\"\(OfficeRoute.account.path)\">\(account.email)</a>")
        return """
        \(links.joined(separator: "\n"))
        <form class="inline" method="post" action="\(OfficeRoute.logout.path)">\(CSRF.field(csrf))<button type="submit">Sign out</button></form>
        """
    }
}

/// Pieces of forms shared by internal pages: a labelled field with its error next to it.
enum FormView {
    static func field(_ name: String, label: String, value: String, type: String = "text", error: String? = nil,
                      hint: String? = nil, attributes: String = "") -> HTML {
        let describedBy = error != nil ? "\(name)-error" : (hint != nil ? "\(name)-hint" : "")
        let invalid: HTML = error != nil ? HTML(trusted: " aria-invalid=\"true\"") : .empty
        let described: HTML = describedBy.isEmpty ? .empty : " aria-describedby=\"\(describedBy)\""
        let extra = HTML(trusted: attributes.isEmpty ? "" : " " + attributes)   // fixed attribute text written in code, never user input
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
