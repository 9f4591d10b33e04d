import Fluent
import ObservatoryCore

/// Administrators' pages about people.
enum UserPages {
    static func index(accounts: [Account], viewer: Account, csrf: String) -> HTML {
        let rows: [HTML] = accounts.map { a in
            """
            <tr><td><a href="\(OfficeRoute.user(id: a.id).path)" dir="ltr">\(a.email)</a></td>\
            <td>\(AccountPages.roleList(a.roles))</td>
            <td>\(a.organisationID ?? "")</td><td>\(a.hasSecondFactor ? t("users.on") : t("users.off"))</td>
            <td>\(a.disabled ? t("users.disabled") : (a.passwordHash == nil ? t("users.waiting") : t("users.active")))\
            </td></tr>
            """
        }
        return OfficeLayout(title: t("office.nav.people"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(t("office.nav.people"))</h1>
            <p><a href="\(OfficeRoute.newUser.path)">\(t("users.add"))</a></p>
            <table class="office"><thead><tr><th>\(t("office.account.email"))</th><th>\(t("office.account.roles"))</th>\
            <th>\(t("office.account.organisation"))</th><th>\(t("office.account.two-factor"))</th>\
            <th>\(t("cases.status"))</th>\
            </tr></thead>
            <tbody>\(rows.joined(separator: "\n"))</tbody></table>
            """)
    }

    static func roleChoices(_ chosen: Set<Role>, error: String?) -> HTML {
        let boxes: [HTML] = Role.allCases.map { role in
            let checked = HTML(trusted: chosen.contains(role) ? " checked" : "")
            let value = role.rawValue
            return """
                <label><input type="checkbox" name="roles" value="\(value)"\(checked)> \(role.localizedLabel)</label>
                """
        }
        return """
            <fieldset class="field\(error != nil ? " invalid" : "")" id="roles">\
            <legend>\(t("office.account.roles"))</legend>\
            \(boxes.joined(separator: "\n"))
            \(error.map { "<strong class=\"error\">\($0)</strong>" } ?? .empty)</fieldset>
            """
    }

    static func new(viewer: Account, form: FormData, errors: [String: String], csrf: String) -> HTML {
        OfficeLayout(title: t("users.add"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(t("users.add"))</h1>
            \(FormView.errorSummary(errors))
            <form method="post" action="\(OfficeRoute.newUser.path)" class="office-form">\(CSRF.field(csrf))
            \(FormView.field("email", label: t("office.login.email"), value: form["email"], type: "email",
                         error: errors["email"],
                         attributes: "dir=\"ltr\" required"))
            \(roleChoices(Set(form.values("roles").compactMap(Role.init(rawValue:))), error: errors["roles"]))
            \(FormView.field("organisation", label: t("users.organisation"), value: form["organisation"],
                         error: errors["organisation"], hint: t("users.organisation-hint")))
            <p><button type="submit">\(t("users.create"))</button></p>
            </form>
            """)
    }

    static func show(viewer: Account, account: Account, error: String?, csrf: String) -> HTML {
        let state = t(
            "users.state",
            [
                "two-factor": account.hasSecondFactor ? t("users.on") : t("users.off"),
                "password": account.passwordHash == nil ? t("users.not-chosen") : t("users.set")
            ])
        return OfficeLayout(title: account.email, account: viewer, csrf: csrf, translated: true).render(
            """
            <h1 dir="ltr">\(account.email)</h1>
            \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
            <p>\(state)</p>
            <form method="post" action="\(OfficeRoute.user(id: account.id).path)" class="office-form">\(CSRF.field(csrf))
            \(roleChoices(account.roles, error: nil))
            \(FormView.field("organisation", label: t("users.organisation"), value: account.organisationID ?? ""))
            <p><label><input type="checkbox" name="disabled" value="1"\
            \(HTML(trusted: account.disabled ? " checked" : ""))> \
            \(t("users.disabled-label"))</label></p>
            <p><button type="submit">\(t("users.save"))</button></p>
            </form>
            \(AccountLanguagePages.form(current: account.language, action: LanguageRoute.user(id: account.id).path,
                                    error: nil, csrf: csrf))
            <form method="post" action="\(OfficeRoute.userReset(id: account.id).path)">\(CSRF.field(csrf))\
            <button type="submit">\(t("users.reset-link"))</button> \(t("users.reset-link-hint"))</form>
            <form method="post" action="\(OfficeRoute.userResetTwoFactor(id: account.id).path)">\(CSRF.field(csrf))\
            <button type="submit">\(t("users.remove-two-factor"))</button></form>
            <p><a href="\(OfficeRoute.audit(query: "actor=" + SiteRoute.escapeSegment(account.email)).path)">\
            \(t("users.audit"))</a></p>
            """)
    }

    static func link(viewer: Account, account: Account, url: String, purpose: String, csrf: String) -> HTML {
        OfficeLayout(title: t("users.link.title"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(t("users.link.heading", ["email": account.email]))</h1>
            <p>\(t("users.link.explanation", ["purpose": purpose]))</p>
            <p class="secret"><code id="one-time-link">\(url)</code></p>
            <p><a href="\(OfficeRoute.user(id: account.id).path)">\(t("users.link.back", ["email": account.email]))</a></p>
            """)
    }
}
