import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// A person's own account: password, second factor, recovery codes, sessions; and one-time links.
struct AccountController: Sendable {
    let registry: RouteRegistry

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.dashboard.pattern, .signedIn, registry: registry, use: dashboard)
        routes.declare(.GET, OfficeRoute.account.pattern, .signedIn, registry: registry, use: overview)
        routes.declare(.GET, OfficeRoute.password.pattern, .signedIn, registry: registry, use: passwordForm)
        routes.declare(.POST, OfficeRoute.password.pattern, .signedIn, registry: registry, use: changePassword)
        routes.declare(.GET, OfficeRoute.twoFactor.pattern, .enrolling, registry: registry, use: twoFactorForm)
        routes.declare(.POST, OfficeRoute.twoFactor.pattern, .enrolling, registry: registry, use: enrolTwoFactor)
        routes.declare(.POST, OfficeRoute.recoveryCodes.pattern, .signedIn, registry: registry, use: newRecoveryCodes)
        routes.declare(.POST, OfficeRoute.endSessions.pattern, .signedIn, registry: registry, use: endSessions)
        routes.declare(.GET, OfficeRoute.setup(token: "").pattern, .anyone, registry: registry, use: setupForm)
        routes.declare(.POST, OfficeRoute.setup(token: "").pattern, .anyone, registry: registry, use: setup)
    }

    @Sendable func dashboard(req: Request) async throws -> Response {
        try await AccountPages.dashboard(account: try req.account, csrf: CSRF.token(for: req)).encodeResponse(for: req)
    }

    @Sendable func overview(req: Request) async throws -> Response {
        let account = try req.account
        let codes = try await AccountSecrets.unusedRecoveryCodes(for: account.id, on: req.db)
        let sessions = try await SessionStore.count(userID: account.id, on: req.db)
        let notice = req.query[String.self, at: "notice"] == "language" ? t("office.language.saved") : nil
        return try await AccountPages.overview(
            account: account, recoveryCodes: codes, sessions: sessions,
            csrf: CSRF.token(for: req), notice: notice
        )
        .encodeResponse(for: req)
    }

    @Sendable func passwordForm(req: Request) async throws -> Response {
        try await AccountPages.password(account: try req.account, errors: [:], csrf: CSRF.token(for: req))
            .encodeResponse(for: req)
    }

    @Sendable func changePassword(req: Request) async throws -> Response {
        let account = try req.account, form = req.form, now = req.site.clock.now()
        var errors: [String: String] = [:]
        let refusal = try await Reauthentication.check(req, account, to: "change the password").refusal
        if let refusal { errors[Reauthentication.field] = refusal.message }
        errors.merge(Self.newPasswordProblems(form, email: account.email)) { a, _ in a }
        guard errors.isEmpty else {
            return try await AccountPages.password(account: account, errors: errors, csrf: CSRF.token(for: req))
                .encodeResponse(status: refusal?.status ?? .unprocessableEntity, for: req)
        }
        let hash = try await req.password.async.hash(form.raw("new"))
        let token = try await req.officeWrite { tx in
            // Checked again in the write (review r9, finding 2): the asking session still lives (`officeWrite`), and
            // the password it confirmed is still the account's (a set from a link meanwhile wins, and ends it).
            guard try await AccountStore.hasPassword(account.passwordHash, account.id, on: tx)
            else { throw SessionStore.ended }
            try await AccountStore.setPassword(account.id, hash: hash, now: now, on: tx)
            try await AccountSecrets.retireLinks(of: account.id, now: now, on: tx)
            try await SessionStore.endAll(userID: account.id, on: tx)
            // The one rescue the owner can do herself ends her tokens too (review r14, finding 4): one made by
            // whoever held her session must not outlive it.
            let tokens = try await AccessTokenStore.revokeAll(
                userID: account.id, because: .passwordChange, now: now.seconds, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: account.email, action: "account.password-change",
                    recordType: "user", recordID: account.id,
                    detail: "current password confirmed; access tokens revoked: \(tokens)"),
                now: now, on: tx)
            return try await SessionStore.start(userID: account.id, stage: .signedIn, now: now, on: tx)
        }
        let response = req.redirect(within: OfficeRoute.account.path)
        req.setSessionCookie(token, on: response)
        return response
    }

    static func newPasswordProblems(_ form: FormData, email: String) -> [String: String] {
        if let problem = PasswordPolicy.problem(with: form.raw("new"), email: email) { return ["new": problem] }
        if form.raw("new") != form.raw("confirm") { return ["confirm": t("office.password.not-same")] }
        return [:]
    }

    @Sendable func twoFactorForm(req: Request) async throws -> Response {
        let account = try req.account
        var pending = account.pendingSecondFactorSecret(req.site.cipher)
        if pending == nil || req.query[String.self, at: "restart"] == "1" {
            let new = Base32.encode(TOTP.newSecret()), cipher = req.site.cipher
            // Only from a session that still lives (review r11, finding 2): a stale one plants no secret.
            try await req.officeWrite { tx in
                try await AccountStore.setPendingSecret(account.id, new, cipher: cipher, on: tx)
            }
            pending = new
        }
        let page = AccountPages.twoFactor(
            account: account, secret: pending!, error: nil, csrf: CSRF.token(for: req),
            askPassword: req.signedIn?.session.stage == .signedIn)
        return try await page.encodeResponse(for: req)
    }

    @Sendable func enrolTwoFactor(req: Request) async throws -> Response {
        let signedIn = req.signedIn!, account = signedIn.account, now = req.site.clock.now()
        guard let pending = account.pendingSecondFactorSecret(req.site.cipher), let secret = Base32.decode(pending)
        else {
            return req.redirect(within: OfficeRoute.twoFactor.path)
        }
        // Fully signed in, this changes (or adds) the second factor: the password first. Right after the password at
        // sign-in (the `enrol` stage, which lasts 10 minutes), it is not asked again.
        let reauthenticate = signedIn.session.stage == .signedIn
        if reauthenticate {
            if let refusal = try await Reauthentication.check(req, account, to: "change the second factor").refusal {
                let page = AccountPages.twoFactor(
                    account: account, secret: pending, error: nil,
                    csrf: CSRF.token(for: req), askPassword: true,
                    passwordError: refusal.message)
                return try await page.encodeResponse(status: refusal.status, for: req)
            }
        }
        guard let step = TOTP(secret: secret).verify(req.form["code"], at: now, lastUsedStep: nil) else {
            return try await AccountPages.twoFactor(
                account: account, secret: pending,
                error: t("office.two-factor.wrong"),
                csrf: CSRF.token(for: req), askPassword: reauthenticate
            )
            .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let cipher = req.site.cipher
        let session = signedIn.session
        // A session ended meanwhile enrols nothing (review r9, finding 3): its factor would outlive the set.
        let (codes, newToken) = try await req.officeWrite { tx in
            try await AccountStore.confirmSecondFactor(account.id, secret: pending, step: step, cipher: cipher, on: tx)
            let codes = try await AccountSecrets.newRecoveryCodes(for: account.id, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: account.email, action: "account.two-factor-enrol",
                    recordType: "user", recordID: account.id,
                    detail: reauthenticate ? "current password confirmed" : "at sign-in"),
                now: now, on: tx)
            let advanced =
                session.stage == .enrol ? try await SessionStore.advance(session, to: .signedIn, now: now, on: tx) : nil
            return (codes, advanced)
        }
        var csrf = signedIn.session.csrfToken
        if let newToken {
            csrf =
                try await SessionStore.find(token: newToken, policy: req.site.sessionPolicy, now: now, on: req.db)?
                .csrfToken ?? ""
        }
        let response = try await AccountPages.recoveryCodes(account: account, codes: codes, csrf: csrf).encodeResponse(
            for: req)
        if let newToken { req.setSessionCookie(newToken, on: response) }
        return response
    }

    @Sendable func newRecoveryCodes(req: Request) async throws -> Response {
        let account = try req.account
        guard account.hasSecondFactor else { return req.redirect(within: OfficeRoute.twoFactor.path) }
        if let refusal = try await Reauthentication.check(req, account, to: "make new recovery codes").refusal {
            let codes = try await AccountSecrets.unusedRecoveryCodes(for: account.id, on: req.db)
            let sessions = try await SessionStore.count(userID: account.id, on: req.db)
            let page = AccountPages.overview(
                account: account, recoveryCodes: codes, sessions: sessions,
                csrf: CSRF.token(for: req), recoveryError: refusal.message)
            return try await page.encodeResponse(status: refusal.status, for: req)
        }
        let now = req.site.clock.now()
        let codes = try await req.officeWrite { tx in
            let codes = try await AccountSecrets.newRecoveryCodes(for: account.id, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: account.email, action: "account.recovery-codes",
                    recordType: "user", recordID: account.id,
                    detail: "current password confirmed"),
                now: now, on: tx)
            return codes
        }
        return try await AccountPages.recoveryCodes(account: account, codes: codes, csrf: CSRF.token(for: req))
            .encodeResponse(for: req)
    }

    @Sendable func endSessions(req: Request) async throws -> Response {
        let account = try req.account
        let now = req.site.clock.now()
        try await req.officeWrite { tx in
            try await SessionStore.endAll(userID: account.id, on: tx)
            // The button is what a person presses who fears someone else holds her account: a token that someone
            // made from her session must end with the sessions (review r15, finding 5).
            let tokens = try await AccessTokenStore.revokeAll(
                userID: account.id, because: .signedOut, now: now.seconds, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: account.email, action: "logout.everywhere", recordType: "user",
                    recordID: account.id, detail: "access tokens revoked: \(tokens)"), now: now, on: tx)
        }
        let response = req.redirect(within: OfficeRoute.login(next: nil).path)
        req.clearSessionCookie(on: response)
        return response
    }

    @Sendable func setupForm(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let account = try await AccountSecrets.account(forLink: token, now: req.site.clock.now(), on: req.db)
        else { throw Self.deadLink }
        return try await AccountPages.setup(email: account.email, token: token, errors: [:], csrf: CSRF.token(for: req))
            .encodeResponse(for: req)
    }

    @Sendable func setup(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? "", now = req.site.clock.now()
        guard let account = try await AccountSecrets.account(forLink: token, now: now, on: req.db) else {
            throw Self.deadLink
        }
        let errors = Self.newPasswordProblems(req.form, email: account.email)
        guard errors.isEmpty else {
            return try await AccountPages.setup(
                email: account.email, token: token, errors: errors, csrf: CSRF.token(for: req)
            )
            .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let hash = try await req.password.async.hash(req.form.raw("new"))
        try await req.db.write { tx in
            // The account's row is locked first, as by every write on an account (review r10, finding 3); then the
            // link is taken, in the write: replaced or used meanwhile, it sets nothing.
            _ = try await AccountStore.lock([account.id], on: tx)
            guard try await AccountSecrets.useLink(token, for: account.id, now: now, on: tx) else {
                throw Self.deadLink
            }
            try await AccountStore.setPassword(account.id, hash: hash, now: now, on: tx)
            try await SessionStore.endAll(userID: account.id, on: tx)
            try await AccessTokenStore.revokeAll(userID: account.id, because: .passwordSet, now: now.seconds, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: account.email, action: "account.password-set",
                    recordType: "user",
                    recordID: account.id, detail: "from a one-time link"), now: now,
                on: tx)
        }
        return req.redirect(within: OfficeRoute.login(next: nil).path)
    }

    static var deadLink: Abort { Abort(.notFound, reason: t("office.setup.dead-link")) }
}
