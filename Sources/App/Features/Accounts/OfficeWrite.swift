import Fluent
import ObservatoryCore
import Vapor

struct DeclaredAccessKey: StorageKey { typealias Value = Access }

extension Request {
    /// A write on behalf of the person signed in (review r10, findings 2, 3 and 5). Its first statement locks that
    /// person's account row, and `account`'s when the write is on another one (`AccountStore.lock`); then, inside
    /// the write, the session must still live, the account must be enabled and still hold a role the route allows.
    /// A request that passed the middleware before a password set, a reset, a disable or a demotion changes
    /// nothing after it: it waits for that write and is refused, or the other write waits for it.
    func officeWrite<T: Sendable>(
        on account: String? = nil, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        guard let signedIn else { throw SessionStore.ended }
        let access = storage[DeclaredAccessKey.self] ?? .signedIn
        let viewer = signedIn.account.id, session = signedIn.session.id
        return try await db.write { tx in
            let locked = try await AccountStore.lock([viewer] + [account].compactMap { $0 }, on: tx)
            guard let now = locked.first(where: { $0.id == viewer }), !now.disabled,
                try await SessionStore.isLive(session, on: tx)
            else { throw SessionStore.ended }
            if case .roles(let allowed) = access, now.roles.isDisjoint(with: allowed) {
                throw Abort(.forbidden, reason: t("office.error.roles"))
            }
            return try await body(tx)
        }
    }
}
