import Fluent
import ObservatoryCore

/// Pages of a person's own account.
enum AccountPages {
    static func dashboard(account: Account, csrf: String) -> HTML {
        var tasks: [HTML] = []
        if account.roles.contains(.editor) || account.roles.contains(.administrator) {
            tasks.append("<li><a href=\"\(OfficeRoute.publications(query: "").path)\">Publications</a>: write, preview, schedule and publish.</li>")
            tasks.append("<li><a href=\"\(OfficeRoute.newPublication.path)\">Write a new publication</a></li>")
        }
        if account.roles.contains(.caseOfficer) {
            tasks.append("<li><a href=\"\(OfficeRoute.cases(status: "").path)\">Cases</a>: reports, verification, interventions and follow-ups.</li>")
            tasks.append("<li><a href=\"\(OfficeRoute.addresses.path)\">Authorities’ addresses</a> offered in urgent appeals.</li>")
        }
        if account.roles.contains(.partner) {
            tasks.append("<li><a href=\"\(OfficeRoute.partnerRequests.path)\">Verification requests</a> from the Observatory to your organisation.</li>")
        }
        if account.roles.contains(.administrator) {
            tasks.append("<li><a href=\"\(OfficeRoute.users.path)\">People</a>: accounts, roles, reset links.</li>")
            tasks.append("<li><a href=\"\(OfficeRoute.audit(query: "").path)\">Audit trail</a>: who did what, when.</li>")
        }
        tasks.append("<li><a href=\"\(OfficeRoute.account.path)\">Your account</a>: password, second factor, sessions.</li>")
        return OfficeLayout(title: "Office", account: account, csrf: csrf).render("""
        <h1>Welcome</h1>
        <p>Signed in as <strong>\(account.email)</strong> (\(account.roles.sorted().map(\.label).joined(separator: ", "))).</p>
        <ul class="tasks">\(tasks.joined(separator: "\n"))</ul>
        """)
    }

    static func overview(account: Account, recoveryCodes: Int, sessions: Int, csrf: String,
                         recoveryError: String? = nil) -> HTML {
        let twoFactor: HTML = account.hasSecondFactor
            ? """
              <p>Second factor: <strong>on</strong> (authenticator app). Unused recovery codes: \(recoveryCodes).</p>
              <form method="post" action="\(OfficeRoute.recoveryCodes.path)" class="office-form">\(CSRF.field(csrf))
              \(currentPasswordField(recoveryError))
              <button type="submit">Make new recovery codes</button></form>
              <p><a href="\(OfficeRoute.twoFactor.path)?restart=1">Move the second factor to another device</a></p>
              """
            : """
              <p>Second factor: <strong>off</strong>. <a href="\(OfficeRoute.twoFactor.path)">Set up an authenticator app</a>.</p>
              """
        return OfficeLayout(title: "Your account", account: account, csrf: csrf).render("""
        <h1>Your account</h1>
        <dl class="facts"><dt>E-mail</dt><dd>\(account.email)</dd>
        <dt>Roles</dt><dd>\(account.roles.sorted().map(\.label).joined(separator: ", "))</dd>
        \(account.organisationID.map { "<dt>Organisation</dt><dd>\($0)</dd>" } ?? .empty)</dl>
        <h2>Password</h2><p><a href="\(OfficeRoute.password.path)">Change your password</a></p>
        <h2>Second factor</h2>\(twoFactor)
        <h2>Access tokens</h2><p><a href="/account/tokens">Tokens for the API</a> (newsroom tools, scripts)</p>
        <h2>Sessions</h2>
        <p>\(t("account.devices", count: sessions))</p>
        <form method="post" action="\(OfficeRoute.endSessions.path)">\(CSRF.field(csrf))<button type="submit">Sign out everywhere</button></form>
        """)
    }

    static func password(account: Account, errors: [String: String], csrf: String) -> HTML {
        OfficeLayout(title: "Change your password", account: account, csrf: csrf).render("""
        <h1>Change your password</h1>
        \(FormView.errorSummary(errors))
        <form method="post" action="\(OfficeRoute.password.path)" class="office-form">\(CSRF.field(csrf))
        \(FormView.field("current", label: "Current password", value: "", type: "password", error: errors["current"], attributes: "autocomplete=\"current-password\" required"))
        \(newPasswordFields(errors))
        <p><button type="submit">Change password</button></p>
        </form>
        """)
    }

