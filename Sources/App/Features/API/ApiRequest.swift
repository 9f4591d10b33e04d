import Foundation
import ObservatoryCore
import Vapor

/// The query of an API request, read strictly: every parameter must be one the endpoint knows, given once, with
/// a value free of control characters. Anything else is a 400 naming the parameter.
struct ApiQuery: Sendable {
    let values: [String: String]

    init(_ req: Request, allowed: Set<String>) throws {
        var values: [String: String] = [:]
        let raw = req.url.query ?? ""
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String? {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else {
                throw ApiProblem.badParameter(String(parts[0].prefix(60)), "The query is not valid percent-encoding.")
            }
            guard allowed.contains(name) else {
                let known =
                    allowed.isEmpty
                    ? "this endpoint takes no parameters"
                    : "known parameters: " + allowed.sorted().joined(separator: ", ")
                throw ApiProblem.badParameter(name, "Unknown parameter “\(name.prefix(60))” (\(known)).")
            }
            guard values[name] == nil else {
                throw ApiProblem.badParameter(name, "The parameter “\(name)” is given more than once.")
            }
            guard value.utf8.count <= 1_000,
                !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
            else {
                throw ApiProblem.badParameter(
                    name,
                    """
                    The value of “\(name)” is too long or holds control characters.
                    """)
            }
            values[name] = value
        }
        self.values = values
    }

    subscript(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// The list filters, with the site's own validation (the same messages as the pages' 400).
    func publicationFilter() throws -> PublicationFilter {
        var query: [String: String] = [:]
        for key in ["type", "programme", "country", "language", "year"] { query[key] = values[key] }
        do { return try PublicationFilter(query: query) } catch let invalid as PublicationFilter.Invalid {
            throw ApiProblem.badParameter(invalid.parameter, invalid.message)
        }
    }

    func integer(_ name: String, in range: ClosedRange<Int>, default value: Int) throws -> Int {
        guard let raw = self[name] else { return value }
        guard let number = Int(raw), range.contains(number) else {
            throw ApiProblem.badParameter(
                name,
                "“\(name)” must be a whole number from \(range.lowerBound) to "
                    + "\(range.upperBound), not “\(raw.prefix(40))”.")
        }
        return number
    }
}

/// Who is calling: nobody (public reads), or an account through one of its personal access tokens.
struct ApiCaller: Sendable {
    let token: StoredToken
    let account: Account
}

struct ApiCallerKey: StorageKey { typealias Value = ApiCaller }

extension Request {
    var apiCaller: ApiCaller? { storage[ApiCallerKey.self] }

    /// The caller, who must hold a token with `scope` and a role of `roles`.
    func apiCaller(scope: AccessToken.Scope, roles: Set<Role>) throws -> ApiCaller {
        guard let caller = apiCaller else {
            throw ApiProblem(
                status: .unauthorized,
                detail: "Send a personal access token: "
                    + "“Authorization: Bearer obs_pat_…” (make one at /account/tokens).",
                headers: ["WWW-Authenticate": "Bearer realm=\"observatory\""])
        }
        guard caller.token.scopes.contains(scope) else {
            throw ApiProblem(
                status: .forbidden, detail: "This token lacks the scope “\(scope.rawValue)”.",
                headers: [
                    "WWW-Authenticate":
                        "Bearer realm=\"observatory\", error=\"insufficient_scope\", "
                        + "scope=\"\(scope.rawValue)\""
                ])
        }
        guard !caller.account.roles.isDisjoint(with: roles) else {
            throw ApiProblem(status: .forbidden, detail: "The token’s account has no role that allows this.")
        }
        return caller
    }
}
