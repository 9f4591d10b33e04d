import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// `observatory user create|list|disable|enable|reset`: manages accounts from the server's command line,
/// which is how the first administrator is made.
struct UserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create, list, disable, enable or reset")
        var action: String

        @Option(name: "email", help: "The person's e-mail address.")
        var email: String?

        @Option(name: "role", help: "Roles, separated by commas: administrator, editor, case-officer, partner.")
        var role: String?

        @Option(name: "organisation", help: "For partners: the id of their organisation in the directory.")
        var organisation: String?

        @Flag(
            name: "password-stdin", help: "Read the password from standard input instead of printing a one-time link.")
        var passwordStdin: Bool

        @Flag(
            name: "second-factor",
            help: "With reset: remove the second factor too (its owner sets a new one after the password).")
        var secondFactor: Bool
    }

    var help: String { "Creates, lists, disables, enables accounts, or makes a password reset link." }

    struct Failure: Error, CustomStringConvertible { let description: String }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrateStorage(app)
        let now = app.site.clock.now()
        switch signature.action {
        case "list":
            for account in try await AccountStore.all(on: app.db) {
                let status =
                    account.disabled ? "disabled" : (account.passwordHash == nil ? "waiting for password" : "active")
                context.console.print(
                    "\(account.email)\t\(Role.stored(account.roles))\t\(status)\tsecond factor \(account.hasSecondFactor ? "on" : "off")"
                )
            }
        case "create":
            guard let email = signature.email else { throw Failure(description: "user create: --email is required") }
            let names = (signature.role ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let unknown = names.filter { Role(rawValue: $0) == nil }
            guard !names.isEmpty, unknown.isEmpty else {
                throw Failure(
                    description:
                        "user create: --role: \(unknown.isEmpty ? "required" : "unknown role \(unknown.joined(separator: ", "))"); use \(Role.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            var hash: String? = nil
            if signature.passwordStdin {
                let password = readLine(strippingNewline: true) ?? ""
                if let problem = PasswordPolicy.problem(with: password, email: email) {
                    throw Failure(description: "user create: password: \(problem)")
                }
                hash = try await app.password.async.hash(password)
            }
            let made: (account: Account, token: String?)
            let roles = Set(names.compactMap(Role.init(rawValue:))), organisation = signature.organisation,
                passwordHash = hash
            do {
                // The account, its link and its entry commit together, or none of them.
                made = try await app.db.write { tx in
                    let account = try await AccountStore.create(
                        email: email, roles: roles,
                        organisationID: organisation,
                        passwordHash: passwordHash, now: now, on: tx)
                    let token =
                        passwordHash == nil
                        ? try await AccountSecrets.newLink(for: account.id, purpose: .setup, now: now, on: tx) : nil
                    try await AuditLog.record(
                        AuditEvent(
                            actor: CommandLineActor.current, action: "user.create", recordType: "user",
                            recordID: account.id,
                            detail: "\(account.email) as \(Role.stored(account.roles))"
                                + " (command line)"),
                        now: now, on: tx)
                    return (account, token)
                }
            } catch let invalid as AccountStore.Invalid {
                throw Failure(description: "user create: \(invalid.description)")
            }
            let account = made.account
            context.console.print(
                "Created \(account.email) (\(account.roles.sorted().map(\.label).joined(separator: ", "))).")
            if let token = made.token { printLink(token, for: account, context: context) }
        case "disable", "enable", "reset":
            guard let email = signature.email, let account = try await AccountStore.find(email: email, on: app.db)
            else {
                throw Failure(
                    description: "user \(signature.action): no account for --email \(signature.email ?? "(missing)")")
            }
            if signature.action == "reset" {
                let removing = signature.secondFactor
                let token = try await app.db.write { tx in
                    try await AccountSecrets.passwordReset(
                        of: account.id, by: CommandLineActor.current, removingSecondFactor: removing, now: now, on: tx)
                }
                context.console.print(
                    "The password of \(account.email) no longer signs in and every session has ended"
                        + (removing ? "; the second factor is removed" : "") + ": only this link opens the account.")
                printLink(token, for: account, context: context)
            } else {
                let disabled = signature.action == "disable"
                try await app.db.write { tx in
                    // The roles as they are in the write (review r11, finding 3): an enable racing a demotion keeps it.
                    let current = try await AccountStore.lock([account.id], on: tx).first ?? account
                    let revoked = try await AccountStore.update(
                        account.id, roles: current.roles,
                        organisationID: current.organisationID,
                        disabled: disabled, on: tx)
                    try await AuditLog.record(
                        AuditEvent(
                            actor: CommandLineActor.current, action: "user.update", recordType: "user",
                            recordID: account.id,
                            detail: (disabled ? "disabled (command line)" : "enabled (command line)")
                                + (revoked == 0 ? "" : "; access tokens revoked: \(revoked)")),
                        now: now, on: tx)
                }
                context.console.print(
                    "\(account.email) is \(disabled ? "disabled and signed out everywhere" : "enabled").")
            }
        default:
            throw Failure(
                description: """
                    user: unknown action “\(signature.action)”; use create, list, disable, enable or reset
                    """)
        }
    }

    /// Prints a one-time link made (and audited) in the same transaction as the change it belongs to.
    func printLink(_ token: String, for account: Account, context: CommandContext) {
        let app = context.application
        let base = app.site.config.publicURL ?? "http://127.0.0.1:\(app.http.server.configuration.port)"
        context.console.print("Give this one-time link (valid 72 hours) to \(account.email) to choose a password:")
        context.console.print(base + OfficeRoute.setup(token: token).path)
    }
}