    /// The current password, asked again before a security setting changes (`Reauthentication`).
    static func currentPasswordField(_ error: String?) -> HTML {
        FormView.field(Reauthentication.field, label: "Current password", value: "", type: "password", error: error,
                       attributes: "autocomplete=\"current-password\" required")
    }

    static func newPasswordFields(_ errors: [String: String]) -> HTML {
        """
        \(FormView.field("new", label: "New password", value: "", type: "password", error: errors["new"], hint: "At least \(PasswordPolicy.minimumLength) characters; a few unrelated words work well.", attributes: "autocomplete=\"new-password\" required minlength=\"\(PasswordPolicy.minimumLength)\""))
        \(FormView.field("confirm", label: "New password again", value: "", type: "password", error: errors["confirm"], attributes: "autocomplete=\"new-password\" required"))
        """
    }

    static func setup(email: String, token: String, errors: [String: String], csrf: String) -> HTML {
        OfficeLayout(title: "Choose your password", account: nil, csrf: csrf).render("""
        <h1>Choose your password</h1>
        <p>For <strong>\(email)</strong>. This link works once.</p>
        \(FormView.errorSummary(errors))
        <form method="post" action="\(OfficeRoute.setup(token: token).path)" class="office-form">\(CSRF.field(csrf))
        \(newPasswordFields(errors))
        <p><button type="submit">Save password</button></p>
        </form>
        """)
    }

    static func twoFactor(account: Account, secret: String, error: String?, csrf: String, askPassword: Bool = false,
                          passwordError: String? = nil) -> HTML {
        let grouped = stride(from: 0, to: secret.count, by: 4).map { i in
            String(secret.dropFirst(i).prefix(4))
        }.joined(separator: " ")
        let uri = TOTP(secret: Base32.decode(secret) ?? []).uri(issuer: "Observatory", account: account.email)
        // Drawn here as inline SVG (numbers only, no script), so the key never leaves the server.
        let qr: HTML = (try? QRCode(uri)).map { HTML(trusted: "<p class=\"qr\">" + $0.svg(title: "QR code of the key") + "</p>") } ?? .empty
        let required: HTML = account.needsSecondFactor && !account.hasSecondFactor
            ? "<p class=\"notice\">Your role requires a second factor: set it up to continue.</p>" : .empty
        return OfficeLayout(title: "Second factor", account: account, csrf: csrf).render("""
        <h1>Set up your authenticator app</h1>
        \(required)
        <ol>
        <li>In an authenticator app (for example FreeOTP, Aegis or Google Authenticator), add an account by scanning this code
        \(qr)or by typing this key:
        <p class="secret"><code id="totp-secret">\(grouped)</code></p>
        or open this address on the phone: <code class="uri">\(uri)</code></li>
        <li>Type the six-digit code the app now shows.</li>
        </ol>
        <form method="post" action="\(OfficeRoute.twoFactor.path)" class="office-form">\(CSRF.field(csrf))
        \(askPassword ? currentPasswordField(passwordError) : .empty)
        \(FormView.field("code", label: "Code from the app", value: "", error: error, attributes: "autocomplete=\"one-time-code\" inputmode=\"numeric\" required"))
        <p><button type="submit">Turn on</button></p>
        </form>
        """)
    }

    static func recoveryCodes(account: Account, codes: [String], csrf: String) -> HTML {
        OfficeLayout(title: "Recovery codes", account: account, csrf: csrf).render("""
        <h1>Your recovery codes</h1>
        <p class="notice">Keep these codes somewhere safe, apart from your phone. Each one signs you in once if you lose the
        authenticator app. They are shown only now.</p>
        <ul class="codes" id="recovery-codes">\(codes.map { "<li><code>\($0)</code></li>" as HTML }.joined())</ul>
        <p><a href="\(OfficeRoute.dashboard.path)">Continue</a></p>
        """)
    }
}
