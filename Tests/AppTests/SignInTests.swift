import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

@Suite struct SignInTests {
    @Test(arguments: Engine.all)
    func passwordThenOneTimeCodeThenNoReplay(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            let (_, secret) = try await TestAccounts.create(
                "officer@example.org", [.caseOfficer], secondFactor: true, in: app)
            let browser = TestBrowser(app)
            try await browser.get("/login")
            let afterPassword = try await browser.post(
                "/login", [("email", "Officer@Example.org "), ("password", TestAccounts.password)])
            #expect(afterPassword.status == .seeOther)
            #expect(afterPassword.location == "/login/code")
            #expect(
                try await browser.get("/office").location == "/login/code",
                "nothing but the code page before the second factor")
            try await browser.get("/login/code")
            let code = TOTP(secret: Base32.decode(secret!)!).code(at: clock.now())
            #expect(
                try await browser.post("/login/code", [("code", "000000" == code ? "111111" : "000000")]).status
                    == .unauthorized)
            let signedIn = try await browser.post("/login/code", [("code", code)])
            #expect(signedIn.location == "/office")
            let office = try await browser.get("/office")
            #expect(office.status == .ok && office.body.contains("officer@example.org"))
            #expect(office.headers.first(name: .cacheControl) == "no-store")

            // The same code again, in the same 30 seconds, from another browser: refused.
            let other = TestBrowser(app)
            try await other.enterPassword("officer@example.org")
            let replay = try await other.post("/login/code", [("code", code)])
            #expect(replay.status == .unauthorized)
            #expect(replay.body.contains("already used"))
            clock.advance(seconds: 30)
            let next = TOTP(secret: Base32.decode(secret!)!).code(at: clock.now())
            #expect(try await other.post("/login/code", [("code", next)]).location == "/office")
        }
    }

    @Test(arguments: Engine.all)
    func sessionCookieIsHttpOnlyStrictAndSecureBehindHTTPS(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let browser = TestBrowser(app)
            let page = try await browser.signIn("editor@example.org")
            let cookie = try #require(page.headers[.setCookie].first { $0.hasPrefix("observatory_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
            var config = app.site.config
            config.publicURL = "https://observatory.example"
            app.site = SiteServices(
                config: config, clock: testClock, pageCache: app.site.pageCache,
                contentWatcher: app.site.contentWatcher, cipher: app.site.cipher)
            let secure = try await TestBrowser(app).signIn("editor@example.org")
            #expect(
                secure.headers[.setCookie].contains { $0.hasPrefix("observatory_session=") && $0.contains("Secure") })
        }
    }

    @Test(arguments: Engine.all)
    func sameMessageForUnknownAccountAndWrongPasswordThenThrottled(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let browser = TestBrowser(app)
            try await browser.get("/login")
            let unknown = try await browser.post(
                "/login", [("email", "nobody@example.org"), ("password", TestAccounts.password)])
            let wrong = try await browser.post(
                "/login", [("email", "editor@example.org"), ("password", "wrong-password-123")])
            #expect(unknown.status == .unauthorized && wrong.status == .unauthorized)
            func message(_ page: TestBrowser.Page) -> String? {
                page.body.range(of: "role=\"alert\">").map { String(page.body[$0.upperBound...].prefix { $0 != "<" }) }
            }
            #expect(message(unknown) != nil && message(unknown) == message(wrong))
            for _ in 0..<4 {
                try await browser.post("/login", [("email", "editor@example.org"), ("password", "wrong-password-123")])
            }
            let blocked = try await browser.post(
                "/login", [("email", "editor@example.org"), ("password", TestAccounts.password)])
            #expect(
                blocked.status == .tooManyRequests,
                "five failures lock the account for 15 minutes, even with the right password")
            #expect(blocked.body.contains("Wait 15 minutes"))
            // Another account from the same address still works (the address limit is higher).
            try await TestAccounts.create("other@example.org", [.editor], in: app)
            #expect(try await TestBrowser(app).signIn("other@example.org").location == "/office")
        }
    }

    @Test(arguments: Engine.all)
    func addressLimitStopsGuessingAcrossAccounts(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let browser = TestBrowser(app)
            try await browser.get("/login")
            for n in 0..<LoginThrottle.perAddress {
                try await browser.post(
                    "/login", [("email", "guess\(n)@example.org"), ("password", "wrong-password-123")])
            }
            #expect(
                try await browser.post("/login", [("email", "editor@example.org"), ("password", TestAccounts.password)])
                    .status == .tooManyRequests)
        }
    }

    @Test(arguments: Engine.all)
    func formsWithoutTheRightTokenOrFromAnotherSiteAreRefused(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let browser = TestBrowser(app)
            try await browser.get("/login")
            let noToken = try await browser.post(
                "/login", [("email", "editor@example.org"), ("password", TestAccounts.password)], csrf: "")
            #expect(noToken.status == .forbidden && noToken.body.contains("did not come from this site"))
            let crossSite = try await browser.post(
                "/login", [("email", "editor@example.org"), ("password", TestAccounts.password)],
                headers: ["Origin": "https://evil.example"])
            #expect(crossSite.status == .forbidden)
            #expect(try await browser.post("/login", [], headers: ["Origin": "null"]).status == .forbidden)
            #expect(
                try await browser.post("/login", [], headers: ["Sec-Fetch-Site": "cross-site"]).status == .forbidden)
            // After sign-in, only a path on this site may be the destination (no open redirect).
            let elsewhere = try await TestBrowser(app).signInWithNext("editor@example.org", next: "//evil.example/x")
            #expect(elsewhere.location == "/office")
            let onSite = try await TestBrowser(app).signInWithNext(
                "editor@example.org", next: "/office/publications?q=x")
            #expect(onSite.location == "/office/publications?q=x")
            #expect(try await browser.signIn("editor@example.org").location == "/office")
            // Signed in: the session's token, not the pre-sign-in cookie, protects forms.
            let forged = try await browser.post(
                "/office/publications/new", [("action", "save"), ("title", "X: y")], csrf: "forged-token")
            #expect(forged.status == .forbidden)
            let count = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM publications").first(
                decoding: CountRow.self)?.n
            #expect(count == 0)
        }
    }

    @Test(arguments: Engine.all)
    func sessionsEndWhenIdleOrTooOldAndEverywhereOnRequest(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let idle = TestBrowser(app)
            try await idle.signIn("editor@example.org")
            clock.advance(seconds: 29 * 60)
            #expect(try await idle.get("/office").status == .ok)
            clock.advance(seconds: 31 * 60)
            #expect(
                try await idle.get("/office").location?.hasPrefix("/login?next=") == true,
                "30 idle minutes end the session")

            let busy = TestBrowser(app)
            try await busy.signIn("editor@example.org")
            for _ in 0..<35 {  // active every 20 minutes for almost 12 hours
                clock.advance(seconds: 20 * 60)
                #expect(try await busy.get("/office").status == .ok)
            }
            clock.advance(seconds: 25 * 60)
            #expect(try await busy.get("/office").status == .seeOther, "no session outlives 12 hours")

            let phone = TestBrowser(app), laptop = TestBrowser(app)
            try await phone.signIn("editor@example.org")
            try await laptop.signIn("editor@example.org")
            let account = try await laptop.get("/account")
            #expect(account.body.contains("signed in on 2 devices"))
            try await laptop.post("/account/sessions/end", [])
            #expect(try await phone.get("/office").status == .seeOther)
            #expect(try await laptop.get("/office").status == .seeOther)
        }
    }

    @Test(arguments: Engine.all)
    func recoveryCodesWorkOnceAndEnrolmentIsRequiredForAdministrators(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            try await TestAccounts.create("admin@example.org", [.administrator], in: app)
            let browser = TestBrowser(app)
            let first = try await browser.signIn("admin@example.org")
            #expect(first.location == "/account/two-factor", "an administrator must set up a second factor first")
            #expect(try await browser.get("/office/users").location == "/account/two-factor")
            let enrol = try await browser.get("/account/two-factor")
            let secret = try #require(
                enrol.body.range(of: "id=\"totp-secret\">").map {
                    String(enrol.body[$0.upperBound...].prefix { $0 != "<" })
                })
            #expect(
                enrol.body.contains(
                    "otpauth://totp/Observatory:admin@example.org?secret=\(secret.replacingOccurrences(of: " ", with: ""))"
                ))
            #expect(
                enrol.body.contains("<p class=\"qr\"><svg xmlns=\"http://www.w3.org/2000/svg\""),
                "a QR code drawn on the server")
            #expect(try await browser.post("/account/two-factor", [("code", "123")]).status == .unprocessableEntity)
            let code = TOTP(secret: Base32.decode(secret)!).code(at: clock.now())
            let codesPage = try await browser.post("/account/two-factor", [("code", code)])
            #expect(codesPage.status == .ok)
            let codes = codesPage.body.components(separatedBy: "<li><code>").dropFirst().map { String($0.prefix(14)) }
            #expect(codes.count == 10)
            #expect(try await browser.get("/office/users").status == .ok, "enrolled: the session is fully signed in")
            struct Stored: Decodable { let totpSecret: String? }
            let stored = try await app.db.sql.raw("SELECT totp_secret FROM users WHERE email = 'admin@example.org'")
                .first(decoding: Stored.self, keyDecodingStrategy: .convertFromSnakeCase)?.totpSecret
            #expect(
                stored?.hasPrefix("v2:") == true
                    && stored?.contains(secret.replacingOccurrences(of: " ", with: "")) == false,
                "the secret is sealed in the database")

            let lost = TestBrowser(app)
            try await lost.enterPassword("admin@example.org")
            #expect(try await lost.post("/login/code", [("code", codes[3].uppercased())]).location == "/office")
            let again = TestBrowser(app)
            try await again.enterPassword("admin@example.org")
            #expect(
                try await again.post("/login/code", [("code", codes[3])]).status == .unauthorized,
                "a recovery code works once")
        }
    }
}

struct CountRow: Decodable { let n: Int }
