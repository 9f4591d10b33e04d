import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import Vapor

/// The endpoints of `/api/v1`, as registered and as `openapi.json` describes them (a test holds the three equal).
enum ApiRoutes {
    struct Endpoint: Sendable, Hashable {
        let method: HTTPMethod
        let path: [String]
        var openAPIPath: String {
            "/" + path.map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : $0 }.joined(separator: "/")
        }
        static func == (a: Endpoint, b: Endpoint) -> Bool { a.method == b.method && a.path == b.path }
        func hash(into hasher: inout Hasher) { hasher.combine(method.rawValue); hasher.combine(path) }
    }

    static let prefix = ["api", "v1"]
    /// Whether a request's path is under `/api/` (the API's middleware answers it, not the site's pages).
    static func covers(_ path: String) -> Bool { path == "/api" || path.hasPrefix("/api/") }
    static let openAPI = Endpoint(method: .GET, path: prefix + ["openapi.json"])
    static let publications = Endpoint(method: .GET, path: prefix + ["publications"])
    static let publication = Endpoint(method: .GET, path: prefix + ["publications", ":id"])
    static let countries = Endpoint(method: .GET, path: prefix + ["countries"])
    static let organisations = Endpoint(method: .GET, path: prefix + ["organisations"])
    static let organisation = Endpoint(method: .GET, path: prefix + ["organisations", ":id"])
    static let search = Endpoint(method: .GET, path: prefix + ["search"])
    static let missions = Endpoint(method: .GET, path: prefix + ["missions"])
    static let statistics = Endpoint(method: .GET, path: prefix + ["statistics"])
    static let createPublication = Endpoint(method: .POST, path: prefix + ["publications"])
    static let updatePublication = Endpoint(method: .PATCH, path: prefix + ["publications", ":id"])
    static let draft = Endpoint(method: .GET, path: prefix + ["drafts", ":id"])

    static let all = [
        openAPI, publications, publication, countries, organisations, organisation, search, missions,
        createPublication, updatePublication, draft, statistics
    ]

    /// The methods any endpoint allows at `path` (segments), for 405 and preflight answers.
    static func methods(at path: [String]) -> [HTTPMethod] {
        all.filter { endpoint in
            endpoint.path.count == path.count
                && zip(endpoint.path, path).allSatisfy { pattern, segment in
                    pattern.hasPrefix(":") ? !segment.isEmpty : pattern == segment
                }
        }.map(\.method)
    }
}
