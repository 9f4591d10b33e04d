import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Sign-in with a password and, when the account has one, a one-time code; sign-out.
struct LoginController: Sendable {
    let registry: RouteRegistry

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.login(next: nil).pattern, .anyone, registry: registry, use: loginForm)
        routes.declare(.POST, OfficeRoute.login(next: nil).pattern, .anyone, registry: registry, use: login)
        routes.declare(.GET, OfficeRoute.loginCode.pattern, .secondFactorPending, registry: registry, use: codeForm)
        routes.declare(.POST, OfficeRoute.loginCode.pattern, .secondFactorPending, registry: registry, use: code)
        routes.declare(.POST, OfficeRoute.logout.pattern, .anyone, registry: registry, use: logout)
    }

    @Sendable func loginForm(req: Request) async throws -> Response {
        if req.signedIn?.session.stage == .signedIn { return req.redirect(within: OfficeRoute.dashboard.path) }
        let next = req.query[String.self, at: "next"] ?? ""
        return try await LoginPages.login(email: "", next: next, error: nil, req: req).encodeResponse(for: req)
    }

    @Sendable func login(req: Request) async throws -> Response {
        let form = req.form, now = req.site.clock.now(), address = req.clientAddress
        let email = AccountStore.normalise(email: form["email"])
        let actor = AccountStore.isPlausible(email: email) ? email : "anonymous"
        // Counted and reserved in one step before the password is checked (see `LoginThrottle`).
        let blocked = AuditEvent(
            actor: actor, action: "login.blocked", detail: "too many failed attempts",
            address: address)
        guard
            let attempt = try await LoginThrottle.reserve(
                email: email, address: address, now: now, blocked: blocked,
                on: req.db)
        else {
            let page = try await LoginPages.login(
                email: email, next: form["next"],
                error: t("office.login.too-many"), req: req)
            return try await page.encodeResponse(status: .tooManyRequests, for: req)
        }
        let account = try await AccountStore.find(email: email, on: req.db)
        let hash = try await req.site.storedOrDummyHash(account?.passwordHash, req)
        let matches = try await req.password.async.verify(form.raw("password"), created: hash)
        guard let account, matches, account.passwordHash != nil, !account.disabled else {
            let why = account == nil ? "unknown account" : (account!.disabled ? "account disabled" : "wrong password")
            try await LoginThrottle.failed(
                attempt,
                AuditEvent(
                    actor: actor, action: "login.failure", detail: why,
                    address: address),
                now: now, on: req.db)
            let page = try await LoginPages.login(
                email: email, next: form["next"], error: t("office.login.wrong"),
                req: req)
            return try await page.encodeResponse(status: .unauthorized, for: req)
        }
        let stage: SignInSession.Stage =
            account.hasSecondFactor ? .secondFactor : (account.needsSecondFactor ? .enrol : .signedIn)
        let old = req.signedIn?.session
        let event: AuditEvent
        switch stage {
        case .secondFactor:
            event = AuditEvent(
                actor: account.email, action: "login.password",
                detail: "password accepted; waiting for the one-time code", address: address)
        case .enrol:
            event = AuditEvent(
                actor: account.email, action: "login.success", detail: "must set up a second factor",
                address: address)
        case .signedIn:
            event = AuditEvent(actor: account.email, action: "login.success", detail: "password", address: address)
        }
        // The session, the throttle and the audit entry change together.
        let started: String? = try await req.db.write { tx in
            // The password checked must still be the account's (review r8, finding 1): one set meanwhile from a
            // link ends every session, and a sign-in racing it with the old password must not outlive it.
            guard try await AccountStore.hasPassword(account.passwordHash, account.id, on: tx) else { return nil }
            if let old { try await SessionStore.end(old.id, on: tx) }
            let token = try await SessionStore.start(userID: account.id, stage: stage, now: now, on: tx)
            try await LoginThrottle.release(attempt, on: tx)
            if stage != .secondFactor { try await LoginThrottle.recordSuccess(email: email, on: tx) }
            try await AuditLog.record(event, now: now, on: tx)
            try await AccountLanguageController.rememberAtFirstSignIn(account, req: req, now: now, on: tx)
            return token
        }
        guard let token = started else {
            // Refused as a wrong password is: the attempt stays counted, and the failure is audited.
            try await LoginThrottle.failed(
                attempt,
                AuditEvent(
                    actor: actor, action: "login.failure", detail: "password changed during the sign-in",
                    address: address),
                now: now, on: req.db)
            let page = try await LoginPages.login(
                email: email, next: form["next"], error: t("office.login.password-changed"), req: req)
            return try await page.encodeResponse(status: .unauthorized, for: req)
        }
        let target: String
        switch stage {
        case .secondFactor:
            let next = RedirectTarget.sameSite(form["next"]).map { [("next", $0)] } ?? []
            target = OfficeRoute.loginCode.path + SiteRoute.query(next)
        case .enrol:
            target = OfficeRoute.twoFactor.path
        case .signedIn:
            target = RedirectTarget.sameSite(form["next"], fallback: OfficeRoute.dashboard.path)
        }
        let response = req.redirect(within: target)
        req.setSessionCookie(token, on: response)
        return response
    }

    @Sendable func codeForm(req: Request) async throws -> Response {
        try await LoginPages.code(error: nil, req: req).encodeResponse(for: req)
    }

    @Sendable func code(req: Request) async throws -> Response {
        let signedIn = req.signedIn!, account = signedIn.account
        let now = req.site.clock.now(), address = req.clientAddress, typed = req.form["code"]
        let blocked = AuditEvent(
            actor: account.email, action: "login.blocked", detail: "too many failed codes",
            address: address)
        guard
            let attempt = try await LoginThrottle.reserve(
                email: account.email, address: address, now: now,
                blocked: blocked,
                on: req.db)
        else {
            return try await LoginPages.code(error: t("office.code.too-many"), req: req)
                .encodeResponse(status: .tooManyRequests, for: req)
        }
        var how: String? = nil
        if let secret = account.secondFactorSecret(req.site.cipher).flatMap(Base32.decode),
            let step = TOTP(secret: secret).verify(typed, at: now, lastUsedStep: account.totpLastStep),
            try await AccountStore.useStep(account.id, step: step, on: req.db)
        {
            how = "password and one-time code"
        } else if typed.count >= 12,
            try await AccountSecrets.useRecoveryCode(typed, for: account.id, now: now, on: req.db)
        {
            how =
                """
                password and recovery code \
                (\(try await AccountSecrets.unusedRecoveryCodes(for: account.id, on: req.db)) left)
                """
        }
        guard let how else {
            let failure = AuditEvent(
                actor: account.email, action: "login.failure",
                detail: "wrong or reused one-time code",
                address: address)
            try await LoginThrottle.failed(attempt, failure, now: now, on: req.db)
            return try await LoginPages.code(error: t("office.code.wrong"), req: req)
                .encodeResponse(status: .unauthorized, for: req)
        }
        let token = try await req.db.write { tx in
            // The account's row first, as every write on an account (review r10, finding 3): a set waiting for it
            // then ends the session this step makes.
            // The session next (before the audit chain's lock, as at sign-in: review r11, finding 4).
            _ = try await AccountStore.lock([account.id], on: tx)
            let token = try await SessionStore.advance(signedIn.session, to: .signedIn, now: now, on: tx)
            try await LoginThrottle.release(attempt, on: tx)
            try await LoginThrottle.recordSuccess(email: account.email, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: account.email, action: "login.success", detail: how,
                    address: address), now: now, on: tx)
            return token
        }
        let next = req.query[String.self, at: "next"] ?? ""
        let response = req.redirect(within: next, fallback: OfficeRoute.dashboard.path)
        req.setSessionCookie(token, on: response)
        return response
    }

    @Sendable func logout(req: Request) async throws -> Response {
        if let signedIn = req.signedIn {
            let now = req.site.clock.now()
            try await req.db.write { tx in
                try await SessionStore.end(signedIn.session.id, on: tx)
                try await AuditLog.record(AuditEvent(actor: signedIn.account.email, action: "logout"), now: now, on: tx)
            }
        }
        let response = req.redirect(within: OfficeRoute.login(next: nil).path)
        req.clearSessionCookie(on: response)
        return response
    }
}
