import Fluent
import ObservatoryCore
import Vapor

/// The sign-in pages: password, then one-time code.
enum LoginPages {
    static func login(email: String, next: String, error: String?, req: Request) async throws -> HTML {
        let csrf = CSRF.token(for: req)
        return OfficeLayout(title: t("office.login.title"), account: nil, csrf: csrf, translated: true).render(
            """
            <h1>\(t("office.login.title"))</h1>
            \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
            <form method="post" action="\(OfficeRoute.login(next: nil).path)" class="office-form">
            \(CSRF.field(csrf))
            <input type="hidden" name="next" value="\(RedirectTarget.sameSite(next) ?? "")">
            \(FormView.field("email", label: t("office.login.email"), value: email, type: "email",
                         attributes: "dir=\"ltr\" autocomplete=\"username\" required autofocus"))
            \(FormView.field("password", label: t("office.login.password"), value: "", type: "password",
                         attributes: "dir=\"ltr\" autocomplete=\"current-password\" required"))
            <p><button type="submit">\(t("office.login.submit"))</button></p>
            </form>
            <p class="hint">\(t("office.login.forgotten"))</p>
            """)
    }

    static func code(error: String?, req: Request) async throws -> HTML {
        let csrf = CSRF.token(for: req)
        return OfficeLayout(title: t("office.code.title"), account: nil, csrf: csrf, translated: true).render(
            """
            <h1>\(t("office.code.title"))</h1>
            <p>\(t("office.code.intro"))</p>
            \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
            <form method="post" action="\(req.url.string)" class="office-form">
            \(CSRF.field(csrf))
            \(FormView.field("code", label: t("office.code.label"), value: "",
                         attributes: "dir=\"ltr\" autocomplete=\"one-time-code\" inputmode=\"numeric\" required "
                                     + "autofocus"))
            <p><button type="submit">\(t("office.continue"))</button></p>
            </form>
            <form method="post" action="\(OfficeRoute.logout.path)" class="inline">\(CSRF.field(csrf))\
            <button type="submit">\(t("office.cancel"))</button></form>
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
