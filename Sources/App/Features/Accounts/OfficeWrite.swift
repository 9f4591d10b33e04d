import Fluent
import ObservatoryCore
import Vapor

struct DeclaredAccessKey: StorageKey { typealias Value = Access }

extension Request {
    /// A write on behalf of the person signed in (review r10, findings 2, 3 and 5): `officeChecks` first, then
    /// `body`, in one transaction. `account` names a second account the write changes, locked with the first.
    func officeWrite<T: Sendable>(
        on account: String? = nil, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        try await WriteGate.$officeChecks.withValue(officeChecks(on: account)) { try await db.write(body) }
    }

    /// What every office write checks first, inside its transaction (for a store function that runs its own
    /// write, and work after its commit). It locks the signed-in person's account row, and `account`'s when the
    /// write is on another one (`AccountStore.lock`); then the session must still live, the account must be
    /// enabled and still hold a role the route allows. A request that passed the middleware before a password
    /// set, a reset, a disable or a demotion changes nothing after it: it waits for that write and is refused, or
    /// the other write waits for it.
    func officeChecks(on account: String? = nil) -> @Sendable (any Database) async throws -> Void {
        let access = storage[DeclaredAccessKey.self] ?? .signedIn
        let viewer = signedIn?.account.id, session = signedIn?.session.id
        let roles = signedIn?.account.roles, organisation = signedIn?.account.organisationID
        return { tx in
            guard let viewer else { throw SessionStore.ended }
            let locked = try await AccountStore.lock([viewer] + [account].compactMap { $0 }, on: tx)
            guard let now = locked.first(where: { $0.id == viewer }), !now.disabled,
                try await SessionStore.isLive(session, on: tx)
            else { throw SessionStore.ended }
            if case .roles(let allowed) = access, now.roles.isDisjoint(with: allowed) {
                throw Abort(.forbidden, reason: t("office.error.roles"))
            }
            // The handler decided from the account as sign-in read it (review r14, finding 1): a role taken away
            // that the route does not name, or another organisation, refuses the write too.
            guard now.roles == roles, now.organisationID == organisation else {
                throw Abort(.forbidden, reason: t("office.error.roles"))
            }
        }
    }
}
