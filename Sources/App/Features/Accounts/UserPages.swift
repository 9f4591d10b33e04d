import Fluent
import ObservatoryCore

/// Administrators' pages about people.
enum UserPages {
    static func index(accounts: [Account], viewer: Account, csrf: String) -> HTML {
        let rows: [HTML] = accounts.map { a in
            """
            <tr><td><a href="\(OfficeRoute.user(id: a.id).path)">\(a.email)</a></td><td>\(a.roles.sorted().map(\.label).joined(separator: ", "))</td>
            <td>\(a.organisationID ?? "")</td><td>\(a.hasSecondFactor ? "on" : "off")</td>
            <td>\(a.disabled ? "disabled" : (a.passwordHash == nil ? "waiting for password" : "active"))</td></tr>
            """
        }
        return OfficeLayout(title: "People", account: viewer, csrf: csrf).render("""
        <h1>People</h1>
        <p><a href="\(OfficeRoute.newUser.path)">Add a person</a></p>
        <table class="office"><thead><tr><th>E-mail</th><th>Roles</th><th>Organisation</th><th>Second factor</th><th>Status</th></tr></thead>
        <tbody>\(rows.joined(separator: "\n"))</tbody></table>
        """)
    }

    static func roleChoices(_ chosen: Set<Role>, error: String?) -> HTML {
        let boxes: [HTML] = Role.allCases.map { role in
            "<label><input type=\"checkbox\" name=\"roles\" value=\"\(role.rawValue)\"\(HTML(trusted: chosen.contains(role) ? " checked" : ""))> \(role.label)</label>"
        }
        return """
        <fieldset class="field\(error != nil ? " invalid" : "")" id="roles"><legend>Roles</legend>\(boxes.joined(separator: "\n"))
        \(error.map { "<strong class=\"error\">\($0)</strong>" } ?? .empty)</fieldset>
        """
    }

    static func new(viewer: Account, form: FormData, errors: [String: String], csrf: String) -> HTML {
        OfficeLayout(title: "Add a person", account: viewer, csrf: csrf).render("""
        <h1>Add a person</h1>
        \(FormView.errorSummary(errors))
        <form method="post" action="\(OfficeRoute.newUser.path)" class="office-form">\(CSRF.field(csrf))
        \(FormView.field("email", label: "E-mail address", value: form["email"], type: "email", error: errors["email"], attributes: "required"))
        \(roleChoices(Set(form.values("roles").compactMap(Role.init(rawValue:))), error: errors["roles"]))
        \(FormView.field("organisation", label: "Organisation id (partners)", value: form["organisation"], error: errors["organisation"], hint: "The id of the member organisation in the directory."))
        <p><button type="submit">Create the account</button></p>
        </form>
        """)
    }

    static func show(viewer: Account, account: Account, error: String?, csrf: String) -> HTML {
        OfficeLayout(title: account.email, account: viewer, csrf: csrf).render("""
        <h1>\(account.email)</h1>
        \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
        <p>Second factor: \(account.hasSecondFactor ? "on" : "off"). Password: \(account.passwordHash == nil ? "not chosen yet" : "set").</p>
        <form method="post" action="\(OfficeRoute.user(id: account.id).path)" class="office-form">\(CSRF.field(csrf))
        \(roleChoices(account.roles, error: nil))
        \(FormView.field("organisation", label: "Organisation id (partners)", value: account.organisationID ?? ""))
        <p><label><input type="checkbox" name="disabled" value="1"\(HTML(trusted: account.disabled ? " checked" : ""))> Disabled (cannot sign in)</label></p>
        <p><button type="submit">Save</button></p>
        </form>
        \(AccountLanguagePages.form(current: account.language, action: LanguageRoute.user(id: account.id).path,
                                    error: nil, csrf: csrf))
        <form method="post" action="\(OfficeRoute.userReset(id: account.id).path)">\(CSRF.field(csrf))<button type="submit">Make a password reset link</button></form>
        <form method="post" action="\(OfficeRoute.userResetTwoFactor(id: account.id).path)">\(CSRF.field(csrf))<button type="submit">Remove the second factor (lost phone)</button></form>
        <p><a href="\(OfficeRoute.audit(query: "actor=" + SiteRoute.escapeSegment(account.email)).path)">What this person did</a></p>
        """)
    }

    static func link(viewer: Account, account: Account, url: String, purpose: String, csrf: String) -> HTML {
        OfficeLayout(title: "One-time link", account: viewer, csrf: csrf).render("""
        <h1>One-time link for \(account.email)</h1>
        <p>Give this link to the person through a channel you trust (not ordinary e-mail if you can avoid it). It lets them
        \(purpose), works once, and expires in 72 hours.</p>
        <p class="secret"><code id="one-time-link">\(url)</code></p>
        <p><a href="\(OfficeRoute.user(id: account.id).path)">Back to \(account.email)</a></p>
        """)
    }
}
