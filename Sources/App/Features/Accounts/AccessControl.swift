import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import Vapor

/// Who may use a route. Every internal route is declared with one of these; nothing is allowed by default.
enum Access: Sendable, Equatable {
    /// Anyone, signed in or not (sign-in, one-time links).
    case anyone
    /// Anyone fully signed in, whatever their roles (their own account).
    case signedIn
    /// A session still waiting for its second factor.
    case secondFactorPending
    /// A session that must set up a second factor before anything else.
    case enrolling
    /// People holding at least one of these roles.
    case roles(Set<Role>)

    func allows(_ signedIn: SignedIn?) -> Bool {
        switch self {
        case .anyone: return true
        case .signedIn: return signedIn?.session.stage == .signedIn
        case .secondFactorPending: return signedIn?.session.stage == .secondFactor
        case .enrolling: return signedIn?.session.stage == .enrol || signedIn?.session.stage == .signedIn
        case .roles(let roles):
            return signedIn?.session.stage == .signedIn && !(signedIn!.account.roles.isDisjoint(with: roles))
        }
    }
}

/// A route as declared, kept so the authorisation test can walk every one of them.
struct DeclaredRoute: Sendable, Hashable {
    let method: HTTPMethod
    let path: [String]
    let access: Access

    var pathDescription: String { "/" + path.joined(separator: "/") }
    static func == (a: DeclaredRoute, b: DeclaredRoute) -> Bool { a.method == b.method && a.path == b.path }
    func hash(into hasher: inout Hasher) { hasher.combine(method.rawValue); hasher.combine(path) }
}

/// Every declared internal route of the application.
final class RouteRegistry: Sendable {
    private let box = NIOLockedValueBox<[DeclaredRoute]>([])
    var routes: [DeclaredRoute] { box.withLockedValue { $0 } }
    func add(_ route: DeclaredRoute) { box.withLockedValue { $0.append(route) } }
}

/// The person behind a request, once `SignInMiddleware` has found their session.
struct SignedIn: Sendable {
    let account: Account
    let session: SignInSession
}

struct SignedInKey: StorageKey { typealias Value = SignedIn }

extension Request {
    var signedIn: SignedIn? { storage[SignedInKey.self] }

    /// The signed-in account (handlers behind `.signedIn` or `.roles` only).
    var account: Account {
        get throws {
            guard let account = signedIn?.account else { throw Abort(.unauthorized, reason: "Please sign in.") }
            return account
        }
    }

    /// Who to name in the audit trail.
    var auditActor: String { signedIn?.account.email ?? "anonymous" }
}

extension RoutesBuilder {
    /// Registers an internal route with the access it allows. POST routes also get their form read and
    /// their CSRF token checked before the handler runs.
    @discardableResult
    func declare(
        _ method: HTTPMethod, _ path: [String], _ access: Access, registry: RouteRegistry, maxBody: ByteCount = "64kb",
        use handler: @escaping @Sendable (Request) async throws -> Response
    ) -> Route {
        registry.add(DeclaredRoute(method: method, path: path, access: access))
        let body: HTTPBodyStreamStrategy = method == .POST ? .collect(maxSize: maxBody) : .collect
        let route = on(method, path.map(PathComponent.init), body: body) { req async throws -> Response in
            try await AccessGate.check(access, req)
            req.storage[DeclaredAccessKey.self] = access  // checked again inside an office write
            if method == .POST { try CSRF.verify(req) }
            switch access {
            case .signedIn, .roles:
                // Every write this request opens checks first that the session, the account and its role still
                // hold, inside the write (`WriteGate.officeChecks`).
                return try await WriteGate.$officeChecks.withValue(req.officeChecks()) { try await handler(req) }
            case .anyone, .secondFactorPending, .enrolling:
                return try await handler(req)
            }
        }
        if method == .POST { route.maxBody = maxBody.value }
        return route
    }
}

/// Turns a refused request into the right answer: sign in first, finish sign-in, or "not allowed".
enum AccessGate {
    static func check(_ access: Access, _ req: Request) async throws {
        guard !access.allows(req.signedIn) else { return }
        guard let signedIn = req.signedIn else {
            if req.method == .GET { throw Redirect(to: OfficeRoute.login(next: req.url.string).path) }
            throw Abort(.forbidden, reason: t("office.error.sign-in-first"))
        }
        switch signedIn.session.stage {
        case .secondFactor: throw Redirect(to: OfficeRoute.loginCode.path)
        case .enrol: throw Redirect(to: OfficeRoute.twoFactor.path)
        case .signedIn: throw Abort(.forbidden, reason: t("office.error.roles"))
        }
    }
}

/// Thrown to answer with a redirect (303 See Other) from deep in a handler.
struct Redirect: Error { let to: String }
