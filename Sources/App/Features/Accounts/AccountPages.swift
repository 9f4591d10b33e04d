import Fluent
import ObservatoryCore

/// Pages of a person's own account.
enum AccountPages {
    /// The roles, in the page's language.
    static func roleList(_ roles: Set<Role>) -> String {
        Translations.current.list(roles.sorted().map(\.localizedLabel))
    }

    /// One line of the dashboard: a link and what it leads to.
    static func task(_ path: String, _ link: String, _ rest: String, colon: Bool = true) -> HTML {
        "<li><a href=\"\(path)\">\(link)</a>\(colon ? ":" : "") \(rest)</li>"
    }

    static func dashboard(account: Account, csrf: String) -> HTML {
        var tasks: [HTML] = []
        if account.roles.contains(.editor) || account.roles.contains(.administrator) {
            tasks.append(
                task(
                    OfficeRoute.publications(query: "").path, t("office.nav.publications"),
                    t("office.dashboard.publications")))
            let write = t("office.dashboard.new-publication")
            tasks.append("<li><a href=\"\(OfficeRoute.newPublication.path)\">\(write)</a></li>")
        }
        if account.roles.contains(.caseOfficer) {
            tasks.append(task(OfficeRoute.cases(status: "").path, t("office.nav.cases"), t("office.dashboard.cases")))
            tasks.append(
                task(
                    OfficeRoute.addresses.path, t("office.dashboard.addresses"),
                    t("office.dashboard.addresses-rest"), colon: false))
        }
        if account.roles.contains(.partner) {
            tasks.append(
                task(
                    OfficeRoute.partnerRequests.path, t("office.nav.verification-requests"),
                    t("office.dashboard.requests"), colon: false))
        }
        if account.roles.contains(.administrator) {
            tasks.append(task(OfficeRoute.users.path, t("office.nav.people"), t("office.dashboard.people")))
            tasks.append(task(OfficeRoute.audit(query: "").path, t("office.nav.audit"), t("office.dashboard.audit")))
        }
        tasks.append(task(OfficeRoute.account.path, t("office.account.title"), t("office.dashboard.account")))
        let signedInAs = t(
            "office.dashboard.signed-in-as",
            [
                "email": "<strong>" + HTML.escape(account.email) + "</strong>",
                "roles": HTML.escape(roleList(account.roles))
            ])
        return OfficeLayout(title: t("office.dashboard.title"), account: account, csrf: csrf, translated: true)
            .render(
                """
                <h1>\(t("office.dashboard.welcome"))</h1>
                <p>\(HTML(trusted: signedInAs))</p>
                <ul class="tasks">\(tasks.joined(separator: "\n"))</ul>
                """)
    }

    static func overview(
        account: Account, recoveryCodes: Int, sessions: Int, csrf: String,
        recoveryError: String? = nil, languageError: String? = nil, notice: String? = nil
    ) -> HTML {
        let twoFactor: HTML =
            account.hasSecondFactor
            ? """
            <p>\(t("office.account.two-factor-on", ["n": Translations.current.number(recoveryCodes)]))</p>
            <form method="post" action="\(OfficeRoute.recoveryCodes.path)" class="office-form">\(CSRF.field(csrf))
            \(currentPasswordField(recoveryError))
            <button type="submit">\(t("office.account.new-codes"))</button></form>
            <p><a href="\(OfficeRoute.twoFactor.path)?restart=1">\(t("office.account.move-two-factor"))</a></p>
            """
            : """
            <p>\(t("office.account.two-factor-off")) \
            <a href="\(OfficeRoute.twoFactor.path)">\(t("office.account.set-up-app"))</a></p>
            """
        return OfficeLayout(title: t("office.account.title"), account: account, csrf: csrf, translated: true).render(
            """
            <h1>\(t("office.account.title"))</h1>
            \(notice.map { "<p class=\"notice\" role=\"status\" id=\"notice\">\($0)</p>" } ?? .empty)
            <dl class="facts"><dt>\(t("office.account.email"))</dt><dd dir="ltr">\(account.email)</dd>
            <dt>\(t("office.account.roles"))</dt><dd>\(roleList(account.roles))</dd>
            \(account.organisationID.map { "<dt>\(t("office.account.organisation"))</dt><dd>\($0)</dd>" } ?? .empty)</dl>
            <h2>\(t("office.language.title"))</h2>
            \(AccountLanguagePages.form(current: account.language, action: LanguageRoute.own.path, error: languageError,
                                    csrf: csrf))
            <h2>\(t("office.login.password"))</h2>
            <p><a href="\(OfficeRoute.password.path)">\(t("office.password.title"))</a></p>
            <h2>\(t("office.account.two-factor"))</h2>\(twoFactor)
            <h2>\(t("office.account.tokens"))</h2>
            <p><a href="\(TokenController.path)">\(t("office.account.tokens-link"))</a> \
            \(t("office.account.tokens-rest"))</p>
            \(account.roles.contains(.caseOfficer) ? AlertPages.accountSection : HTML.empty)
            <h2>\(t("office.account.sessions"))</h2>
            <p>\(t("account.devices", count: sessions))</p>
            <p>\(t("office.account.end-sessions-effect"))</p>
            <form method="post" action="\(OfficeRoute.endSessions.path)">\(CSRF.field(csrf))\
            <button type="submit">\(t("office.account.end-sessions"))</button></form>
            """)
    }

