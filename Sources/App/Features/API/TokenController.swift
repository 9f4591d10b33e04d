import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// `/account/tokens`: a person's personal access tokens for the API. Making one asks for the current password
/// (as security settings do); the token is shown once; every creation and revocation is audited with the change.
struct TokenController: Sendable {
    let registry: RouteRegistry
    static let pattern = ["account", "tokens"]
    static let revokePattern = ["account", "tokens", ":id", "revoke"]
    static var path: String { "/account/tokens" }
    static func revokePath(_ id: String) -> String { "/account/tokens/\(id)/revoke" }

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, Self.pattern, .signedIn, registry: registry, use: index)
        routes.declare(.POST, Self.pattern, .signedIn, registry: registry, use: create)
        routes.declare(.POST, Self.revokePattern, .signedIn, registry: registry, use: revoke)
    }

    @Sendable func index(req: Request) async throws -> Response {
        let account = try req.account
        let tokens = try await AccessTokenStore.list(userID: account.id, on: req.db)
        return try await TokenPages.index(
            account: account, tokens: tokens, now: Self.seconds(req), form: [:],
            errors: [:], csrf: CSRF.token(for: req)
        ).encodeResponse(for: req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let account = try req.account, now = req.site.clock.now(), at = Int64(now.timeIntervalSince1970)
        let name = req.form["name"].trimmingCharacters(in: .whitespacesAndNewlines)
        let requested = req.form.values("scopes")
        let scopes = Set(requested.compactMap(AccessToken.Scope.init(rawValue:)))
        var errors: [String: String] = [:]
        if let problem = AccessToken.nameProblem(name) { errors["name"] = Self.translated(problem, name) }
        if scopes.isEmpty || scopes.count != Set(requested).count {
            errors["scopes"] = t(
                "tokens.error.scopes",
                ["scopes": AccessToken.Scope.allCases.map(\.rawValue).joined(separator: ", ")])
        }
        let days = Int(req.form["days"]) ?? 0
        let expiresAt = AccessToken.lifetimes.contains(days) ? AccessToken.expiry(days: days, from: at) : nil
        if expiresAt == nil {
            let choices = AccessToken.lifetimes.map { t("count.days", count: $0) }.joined(separator: ", ")
            errors["days"] = t("tokens.error.days", ["choices": choices])
        }
        if scopes.contains(.publicationsWrite) || scopes.contains(.publicationsRead),
            account.roles.isDisjoint(with: ApiWrites.roles)
        {
            errors["scopes"] = t("tokens.error.roles")
        }
        if errors.isEmpty,
            let refusal = try await Reauthentication.check(req, account, to: "make an access token")
                .refusal
        {
            errors[Reauthentication.field] = refusal.message
            return try await page(req, account, form: req.form, errors: errors, status: refusal.status)
        }
        guard errors.isEmpty, let expiresAt else {
            return try await page(req, account, form: req.form, errors: errors, status: .unprocessableEntity)
        }
        let made = try await req.officeWrite { tx in
            // The password confirmed above is still the account's (a reset meanwhile clears it: review r11, 1).
            guard try await AccountStore.hasPassword(account.passwordHash, account.id, on: tx)
            else { throw SessionStore.ended }
            let made = try await AccessTokenStore.create(
                for: account, name: name, scopes: scopes, expiresAt: expiresAt,
                now: at, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: account.email, action: "token.create", recordType: "token",
                    recordID: made.id,
                    detail: "\(AccessToken.Scope.stored(scopes)); expires "
                        + iso8601(seconds: expiresAt)), now: now, on: tx)
            return made
        }
        let tokens = try await AccessTokenStore.list(userID: account.id, on: req.db)
        let response = try await TokenPages.index(
            account: account, tokens: tokens, now: at, form: [:], errors: [:],
            csrf: CSRF.token(for: req), created: (made.id, made.token)
        )
        .encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        let account = try req.account, now = req.site.clock.now(), id = req.parameters.get("id") ?? ""
        guard try await AccessTokenStore.find(id: id, userID: account.id, on: req.db) != nil else {
            throw Abort(.notFound, reason: t("tokens.error.none", ["id": String(id.prefix(40))]))
        }
        try await req.officeWrite { tx in
            if try await AccessTokenStore.revoke(
                id: id, userID: account.id, now: Int64(now.timeIntervalSince1970),
                on: tx)
            {
                try await AuditLog.record(
                    AuditEvent(
                        actor: account.email, action: "token.revoke",
                        recordType: "token", recordID: id), now: now, on: tx)
            }
        }
        return req.redirect(within: Self.path + "?revoked=1")
    }

    func page(
        _ req: Request, _ account: Account, form: FormData, errors: [String: String],
        status: HTTPStatus
    ) async throws -> Response {
        let tokens = try await AccessTokenStore.list(userID: account.id, on: req.db)
        let kept = ["name": form["name"], "days": form["days"], "scopes": form.values("scopes").joined(separator: " ")]
        return try await TokenPages.index(
            account: account, tokens: tokens, now: Self.seconds(req), form: kept,
            errors: errors, csrf: CSRF.token(for: req)
        )
        .encodeResponse(status: status, for: req)
    }

    static func seconds(_ req: Request) -> Int64 { Int64(req.site.clock.now().timeIntervalSince1970) }

    /// The domain library's name problem in the person's language (empty, too long, control characters).
    static func translated(_ problem: String, _ name: String) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return t("tokens.error.name-empty") }
        if trimmed.count > 80 { return t("tokens.error.name-long", ["n": Translations.current.number(trimmed.count)]) }
        return t("tokens.error.name-control")
    }
}

