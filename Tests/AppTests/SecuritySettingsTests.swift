import Fluent
import Foundation
import ObservatoryCore
import PropertyBased
import SQLKit
import Testing
import Vapor

@testable import App

/// Security settings ask for the current password; a role that needs a second factor ends a session without one;
/// pre-sign-in forms refuse a planted cookie; HSTS over HTTPS only.
@Suite struct SecuritySettingsTests {
    static func audit(_ action: String, _ app: Application) async throws -> [String] {
        struct Row: Decodable { let detail: String }
        return try await app.db.sql.raw("SELECT detail FROM audit_log WHERE action = \(bind: action) ORDER BY sequence")
            .all(decoding: Row.self).map(\.detail)
    }

    static func secret(_ page: TestBrowser.Page) -> String? {
        page.body.range(of: "id=\"totp-secret\">").map { String(page.body[$0.upperBound...].prefix { $0 != "<" }) }?
            .replacingOccurrences(of: " ", with: "")
    }

    static let newPassword = [("new", "a-new-long-passphrase-9"), ("confirm", "a-new-long-passphrase-9")]

    @Test(arguments: Engine.all)
    func changingThePasswordTheSecondFactorOrTheRecoveryCodesAsksForThePassword(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            let editor = "editor@example.org"
            let (_, secret) = try await TestAccounts.create(editor, [.editor], secondFactor: true, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(editor, secret: secret, clock: clock)
            let account = try await browser.get("/account")
            #expect(account.body.contains("name=\"current\""), "the recovery-codes form asks for it")
            // Recovery codes: refused without the right password, made with it.
            let recovery = "/account/two-factor/recovery-codes"
            let wrongCodes = try await browser.post(recovery, [("current", "not my password")])
            #expect(wrongCodes.status == .unprocessableEntity && !wrongCodes.body.contains("id=\"recovery-codes\""))
            #expect(wrongCodes.body.contains("This is not your current password."))
            #expect(try await browser.post(recovery, []).status == .unprocessableEntity)
            let codes = try await browser.post(recovery, [("current", TestAccounts.password)])
            #expect(codes.status == .ok && codes.body.components(separatedBy: "<li><code>").count == 11)
            // The second factor: moved to another device only with the password.
            let restart = try await browser.get("/account/two-factor?restart=1")
            #expect(restart.body.contains("name=\"current\""))
            let newSecret = try #require(Self.secret(restart))
            let code = TOTP(secret: Base32.decode(newSecret)!).code(at: clock.now())
            #expect(try await browser.post("/account/two-factor", [("code", code)]).status == .unprocessableEntity)
            let wrongFactor = try await browser.post("/account/two-factor", [("code", code), ("current", "wrong")])
            #expect(wrongFactor.status == .unprocessableEntity)
            let stored = try await AccountStore.find(email: editor, on: app.db)
            #expect(stored?.secondFactorSecret(app.site.cipher) == secret, "the old second factor stays")
            let moved = try await browser.post(
                "/account/two-factor",
                [("code", code), ("current", TestAccounts.password)])
            #expect(moved.status == .ok)
            let account2 = try await AccountStore.find(email: editor, on: app.db)
            #expect(account2?.secondFactorSecret(app.site.cipher) == newSecret)
            // The password itself.
            let wrongPassword = try await browser.post("/account/password", [("current", "wrong")] + Self.newPassword)
            #expect(wrongPassword.status == .unprocessableEntity)
            // Five wrong passwords (two, two and one) lock the account like five failed sign-ins.
            #expect(try await Self.audit("login.failure", app).count == 5)
            let right = [("current", TestAccounts.password)] + Self.newPassword
            let locked = try await browser.post("/account/password", right)
            #expect(locked.status == .tooManyRequests, "locked: even the right password waits")
            let elsewhere = TestBrowser(app)
            try await elsewhere.get("/login")
            let signIn = try await elsewhere.post("/login", [("email", editor), ("password", TestAccounts.password)])
            #expect(signIn.status == .tooManyRequests, "the sign-in page counts the same failures")
            #expect(try await Self.audit("login.blocked", app).count == 2)
            clock.advance(seconds: 16 * 60)
            try await browser.signIn(editor, secret: newSecret, clock: clock)
            try await browser.get("/account/password")  // the new session's form token
            let changed = try await browser.post("/account/password", right)
            #expect(changed.status == .seeOther)
            var confirmed: [String] = []
            for action in ["account.password-change", "account.recovery-codes", "account.two-factor-enrol"] {
                confirmed += try await Self.audit(action, app)
            }
            #expect(
                confirmed == ["current password confirmed; access tokens revoked: 0"]
                    + Array(repeating: "current password confirmed", count: 2))
            #expect(try await Self.audit("login.failure", app).allSatisfy { $0.hasPrefix("wrong password to ") })
        }
    }

    @Test(arguments: Engine.all)
    func aRoleThatNeedsASecondFactorEndsAnOpenSessionWithoutOne(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let admin = try await AssistanceTests.signedIn("admin@example.org", [.administrator], in: app)
            let (editor, _) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            try await TestAccounts.create("other@example.org", [.editor], in: app)
            let open = TestBrowser(app), other = TestBrowser(app)
            try await open.signIn("editor@example.org")
            try await other.signIn("other@example.org")
            #expect(try await open.get("/office/publications").status == .ok)
            try await admin.get("/office/users/\(editor.id)")
            let update = try await admin.post(
                "/office/users/\(editor.id)",
                [("roles", "editor"), ("roles", "case-officer"), ("organisation", "")])
            #expect(update.status == .seeOther)
            // Its next requests, two dozen at once: every one refused, none served as before.
            let racing = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<24 {
                    let tab = open.copy()
                    group.addTask { try await tab.get("/office/publications").status }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(racing.allSatisfy { $0 == .seeOther }, "\(racing)")
            let next = try await open.get("/office/publications")
            #expect(next.status == .seeOther && next.location?.hasPrefix("/login?next=") == true, "the session ended")
            #expect(try await open.post("/account/sessions/end", []).status == .forbidden)
            #expect(try await Self.audit("logout.second-factor-required", app).count >= 1)
            #expect(try await other.get("/office/publications").status == .ok, "a session with unchanged roles goes on")
            #expect(try await admin.get("/office/users").status == .ok)
            let again = try await open.signIn("editor@example.org")
            #expect(again.location == "/account/two-factor", "signing in again leads to the second factor")
            #expect(try await open.get("/office/cases").location == "/account/two-factor")
        }
    }

    /// Login CSRF: the attacker sets the pre-sign-in cookie (a sibling subdomain, a plain-HTTP hop) and posts the same
    /// value, or a valid pair taken from their own visit. Every pre-sign-in form refuses both.
    @Test(arguments: Engine.all)
    func aPlantedCSRFCookieIsRefusedOnEveryFormBeforeSignIn(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            try await store([publication("appeal", .urgentIntervention, kind: .urgentAppeal)], in: app)
            let staff = try await AssistanceTests.signedIn("officer@example.org", [.caseOfficer], in: app)
            try await staff.get("/office/calls")
            // Saved by one officer, put on the public site by another (four eyes).
            let call = [("id", "needs"), ("title", "Needs"), ("deadline", "2026-12-31"), ("text", "Tell us.")]
            try await staff.post("/office/calls", call)
            let other = try await AssistanceTests.signedIn("officer2@example.org", [.caseOfficer], in: app)
            try await other.get("/office/calls")
            #expect(try await other.post("/office/calls", call + [("open", "yes")]).status == .seeOther)
            let forms: [(path: String, fields: [(String, String)])] = [
                ("/login", [("email", "editor@example.org"), ("password", TestAccounts.password)]),
                ("/report", [("description", "Threats against a lawyer")]),
                ("/subscribe", [("email", "ana@example.org"), ("languages", "en"), ("scope", "all")]),
                ("/report/receipt", [("code", "ABCD-EFGH-IJKL-MNOP")]),
                ("/calls/needs", [("answer", "An answer"), ("who", "Ana"), ("contact", "")]),
                ("/publications/appeal/take-action", [])
            ]
            let planted = String(repeating: "k", count: 43)
            for form in forms {
                let attacker = TestBrowser(app)
                attacker.cookies["observatory_csrf"] = planted
                let forged = try await attacker.post(form.path, form.fields, csrf: planted)
                #expect(forged.status == .forbidden, "planted at \(form.path)")
                // The attacker's own honest pair, the field sent with another cookie: refused too.
                let own = TestBrowser(app)
                let page = try await own.get(form.path)
                let token = try #require(page.csrf, "\(form.path) has a form")
                #expect(token != own.cookies["observatory_csrf"], "the field is not the cookie's value")
                let victim = TestBrowser(app)
                victim.cookies["observatory_csrf"] = String(repeating: "v", count: 43)
                let mismatched = try await victim.post(form.path, form.fields, csrf: token)
                #expect(mismatched.status == .forbidden, "another cookie at \(form.path)")
                let honest = try await own.post(form.path, form.fields)
                #expect(honest.status != .forbidden, "the honest form still works at \(form.path)")
            }
        }
    }

    /// Generated cookie values, each planted and echoed in the field: never accepted.
    @Test func noPlantedCookieValueIsAccepted() async throws {
        try await withApp(.sqlite) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            await propertyCheck(count: 100, input: Gen.letterOrNumber.string(of: 32...99)) { planted in
                let attacker = TestBrowser(app)
                attacker.cookies["observatory_csrf"] = planted
                let page = try await attacker.post(
                    "/login",
                    [
                        ("email", "editor@example.org"),
                        ("password", TestAccounts.password)
                    ], csrf: planted)
                #expect(page.status == .forbidden && attacker.cookies["observatory_session"] == nil, "\(planted)")
            }
        }
    }

    /// Wrong current passwords sent at once: none answers 5xx, none changes anything, each is in the audit trail.
    @Test(arguments: Engine.all)
    func simultaneousWrongPasswordsAreEachCountedAndAudited(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let email = "editor@example.org"
            let (_, secret) = try await TestAccounts.create(email, [.editor], secondFactor: true, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(email, secret: secret)
            try await browser.get("/account")
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<24 {
                    let tab = browser.copy()
                    group.addTask {
                        try await tab.post("/account/two-factor/recovery-codes", [("current", "wrong \(i)")]).status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .unprocessableEntity || $0 == .tooManyRequests }, "\(statuses)")
            let failures = try await Self.audit("login.failure", app).count
            let blocked = try await Self.audit("login.blocked", app).count
            #expect(failures + blocked == 24, "every attempt is in the audit trail")
            #expect(failures >= 5, "at least the lock's worth of failures was counted")
            let account = try #require(try await AccountStore.find(email: email, on: app.db))
            #expect(try await AccountSecrets.unusedRecoveryCodes(for: account.id, on: app.db) == 0, "none were made")
        }
    }

    @Test func overHTTPSThePreSignInCookieIsHostOnly() async throws {
        try await withApp(.sqlite, publicURL: "https://obs.example") { app in
            let browser = TestBrowser(app)
            let page = try await browser.get("/login")
            let cookie = try #require(page.headers[.setCookie].first { $0.hasPrefix("__Host-observatory_csrf=") })
            #expect(cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"))
            // A cookie without the prefix (which any subdomain could set) is not read.
            let planter = TestBrowser(app)
            try await planter.get("/login")
            let value = try #require(planter.cookies["__Host-observatory_csrf"])
            let victim = TestBrowser(app)
            victim.cookies["observatory_csrf"] = value
            let fields = [("email", "a@example.org"), ("password", "x")]
            #expect(try await victim.post("/login", fields, csrf: planter.lastCSRF).status == .forbidden)
            #expect(try await planter.post("/login", fields).status == .unauthorized, "with its own cookie it is read")
        }
    }

    @Test func strictTransportSecurityOnlyOverHTTPS() async throws {
        let hsts = "max-age=63072000; includeSubDomains"
        let cases: [(publicURL: String?, proxy: Bool, forwarded: String?, expected: Bool)] = [
            ("https://obs.example", false, nil, true), ("http://obs.example", false, nil, false),
            (nil, false, "https", false),
            (nil, true, "https", true), (nil, true, "http", false), (nil, true, nil, false),
            ("https://obs.example", true, "http", false), ("https://obs.example", true, nil, true)
        ]
        for c in cases {
            try await withApp(.sqlite, publicURL: c.publicURL, trustProxy: c.proxy) { app in
                var headers = HTTPHeaders()
                if let forwarded = c.forwarded { headers.add(name: "X-Forwarded-Proto", value: forwarded) }
                for path in ["/", "/login", "/no-such-page", "/publications/feed.rss", "/language/fr?to=/"] {
                    let page = try await app.get(path, headers: headers)
                    #expect(
                        page.headers.first(name: "Strict-Transport-Security") == (c.expected ? hsts : nil),
                        "\(c.publicURL ?? "no address"), proxy \(c.proxy), \(c.forwarded ?? "-"): \(path)")
                }
            }
        }
    }
}

extension TestBrowser {
    /// Another tab of the same browser: the same cookies and form token, its own state from now on.
    func copy() -> TestBrowser {
        let tab = TestBrowser(app)
        tab.cookies = cookies
        tab.lastCSRF = lastCSRF
        return tab
    }
}
