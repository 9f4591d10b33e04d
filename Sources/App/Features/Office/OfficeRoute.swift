import Fluent
import Foundation
import ObservatoryCore

/// Every internal address (sign-in, accounts, back office). Handlers are registered from `pattern` and every
/// link is made by `path`.
enum OfficeRoute: Hashable {
    case login(next: String?)
    case loginCode
    case logout
    case dashboard
    case account
    case password
    case twoFactor
    case recoveryCodes
    case endSessions
    case setup(token: String)
    case users
    case newUser
    case user(id: String)
    case userReset(id: String)
    case userResetTwoFactor(id: String)
    case audit(query: String)
    case publications(query: String)
    case newPublication
    case publication(id: String)

    var pattern: [String] {
        switch self {
        case .login: ["login"]
        case .loginCode: ["login", "code"]
        case .logout: ["logout"]
        case .dashboard: ["office"]
        case .account: ["account"]
        case .password: ["account", "password"]
        case .twoFactor: ["account", "two-factor"]
        case .recoveryCodes: ["account", "two-factor", "recovery-codes"]
        case .endSessions: ["account", "sessions", "end"]
        case .setup: ["account", "setup", ":token"]
        case .users: ["office", "users"]
        case .newUser: ["office", "users", "new"]
        case .user: ["office", "users", ":id"]
        case .userReset: ["office", "users", ":id", "reset-password"]
        case .userResetTwoFactor: ["office", "users", ":id", "reset-two-factor"]
        case .audit: ["office", "audit"]
        case .publications: ["office", "publications"]
        case .newPublication: ["office", "publications", "new"]
        case .publication: ["office", "publications", ":id"]
        }
    }

    var path: String {
        var segments = pattern
        switch self {
        case .setup(let value), .user(let value), .userReset(let value), .userResetTwoFactor(let value), .publication(let value):
            segments = segments.map { $0.hasPrefix(":") ? SiteRoute.escapeSegment(value) : $0 }
        default: break
        }
        let base = "/" + segments.joined(separator: "/")
        switch self {
        case .login(let next?) where next.hasPrefix("/") && !next.hasPrefix("//"):
            return base + SiteRoute.query([("next", next)])
        case .audit(let query), .publications(let query):
            return query.isEmpty ? base : base + "?" + query
        default:
            return base
        }
    }
}
