import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// Administrators manage people: create accounts, change roles, disable, hand out one-time links.
struct UserAdminController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.administrator])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.users.pattern, Self.access, registry: registry, use: index)
        routes.declare(.GET, OfficeRoute.newUser.pattern, Self.access, registry: registry, use: newForm)
        routes.declare(.POST, OfficeRoute.newUser.pattern, Self.access, registry: registry, use: create)
        routes.declare(.GET, OfficeRoute.user(id: "").pattern, Self.access, registry: registry, use: show)
        routes.declare(.POST, OfficeRoute.user(id: "").pattern, Self.access, registry: registry, use: update)
        routes.declare(
            .POST, OfficeRoute.userReset(id: "").pattern, Self.access, registry: registry, use: resetPassword)
        routes.declare(
            .POST, OfficeRoute.userResetTwoFactor(id: "").pattern, Self.access, registry: registry, use: resetTwoFactor)
    }

    @Sendable func index(req: Request) async throws -> Response {
        try await UserPages.index(
            accounts: try await AccountStore.all(on: req.db), viewer: try req.account, csrf: CSRF.token(for: req)
        )
        .encodeResponse(for: req)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        try await UserPages.new(
            viewer: try req.account, form: FormData(fields: []), errors: [:], csrf: CSRF.token(for: req)
        ).encodeResponse(for: req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let viewer = try req.account, form = req.form, now = req.site.clock.now()
        let roles = Set(form.values("roles").compactMap(Role.init(rawValue:)))
        var errors: [String: String] = [:]
        if !AccountStore.isPlausible(email: AccountStore.normalise(email: form["email"])) {
            errors["email"] = "Enter an e-mail address like name@example.org."
        }
        if roles.isEmpty { errors["roles"] = "Choose at least one role." }
        if roles.contains(.partner) && form["organisation"].isEmpty {
            errors["organisation"] = "A partner belongs to an organisation: enter its id from the directory."
        }
        var made: (account: Account, token: String)? = nil
        if errors.isEmpty {
            let email = form["email"], organisation = form["organisation"].isEmpty ? nil : form["organisation"]
            do {
                // The account, its link and the entry commit together (a failure leaves no account without its entry).
                made = try await req.officeWrite { tx in
                    let account = try await AccountStore.create(
                        email: email, roles: roles,
                        organisationID: organisation,
                        now: now, on: tx)
                    let token = try await AccountSecrets.newLink(for: account.id, purpose: .setup, now: now, on: tx)
                    let detail = "\(account.email) as \(Role.stored(account.roles))"
                    try await AuditLog.record(
                        AuditEvent(
                            actor: viewer.email, action: "user.create", recordType: "user",
                            recordID: account.id, detail: detail), now: now, on: tx)
                    return (account, token)
                }
            } catch let invalid as AccountStore.Invalid {
                errors[invalid.description.contains("organisation") ? "organisation" : "email"] =
                    invalid.description.prefix(1).uppercased() + invalid.description.dropFirst() + "."
            }
        }
        guard let (account, token) = made else {
            return try await UserPages.new(viewer: viewer, form: form, errors: errors, csrf: CSRF.token(for: req))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        return try await UserPages.link(
            viewer: viewer, account: account, url: req.publicBaseURL + OfficeRoute.setup(token: token).path,
            purpose: t("users.link.purpose"), csrf: CSRF.token(for: req)
        )
        .encodeResponse(status: .created, for: req)
    }

    func target(_ req: Request) async throws -> Account {
        let id = req.parameters.get("id") ?? ""
        guard let account = try await AccountStore.find(id: id, on: req.db) else {
            throw Abort(.notFound, reason: "There is no such account.")
        }
        return account
    }

    @Sendable func show(req: Request) async throws -> Response {
        let viewer = try req.account, account = try await target(req)
        try await AuditLog.record(
            AuditEvent(actor: viewer.email, action: "user.view", recordType: "user", recordID: account.id),
            now: req.site.clock.now(), on: req.db)
        return try await UserPages.show(viewer: viewer, account: account, error: nil, csrf: CSRF.token(for: req))
            .encodeResponse(for: req)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let viewer = try req.account, account = try await target(req), form = req.form, now = req.site.clock.now()
        let roles = Set(form.values("roles").compactMap(Role.init(rawValue:)))
        let disabled = form["disabled"] == "1"
        let organisation = form["organisation"].isEmpty ? nil : form["organisation"]
        var error: String? = nil
        if roles.isEmpty {
            error = "Choose at least one role."
        } else if roles.contains(.partner) && organisation == nil {
            error = "A partner belongs to an organisation: enter its id from the directory."
        } else if let organisation, try await !AccountStore.organisationExists(organisation, on: req.db) {
            error = "There is no organisation “\(organisation)” in the directory."
        } else if account.roles.contains(.administrator) && (!roles.contains(.administrator) || disabled) {
            let others = try await AccountStore.all(on: req.db).filter {
                $0.id != account.id && $0.roles.contains(.administrator) && !$0.disabled
            }
            if others.isEmpty { error = "This is the last administrator: make someone else administrator first." }
        }
        if let error {
            return try await UserPages.show(viewer: viewer, account: account, error: error, csrf: CSRF.token(for: req))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        // Nothing changed: nothing is written, nor audited (review r11, finding 5: a "Save" that changes nothing
        // would otherwise count as a change of the account, and void its proposals).
        guard roles != account.roles || organisation != account.organisationID || disabled != account.disabled else {
            return req.redirect(within: OfficeRoute.user(id: account.id).path)
        }
        let removesAnAdministrator = !roles.contains(.administrator) || disabled
        try await req.officeWrite(on: account.id) { tx in
            // Checked again in the write (two administrators each removing their own role at once would otherwise
            // leave none): one such change at a time, across instances, against the accounts as they are now.
            if removesAnAdministrator {
                if tx.sql.dialect.name == "postgresql" {
                    try await tx.sql.raw("SELECT pg_advisory_xact_lock(74052050)").run()
                }
                let others = try await AccountStore.all(on: tx).filter {
                    $0.id != account.id && $0.roles.contains(.administrator) && !$0.disabled
                }
                let target = try await AccountStore.find(id: account.id, on: tx)
                if target?.roles.contains(.administrator) == true && target?.disabled == false && others.isEmpty {
                    throw Abort(
                        .conflict, reason: "This is the last administrator: make someone else administrator first.")
                }
            }
            let revoked = try await AccountStore.update(
                account.id, roles: roles, organisationID: organisation, disabled: disabled,
                on: tx)
            let detail =
                "roles \(Role.stored(roles)); \(disabled ? "disabled" : "enabled")"
                + (revoked == 0 ? "" : "; access tokens revoked: \(revoked)")
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "user.update", recordType: "user",
                    recordID: account.id, detail: detail), now: now, on: tx)
        }
        return req.redirect(within: OfficeRoute.user(id: account.id).path)
    }

    @Sendable func resetPassword(req: Request) async throws -> Response {
        let viewer = try req.account, account = try await target(req), now = req.site.clock.now()
        let token = try await req.officeWrite(on: account.id) { tx in
            try await AccountSecrets.passwordReset(of: account.id, by: viewer.email, now: now, on: tx)
        }
        return try await UserPages.link(
            viewer: viewer, account: account, url: req.publicBaseURL + OfficeRoute.setup(token: token).path,
            purpose: t("users.link.purpose-new"), csrf: CSRF.token(for: req)
        )
        .encodeResponse(for: req)
    }

    @Sendable func resetTwoFactor(req: Request) async throws -> Response {
        let viewer = try req.account, account = try await target(req), now = req.site.clock.now()
        try await req.officeWrite(on: account.id) { tx in
            try await AccountStore.removeSecondFactor(account.id, on: tx)
            try await SessionStore.endAll(userID: account.id, on: tx)
            try await AccessTokenStore.revokeAll(userID: account.id, because: .secondFactor, now: now.seconds, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "user.two-factor-reset",
                    recordType: "user",
                    recordID: account.id), now: now, on: tx)
        }
        return req.redirect(within: OfficeRoute.user(id: account.id).path)
    }
}
