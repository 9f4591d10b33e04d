import Fluent
import ObservatoryCore
import Vapor

/// The sign-in pages: password, then one-time code.
enum LoginPages {
    static func login(email: String, next: String, error: String?, req: Request) async throws -> HTML {
        let csrf = CSRF.token(for: req)
        return OfficeLayout(title: "Sign in", account: nil, csrf: csrf).render("""
        <h1>Sign in</h1>
        \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
        <form method="post" action="\(OfficeRoute.login(next: nil).path)" class="office-form">
        \(CSRF.field(csrf))
        <input type="hidden" name="next" value="\(RedirectTarget.sameSite(next) ?? "")">
        \(FormView.field("email", label: "E-mail address", value: email, type: "email", attributes: "autocomplete=\"username\" required autofocus"))
        \(FormView.field("password", label: "Password", value: "", type: "password", attributes: "autocomplete=\"current-password\" required"))
        <p><button type="submit">Sign in</button></p>
        </form>
        <p class="hint">Forgotten your password? Ask an administrator for a reset link.</p>
        """)
    }

    static func code(error: String?, req: Request) async throws -> HTML {
        let csrf = CSRF.token(for: req)
        return OfficeLayout(title: "One-time code", account: nil, csrf: csrf).render("""
        <h1>One-time code</h1>
        <p>Enter the six-digit code your authenticator app shows for Observatory, or one of your recovery codes.</p>
        \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
        <form method="post" action="\(req.url.string)" class="office-form">
        \(CSRF.field(csrf))
        \(FormView.field("code", label: "Code", value: "", attributes: "autocomplete=\"one-time-code\" inputmode=\"numeric\" required autofocus"))
        <p><button type="submit">Continue</button></p>
        </form>
        <form method="post" action="\(OfficeRoute.logout.path)" class="inline">\(CSRF.field(csrf))<button type="submit">Cancel</button></form>
        """)
    }
}

extension HTML {
    /// An internal page as a response (`SignInMiddleware` marks it `no-store`).
    func encodeResponse(status: HTTPStatus = .ok, for req: Request) async throws -> Response {
        let response = Response(status: status, body: .init(string: rendered))
        response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        return response
    }
}