    static func password(account: Account, errors: [String: String], csrf: String) -> HTML {
        OfficeLayout(title: t("office.password.title"), account: account, csrf: csrf, translated: true).render(
            """
            <h1>\(t("office.password.title"))</h1>
            <p>\(t("office.password.effect"))</p>
            \(FormView.errorSummary(errors))
            <form method="post" action="\(OfficeRoute.password.path)" class="office-form">\(CSRF.field(csrf))
            \(currentPasswordField(errors["current"]))
            \(newPasswordFields(errors))
            <p><button type="submit">\(t("office.password.submit"))</button></p>
            </form>
            """)
    }

    /// The current password, asked again before a security setting changes (`Reauthentication`).
    static func currentPasswordField(_ error: String?) -> HTML {
        FormView.field(
            Reauthentication.field, label: t("office.password.current"), value: "", type: "password",
            error: error,
            attributes: "dir=\"ltr\" autocomplete=\"current-password\" required")
    }

    static func newPasswordFields(_ errors: [String: String]) -> HTML {
        let minimum = Translations.current.number(PasswordPolicy.minimumLength), length = PasswordPolicy.minimumLength
        return """
            \(FormView.field("new", label: t("office.password.new"), value: "", type: "password", error: errors["new"],
                         hint: t("office.password.hint", ["n": minimum]),
                         attributes: "dir=\"ltr\" autocomplete=\"new-password\" required minlength=\"\(length)\""))
            \(FormView.field("confirm", label: t("office.password.again"), value: "", type: "password",
                         error: errors["confirm"], attributes: "dir=\"ltr\" autocomplete=\"new-password\" required"))
            """
    }

    static func setup(email: String, token: String, errors: [String: String], csrf: String) -> HTML {
        let address = "<strong dir=\"ltr\">" + HTML.escape(email) + "</strong>"
        return OfficeLayout(title: t("office.setup.title"), account: nil, csrf: csrf, translated: true).render(
            """
            <h1>\(t("office.setup.title"))</h1>
            <p>\(HTML(trusted: t("office.setup.for", ["email": address])))</p>
            \(FormView.errorSummary(errors))
            <form method="post" action="\(OfficeRoute.setup(token: token).path)" class="office-form">\(CSRF.field(csrf))
            \(newPasswordFields(errors))
            <p><button type="submit">\(t("office.setup.submit"))</button></p>
            </form>
            """)
    }

    static func twoFactor(
        account: Account, secret: String, error: String?, csrf: String, askPassword: Bool = false,
        passwordError: String? = nil
    ) -> HTML {
        let grouped = stride(from: 0, to: secret.count, by: 4).map { i in
            String(secret.dropFirst(i).prefix(4))
        }.joined(separator: " ")
        let uri = TOTP(secret: Base32.decode(secret) ?? []).uri(issuer: "Observatory", account: account.email)
        // Drawn here as inline SVG (numbers only, no script), so the key never leaves the server.
        let qr: HTML =
            (try? QRCode(uri)).map {
                HTML(trusted: "<p class=\"qr\">" + $0.svg(title: t("office.two-factor.qr")) + "</p>")
            } ?? .empty
        let required: HTML =
            account.needsSecondFactor && !account.hasSecondFactor
            ? "<p class=\"notice\">\(t("office.two-factor.required"))</p>" : .empty
        return OfficeLayout(title: t("office.account.two-factor"), account: account, csrf: csrf, translated: true)
            .render(
                """
                <h1>\(t("office.two-factor.title"))</h1>
                \(required)
                <ol>
                <li>\(t("office.two-factor.step-scan"))
                \(qr)\(t("office.two-factor.step-type"))
                <p class="secret"><code dir="ltr" id="totp-secret">\(grouped)</code></p>
                \(t("office.two-factor.step-open")) <code class="uri" dir="ltr">\(uri)</code></li>
                <li>\(t("office.two-factor.step-code"))</li>
                </ol>
                <form method="post" action="\(OfficeRoute.twoFactor.path)" class="office-form">\(CSRF.field(csrf))
                \(askPassword ? currentPasswordField(passwordError) : .empty)
                \(FormView.field("code", label: t("office.two-factor.code"), value: "", error: error,
                         attributes: "dir=\"ltr\" autocomplete=\"one-time-code\" inputmode=\"numeric\" required"))
                <p><button type="submit">\(t("office.two-factor.submit"))</button></p>
                </form>
                """)
    }

    static func recoveryCodes(account: Account, codes: [String], csrf: String) -> HTML {
        OfficeLayout(title: t("office.codes.title"), account: account, csrf: csrf, translated: true).render(
            """
            <h1>\(t("office.codes.heading"))</h1>
            <p class="notice">\(t("office.codes.keep"))</p>
            <ul class="codes" dir="ltr" id="recovery-codes">\
            \(codes.map { "<li><code>\($0)</code></li>" as HTML }.joined())</ul>
            <p><a href="\(OfficeRoute.dashboard.path)">\(t("office.continue"))</a></p>
            """)
    }
}
