import Foundation
import ObservatoryCore
import Vapor

/// An API error as `application/problem+json` (RFC 9457): `type`, `title`, `status`, `detail`, and, when one
/// parameter or field is at fault, `parameter` or `errors` (field → problem).
struct ApiProblem: AbortError, Sendable {
    var status: HTTPResponseStatus
    var detail: String
    var parameter: String? = nil
    var errors: [String: String]? = nil
    var headers: HTTPHeaders = [:]

    var reason: String { detail }

    static func badParameter(_ name: String, _ detail: String) -> ApiProblem {
        ApiProblem(status: .badRequest, detail: detail, parameter: String(name.prefix(60)))
    }

    struct Body: Encodable {
        let type: String, title: String, status: Int, detail: String
        let parameter: String?, errors: [String: String]?
    }

    /// The problem document for any error: its status and reason when it says one (4xx), nothing of the server's
    /// internals otherwise.
    static func response(for error: any Error, on req: Request) -> Response {
        let problem: ApiProblem
        if let own = error as? ApiProblem {
            problem = own
        } else if let abort = error as? any AbortError, !SafeError.isStoredValueError(error) {
            problem = ApiProblem(
                status: abort.status,
                detail: abort.status.code < 500
                    ? abort.reason
                    : "The server could not answer; nothing was changed by this request.", headers: abort.headers)
        } else {
            problem = ApiProblem(
                status: .internalServerError,
                detail: "The server could not answer; nothing was changed by this request.")
        }
        if problem.status.code >= 500 {
            let route =
                req.route.map { "\($0.method) /" + $0.path.map(\.description).joined(separator: "/") }
                ?? "\(req.method) (no route)"
            req.logger.error("\(route) failed: \(type(of: error)): \(SafeError.told(error))")
        }
        return problem.response()
    }

    func response() -> Response {
        let title = status.code == 404 ? "Not Found" : status.reasonPhrase
        let body = Body(
            type: "about:blank", title: title, status: Int(status.code), detail: detail,
            parameter: parameter, errors: errors?.isEmpty == true ? nil : errors)
        let data = (try? ApiModel.encoder.encode(body)) ?? Data("{}".utf8)
        var headers = self.headers
        headers.remove(name: .contentType)
        headers.replaceOrAdd(name: .contentType, value: "application/problem+json")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: status, headers: headers, body: .init(data: data))
    }
}
