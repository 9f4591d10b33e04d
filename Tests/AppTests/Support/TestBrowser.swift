import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// A clock tests move forward (session expiry, schedules, one-time codes).
final class MutableClock: SiteClock, Sendable {
    private let box: NIOLockedValueBox<Date>
    init(_ date: Date = testClock.date) { box = NIOLockedValueBox(date) }
    func now() -> Date { box.withLockedValue { $0 } }
    func advance(seconds: TimeInterval) { box.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
}

/// One person's visit through the real app: keeps cookies between requests like a browser, and reads
/// each page's CSRF token so forms can be sent back.
final class TestBrowser: @unchecked Sendable {
    struct Page {
        let status: HTTPStatus; let headers: HTTPHeaders; let body: String
        var location: String? { headers.first(name: .location) }
        var csrf: String? {
            guard let range = body.range(of: "name=\"csrf\" value=\"") else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    let app: Application
    var cookies: [String: String] = [:]
    var lastCSRF: String = ""

    init(_ app: Application) { self.app = app }

    @discardableResult
    func get(_ path: String) async throws -> Page {
        try await send(.GET, path, body: nil, headers: [:])
    }

    /// POSTs a form; the CSRF token of the last page seen is added unless `csrf` is given.
    @discardableResult
    func post(
        _ path: String, _ fields: [(String, String)], csrf: String? = nil, headers: HTTPHeaders = [:]
    ) async throws -> Page {
        let all = [("csrf", csrf ?? lastCSRF)] + fields
        let body = all.map { "\(SiteRoute.escapeSegment($0.0))=\(SiteRoute.escapeSegment($0.1))" }.joined(
            separator: "&")
        var headers = headers
        headers.contentType = .urlEncodedForm
        return try await send(.POST, path, body: body, headers: headers)
    }

    /// POSTs a `multipart/form-data` form with files, as a browser sends a form with `enctype="multipart/form-data"`.
    @discardableResult
    func postMultipart(
        _ path: String, _ fields: [(String, String)], files: [(field: String, filename: String, data: [UInt8])]
    ) async throws -> Page {
        let boundary = "----observatory\(UUID().uuidString)"
        var body = ByteBuffer()
        for (name, value) in [("csrf", lastCSRF)] + fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for file in files {
            body.writeString(
                """
                --\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; \
                filename=\"\(file.filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n
                """
            )
            body.writeBytes(file.data)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await send(.POST, path, buffer: body, headers: headers)
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String?, headers: HTTPHeaders) async throws -> Page {
        try await send(method, path, buffer: body.map { ByteBuffer(string: $0) }, headers: headers)
    }

    func send(_ method: HTTPMethod, _ path: String, buffer: ByteBuffer?, headers: HTTPHeaders) async throws -> Page {
        var headers = headers
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        var page: Page? = nil
        try await app.testing().test(method, path, headers: headers, body: buffer) { res async in
            page = Page(status: res.status, headers: res.headers, body: res.body.string)
        }
        let result = page!
        for header in result.headers[.setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        if let token = result.csrf { lastCSRF = token }
        return result
    }

    /// Signs in from a sign-in page reached with `?next=` (as after following a link while signed out).
    func signInWithNext(_ email: String, next: String) async throws -> Page {
        try await get("/login?next=" + SiteRoute.escapeSegment(next))
        return try await post("/login", [("email", email), ("password", TestAccounts.password), ("next", next)])
    }

    /// Signs in with the password only and opens the one-time-code page (whose form token later posts need).
    func enterPassword(_ email: String) async throws {
        try await get("/login")
        try await post("/login", [("email", email), ("password", TestAccounts.password)])
        try await get("/login/code")
    }

    /// Signs in with a password and, when given, a second-factor secret; returns the last page.
    @discardableResult
    func signIn(
        _ email: String, password: String = TestAccounts.password, secret: String? = nil,
        clock: any SiteClock = testClock
    ) async throws -> Page {
        try await get("/login")
        var page = try await post("/login", [("email", email), ("password", password)])
        if let secret, page.location?.hasPrefix("/login/code") == true {
            let code = TOTP(secret: Base32.decode(secret)!).code(at: clock.now())
            let location = page.location!
            try await get(location)  // the session's own CSRF token replaces the pre-sign-in one
            page = try await post(location, [("code", code)])
        }
        // As a browser does, the page signed in to is opened: its forms carry the session's own token (the session
        // and its token are new once the sign-in is complete).
        if page.status == .seeOther, let landing = page.location, landing.hasPrefix("/") {
            _ = try await get(landing)
        }
        return page
    }
}

/// Accounts for tests, made straight in the store.
enum TestAccounts {
    static let password = "plover-violin-harbour-7"

    /// Creates an account with the test password; with `secondFactor`, also a confirmed TOTP secret (returned).
    @discardableResult
    static func create(
        _ email: String, _ roles: Set<Role>, secondFactor: Bool = false, organisation: String? = nil,
        in app: Application
    ) async throws -> (account: Account, secret: String?) {
        let hash = try await app.password.async.hash(password)
        let account = try await AccountStore.create(
            email: email, roles: roles, organisationID: organisation, passwordHash: hash,
            now: testClock.now(), on: app.db)
        guard secondFactor else { return (account, nil) }
        let secret = Base32.encode(TOTP.newSecret())
        try await AccountStore.confirmSecondFactor(
            account.id, secret: secret, step: 0, cipher: app.site.cipher, on: app.db)
        return (account, secret)
    }
}
