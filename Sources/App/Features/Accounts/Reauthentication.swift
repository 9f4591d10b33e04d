import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Changing a security setting (the password, the second factor, the recovery codes) asks for the current password,
/// even in a signed-in session: a session left open or stolen is not enough to lock its owner out. A wrong password
/// is a failed sign-in like any other: it counts towards the account's and the address's locks, and is audited.
enum Reauthentication {
    /// The form field holding the current password.
    static let field = "current"

    enum Outcome: Sendable, Equatable {
        case confirmed
        /// Wrong password: the message to show next to the field (422).
        case wrong(String)
        /// Too many failed attempts: the message to show (429).
        case blocked(String)

        /// What to answer instead of doing the change, or nil when the password was right.
        var refusal: (message: String, status: HTTPStatus)? {
            switch self {
            case .confirmed: nil
            case .wrong(let message): (message, .unprocessableEntity)
            case .blocked(let message): (message, .tooManyRequests)
            }
        }
    }

    /// Checks the current password typed in the form, before `what` ("change the password") is done.
    static func check(_ req: Request, _ account: Account, to what: String) async throws -> Outcome {
        let now = req.site.clock.now(), address = req.clientAddress
        // Counted before the password is checked, in one step with the lock test (as at sign-in).
        let blocked = AuditEvent(
            actor: account.email, action: "login.blocked", recordType: "user",
            recordID: account.id, detail: "too many failed attempts; to \(what)", address: address)
        guard
            let attempt = try await LoginThrottle.reserve(
                email: account.email, address: address, now: now,
                blocked: blocked, on: req.db)
        else {
            return .blocked(t("office.login.too-many"))
        }
        let hash = try await req.site.storedOrDummyHash(account.passwordHash, req)
        if try await req.password.async.verify(req.form.raw(field), created: hash), account.passwordHash != nil {
            try await LoginThrottle.release(attempt, on: req.db)
            return .confirmed
        }
        try await LoginThrottle.failed(
            attempt,
            AuditEvent(
                actor: account.email, action: "login.failure",
                recordType: "user", recordID: account.id,
                detail: "wrong password to \(what)", address: address),
            now: now, on: req.db)
        return .wrong(t("office.password.not-current"))
    }
}