enum TokenPages {
    static func index(
        account: Account, tokens: [StoredToken], now: Int64, form: [String: String],
        errors: [String: String], csrf: String, created: (id: String, token: String)? = nil
    ) -> HTML {
        let shown: HTML =
            created.map { made in
                """
                <div class="notice" role="status" id="new-token"><p>\(t("tokens.new"))</p>\
                <p><code id="token-value">\(made.token)</code></p>
                <p>\(t("tokens.header", ["header": "Authorization: Bearer …"]))</p></div>
                """
            } ?? .empty
        let rows: [HTML] = tokens.map { token in
            let state: String =
                switch token.state(for: account, now: now) {
                case .active: t("tokens.state.active", ["when": String(iso8601(seconds: token.expiresAt).prefix(16))])
                case .expired: t("tokens.state.expired")
                case .revoked:
                    switch token.revokedReason {
                    case nil, .owner: t("tokens.state.revoked")
                    case let reason?: t("tokens.state.revoked-\(reason.rawValue)")
                    }
                case .rolesChanged: t("tokens.state.roles-changed")
                case .accountDisabled: t("tokens.state.disabled")
                case .passwordChanged: t("tokens.state.password-changed")
                }
            let used = token.lastUsedAt.map { String(iso8601(seconds: $0).prefix(16)) + " UTC" } ?? t("tokens.never")
            let button: HTML =
                token.state(for: account, now: now) == .active
                ? """
                <form method="post" action="\(revokePathHTML(token.id))">\(CSRF.field(csrf))\
                <button type="submit">\(t("tokens.revoke"))</button></form>
                """ : .empty
            return """
                <tr id="token-\(token.id)"><td>\(token.name)</td><td>\(AccessToken.Scope.stored(token.scopes))</td>\
                <td>\(state)</td><td>\(used)</td><td>\(button)</td></tr>
                """
        }
        let scopeBoxes: [HTML] = AccessToken.Scope.allCases.map { scope in
            let checked = (form["scopes"] ?? "").split(separator: " ").contains(Substring(scope.rawValue))
            return """
                <label><input type="checkbox" name="scopes" value="\(scope.rawValue)"\(checked ? " checked" : "")> \
                \(scope.rawValue)</label>
                """
        }
        let options: [HTML] = AccessToken.lifetimes.map { days in
            let selected: HTML = form["days"] == String(days) ? " selected" : ""
            return "<option value=\"\(String(days))\"\(selected)>\(t("count.days", count: days))</option>"
        }
        let table: HTML =
            rows.isEmpty
            ? "<p>\(t("tokens.none"))</p>"
            : """
            <table class="tokens"><thead><tr><th>\(t("casefile.name"))</th><th>\(t("tokens.scopes"))</th>\
            <th>\(t("tokens.state"))</th><th>\(t("tokens.last-used"))</th><th></th></tr>
            </thead><tbody>\(rows.joined())</tbody></table>
            """
        return OfficeLayout(title: t("office.account.tokens"), account: account, csrf: csrf, translated: true)
            .render(
                """
                <h1>\(t("office.account.tokens"))</h1>
                <p>\(t("tokens.explanation"))</p>
                \(shown)
                \(table)
                <h2>\(t("tokens.make"))</h2>
                \(FormView.errorSummary(errors))
                <form method="post" action="\(TokenController.path)" class="office-form">\(CSRF.field(csrf))
                \(FormView.field("name", label: t("casefile.name"), value: form["name"] ?? "", error: errors["name"],
                         attributes: "required maxlength=\"80\""))
                <fieldset class="field\(errors["scopes"] != nil ? " invalid" : "")"><legend>\(t("tokens.scopes"))</legend>\
                \(scopeBoxes.joined())\
                \(errors["scopes"].map { "<strong class=\"error\" id=\"scopes-error\">\($0)</strong>" } ?? .empty)</fieldset>
                <p class="field\(errors["days"] != nil ? " invalid" : "")"><label for="days">\(t("tokens.expires"))</label>
                <select id="days" name="days">\(options.joined())</select>\
                \(errors["days"].map { "<strong class=\"error\" id=\"days-error\">\($0)</strong>" } ?? .empty)</p>
                \(AccountPages.currentPasswordField(errors[Reauthentication.field]))
                <p><button type="submit">\(t("tokens.make-button"))</button></p>
                </form>
                """)
    }

    static func revokePathHTML(_ id: String) -> String { TokenController.revokePath(id) }
}
