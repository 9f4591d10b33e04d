import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// The language of the request's office or partner page, set by `SignInMiddleware` (read by the error pages).
struct OfficeLanguageKey: StorageKey { typealias Value = Language }

extension Request {
    /// The signed-in person's chosen language; before sign-in (or before they chose), the public site's remembered
    /// choice or the browser's; else English.
    var officeLanguage: Language {
        OfficeLanguage.resolve(
            account: signedIn?.account.language?.rawValue,
            siteCookie: cookies[LanguageNegotiationMiddleware.cookieName]?.string,
            acceptLanguage: headers.first(name: .acceptLanguage))
    }
}

/// Addresses of the language setting: a person's own, and an administrator's for someone else.
enum LanguageRoute {
    case own
    case user(id: String)

    var pattern: [String] {
        switch self {
        case .own: ["account", "language"]
        case .user: ["office", "users", ":id", "language"]
        }
    }

    var path: String {
        switch self {
        case .own: "/account/language"
        case .user(let id): "/office/users/\(SiteRoute.escapeSegment(id))/language"
        }
    }
}

/// Changing the language of an account: the person herself on her account page, or an administrator on the
/// person's page. A value other than one of the four codes is refused by name and changes nothing; each change is
/// audited in the same transaction.
struct AccountLanguageController: Sendable {
    let registry: RouteRegistry

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.POST, LanguageRoute.own.pattern, .signedIn, registry: registry, use: changeOwn)
        routes.declare(
            .POST, LanguageRoute.user(id: "").pattern, UserAdminController.access, registry: registry,
            use: changeOther)
    }

    @Sendable func changeOwn(req: Request) async throws -> Response {
        let viewer = try req.account
        let outcome = try await change(viewer, by: viewer, req: req)
        guard case .failure(let refusal) = outcome else {
            return req.redirect(within: OfficeRoute.account.path + "?notice=language")
        }
        let codes = try await AccountSecrets.unusedRecoveryCodes(for: viewer.id, on: req.db)
        let sessions = try await SessionStore.count(userID: viewer.id, on: req.db)
        return try await AccountPages.overview(
            account: viewer, recoveryCodes: codes, sessions: sessions,
            csrf: CSRF.token(for: req), languageError: refusal.description
        )
        .encodeResponse(status: .unprocessableEntity, for: req)
    }

    @Sendable func changeOther(req: Request) async throws -> Response {
        let viewer = try req.account, id = req.parameters.get("id") ?? ""
        guard let target = try await AccountStore.find(id: id, on: req.db) else {
            throw Abort(.notFound, reason: t("office.error.no-account"))
        }
        let outcome = try await change(target, by: viewer, req: req)
        guard case .failure(let refusal) = outcome else {
            return req.redirect(within: OfficeRoute.user(id: target.id).path)
        }
        return try await UserPages.show(
            viewer: viewer, account: target, error: refusal.description,
            csrf: CSRF.token(for: req)
        )
        .encodeResponse(status: .unprocessableEntity, for: req)
    }

    func change(
        _ target: Account, by actor: Account,
        req: Request
    ) async throws -> Result<Language, OfficeLanguage.Refusal> {
        guard OfficeLanguage.mayChange(actorID: actor.id, actorRoles: actor.roles, targetID: target.id) else {
            throw Abort(.forbidden, reason: t("office.error.not-allowed"))
        }
        let choice = OfficeLanguage.choice(req.form.raw("language"))
        guard case .success(let language) = choice else { return choice }
        let now = req.site.clock.now()
        let own = actor.id == target.id
        let detail = "\(target.language?.rawValue ?? "none") → \(language.rawValue)"
        try await req.officeWrite(on: target.id) { tx in
            try await AccountStore.setLanguage(target.id, language, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: actor.email, action: own ? "account.language" : "user.language",
                    recordType: "user", recordID: target.id, detail: detail),
                now: now, on: tx)
        }
        return .success(language)
    }

    /// At a person's first sign-in, the language their browser asks for (or English) becomes their account's,
    /// inside the sign-in's transaction and with its own audit entry; a language already chosen is never replaced.
    static func rememberAtFirstSignIn(_ account: Account, req: Request, now: Date, on tx: any Database) async throws {
        guard account.language == nil else { return }
        let language = OfficeLanguage.preferred(acceptLanguage: req.headers.first(name: .acceptLanguage)) ?? .en
        guard try await AccountStore.setLanguageIfUnset(account.id, language, on: tx) else { return }
        try await AuditLog.record(
            AuditEvent(
                actor: account.email, action: "account.language", recordType: "user",
                recordID: account.id,
                detail: "none → \(language.rawValue) (from the browser at first sign-in)"),
            now: now, on: tx)
    }
}

/// The language form of the account page and of an administrator's page about a person.
enum AccountLanguagePages {
    static func form(current: Language?, action: String, error: String?, csrf: String) -> HTML {
        let options: [HTML] = Language.allCases.map { language in
            let selected = HTML(trusted: language == (current ?? .en) ? " selected" : "")
            let code = language.rawValue
            return "<option value=\"\(code)\" lang=\"\(code)\"\(selected)>\(language.endonym)</option>"
        }
        let invalid: HTML =
            error == nil
            ? .empty
            : HTML(trusted: " aria-invalid=\"true\" aria-describedby=\"language-error\"")
        return """
            <form method="post" action="\(action)" class="office-form" id="language-form">\(CSRF.field(csrf))
            <p class="field\(error != nil ? " invalid" : "")"><label \
            for="language">\(t("office.language.label"))</label>
            <select id="language" name="language"\(invalid)>\(options.joined())</select>
            <small>\(t("office.language.hint"))</small>
            \(error.map { "<strong class=\"error\" id=\"language-error\" role=\"alert\">\($0)</strong>" } ?? .empty)</p>
            <p><button type="submit">\(t("office.language.save"))</button></p></form>
            """
    }
}
