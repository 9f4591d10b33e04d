import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The races of reviews r7 (finding 4) and r8 (finding 1), through the running app on both engines: what is checked
/// before a write is checked again inside it, so that dozens of requests at once cannot slip between the two.
@Suite struct AccountRaceTests {
    /// Sends one form with a copy of a visitor's cookies (a `TestBrowser` is not for simultaneous use).
    static func fire(
        _ app: Application, _ path: String, _ fields: [(String, String)], cookies: [String: String]
    ) async throws -> HTTPStatus {
        let browser = TestBrowser(app)
        browser.cookies = cookies
        let csrf = fields.first { $0.0 == "csrf" }?.1 ?? ""
        return try await browser.post(path, fields.filter { $0.0 != "csrf" }, csrf: csrf).status
    }

    static func token(in page: TestBrowser.Page) throws -> String {
        let regex = try Regex(#"/account/setup/([A-Za-z0-9_-]+)"#)
        return String(try #require(page.body.firstMatch(of: regex)?.output[1].substring))
    }

    static func sessions(of id: String, _ app: Application) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM sessions WHERE user_id = \(bind: id)").first()?
            .decode(column: "n", as: Int.self) ?? -1
    }

    static func sequences(_ action: String, actor: String, _ app: Application) async throws -> [Int64] {
        try await app.db.sql.raw(
            "SELECT sequence FROM audit_log WHERE action = \(bind: action) AND actor = \(bind: actor) ORDER BY sequence"
        ).all().map { try $0.decode(column: "sequence", as: Int64.self) }
    }

    /// r7 4: one setup link sent 24 times at once, each with another password, sets exactly one of them; a link
    /// replaced after its page was opened sets nothing.
    @Test(arguments: Engine.all)
    func aSetupLinkSetsOnePasswordHoweverOftenItIsSentAtOnce(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: an administrator makes an account; 24 visitors open its link's page.
            let admin = try await StaffAlertTests.person("admin@example.org", [.administrator], app)
            try await admin.get("/office/users/new")
            let made = try await admin.post("/office/users/new", [("email", "new@example.org"), ("roles", "editor")])
            let token = try Self.token(in: made)
            var visitors: [(cookies: [String: String], csrf: String)] = []
            for _ in 0..<24 {
                let visitor = TestBrowser(app)
                try await visitor.get("/account/setup/\(token)")
                visitors.append((visitor.cookies, visitor.lastCSRF))
            }
            // act: every one of them sets a password of its own, all at once.
            let statuses = try await withThrowingTaskGroup(of: (Int, HTTPStatus).self) { group in
                for (index, visitor) in visitors.enumerated() {
                    group.addTask {
                        let password = "harbour-quartz-lantern-\(index)"
                        let status = try await Self.fire(
                            app, "/account/setup/\(token)",
                            [("csrf", visitor.csrf), ("new", password), ("confirm", password)],
                            cookies: visitor.cookies)
                        return (index, status)
                    }
                }
                return try await group.reduce(into: [Int: HTTPStatus]()) { $0[$1.0] = $1.1 }
            }
            // assert: one password set, the one whose request was answered as set; the others told the link is dead.
            let winners = statuses.filter { $0.value == .seeOther }.map(\.key)
            #expect(winners.count == 1, "exactly one password is set: \(statuses.values.map(\.code).sorted())")
            #expect(statuses.values.allSatisfy { $0 == .seeOther || $0 == .notFound })
            #expect(try await StaffAlertTests.audit("account.password-set", app).count == 1)
            let account = try #require(try await AccountStore.find(email: "new@example.org", on: app.db))
            let hash = try #require(account.passwordHash)
            for index in 0..<24 {
                let matches = try await app.password.async.verify("harbour-quartz-lantern-\(index)", created: hash)
                #expect(matches == winners.contains(index), "password \(index)")
            }
            // A link replaced after its page was opened: the form sent from that page sets nothing.
            try await admin.get("/office/users/\(account.id)")
            let first = try Self.token(in: try await admin.post("/office/users/\(account.id)/reset-password", []))
            let visitor = TestBrowser(app)
            try await visitor.get("/account/setup/\(first)")
            try await admin.get("/office/users/\(account.id)")
            try await admin.post("/office/users/\(account.id)/reset-password", [])
            let late = try await visitor.post(
                "/account/setup/\(first)", [("new", "late-meadow-violin-4"), ("confirm", "late-meadow-violin-4")])
            #expect(late.status == .notFound)
            #expect(try await StaffAlertTests.audit("account.password-set", app).count == 1)
        }
    }

    /// r8 1 (a): sign-ins with the old password, two dozen at once around the moment the password is set from a
    /// link. A sign-in that checked the old password but stores its session after the set is refused, so no
    /// session made with the old password outlives the set; each refusal is audited as a failure.
    @Test(arguments: Engine.all)
    func noSessionMadeWithTheOldPasswordOutlivesTheSet(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            // setup: an editor who knows her password is given a new link, five times over (a quarter of an hour
            // apart, so that the sign-in throttle's window starts afresh each time).
            let (holder, _) = try await TestAccounts.create("holder@example.org", [.editor], in: app)
            var refusedAfterCheck = 0
            var password = TestAccounts.password
            for round in 0..<5 {
                clock.advance(seconds: Double(LoginThrottle.window + 60))
                let token = try await AccountSecrets.newLink(
                    for: holder.id, purpose: .reset, now: clock.now(), on: app.db)
                let setter = TestBrowser(app)
                try await setter.get("/account/setup/\(token)")
                var signers: [(cookies: [String: String], csrf: String)] = []
                for _ in 0..<24 {
                    let signer = TestBrowser(app)
                    try await signer.get("/login")
                    signers.append((signer.cookies, signer.lastCSRF))
                }
                let old = password, new = "meadow-harbour-violin-\(round)"
                // act: the sign-ins with the old password, and the set among them.
                let results = try await withThrowingTaskGroup(of: HTTPStatus?.self) { group in
                    for (index, signer) in signers.enumerated() {
                        group.addTask {
                            try await Self.fire(
                                app, "/login",
                                [("csrf", signer.csrf), ("email", "holder@example.org"), ("password", old)],
                                cookies: signer.cookies)
                        }
                        if index == 8 {
                            group.addTask {
                                let set = try await setter.post(
                                    "/account/setup/\(token)", [("new", new), ("confirm", new)])
                                #expect(set.status == .seeOther, "round \(round): the link sets the password")
                                return nil
                            }
                        }
                    }
                    return try await group.reduce(into: [HTTPStatus]()) { if let status = $1 { $0.append(status) } }
                }
                password = new
                // assert: whatever got in before the set was ended by it; nothing got in after.
                // (The throttle lets five sign-ins of one account be checked at a time: the others wait their turn.)
                #expect(
                    results.allSatisfy { [.seeOther, .unauthorized, .tooManyRequests].contains($0) },
                    "\(results.map(\.code))")
                #expect(try await Self.sessions(of: holder.id, app) == 0, "round \(round): no session outlives the set")
                refusedAfterCheck =
                    try await app.db.sql.raw(
                        """
                        SELECT COUNT(*) AS n FROM audit_log WHERE action = 'login.failure'
                        AND detail = 'password changed during the sign-in'
                        """
                    ).first()?.decode(column: "n", as: Int.self) ?? 0
            }
            print("AccountRaceTests (\(engine)): \(refusedAfterCheck) sign-ins refused between the check and the write")
            // The new password signs in, and the old one does not.
            clock.advance(seconds: Double(LoginThrottle.window + 60))
            let signer = TestBrowser(app)
            #expect(try await signer.signIn("holder@example.org", password: password).status == .seeOther)
            #expect(try await TestBrowser(app).signIn("holder@example.org").status == .unauthorized)
        }
    }

    /// r8 1 (b), r10 4: an administrator's session asks for setup links (a reset and a new account) two dozen times
    /// at once while another administrator resets her password, which ends her sessions (before review r10 the
    /// set from a link did). No link is given by her after the reset: each is written before it in the audit trail,
    /// or refused.
    @Test(arguments: Engine.all)
    func noLinkIsGivenBySessionEndedMeanwhile(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: two administrators; the second will reset the first.
            let first = try await StaffAlertTests.person("first@example.org", [.administrator], app)
            let second = try await StaffAlertTests.person("second@example.org", [.administrator], app)
            let (target, _) = try await TestAccounts.create("target@example.org", [.editor], in: app)
            let firstAccount = try #require(try await AccountStore.find(email: "first@example.org", on: app.db))
            try await second.get("/office/users/\(firstAccount.id)")
            try await first.get("/office/users/\(target.id)")
            let cookies = first.cookies, csrf = first.lastCSRF
            // act: her session's requests, and the reset among them.
            let results = try await withThrowingTaskGroup(of: HTTPStatus?.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        index % 3 == 0
                            ? try await Self.fire(
                                app, "/office/users/new",
                                [("csrf", csrf), ("email", "made\(index)@example.org"), ("roles", "editor")],
                                cookies: cookies)
                            : try await Self.fire(
                                app, "/office/users/\(target.id)/reset-password", [("csrf", csrf)], cookies: cookies)
                    }
                    if index == 8 {
                        group.addTask {
                            let reset = try await second.post("/office/users/\(firstAccount.id)/reset-password", [])
                            #expect(reset.status == .ok)
                            return nil
                        }
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { if let status = $1 { $0.append(status) } }
            }
            // assert: every link she gave is older than the reset; the later requests are refused.
            let reset = try #require(
                try await Self.sequences("user.password-reset-link", actor: "second@example.org", app).first)
            let given =
                try await Self.sequences("user.password-reset-link", actor: "first@example.org", app)
                + Self.sequences("user.create", actor: "first@example.org", app)
            #expect(given.allSatisfy { $0 < reset }, "no link given after the reset: \(given) vs \(reset)")
            #expect(results.count == 24)
            let answered = results.filter { $0 == .created || $0 == .ok }.count
            #expect(answered == given.count, "each answered request wrote one entry: \(results.map(\.code))")
            #expect(try await Self.sessions(of: firstAccount.id, app) == 0)
            let created = results.filter { $0 == .created }.count
            let made = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM users WHERE email LIKE 'made%'").first()?
                .decode(column: "n", as: Int.self)
            #expect(made == created, "an account exists for each creation answered, and no other")
            print("AccountRaceTests (\(engine)): \(answered) links given before the reset, \(24 - answered) refused")
        }
    }

    /// Sends `requests` at once, all of them past the sign-in check and waiting for the write gate, then runs
    /// `meanwhile` in a write of its own ahead of them all; returns their answers.
    static func queuedBehind(
        _ app: Application, _ requests: [@Sendable () async throws -> HTTPStatus], waiting expected: Int? = nil,
        meanwhile: @escaping @Sendable (any Database) async throws -> Void
    ) async throws -> [HTTPStatus] {
        await WriteGate.lock.acquire()
        var released = false
        defer { if !released { WriteGate.lock.release() } }
        return try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
            let before = WriteGate.lock.waiting
            for request in requests { group.addTask { try await request() } }
            for _ in 0..<1000 where WriteGate.lock.waiting < before + (expected ?? requests.count) {
                try await Task.sleep(for: .milliseconds(10))
            }
            // Else they were refused before the write (by the sign-in check), and the race was not run.
            #expect(WriteGate.lock.waiting >= before + (expected ?? requests.count), "the requests wait to write")
            try await WriteGate.$asAnotherInstance.withValue(true) {
                try await app.db.transaction { try await meanwhile($0) }
            }
            WriteGate.lock.release()
            released = true
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// r9 3, r10 6: the code step of a sign-in, and a second factor's enrolment by a signed-in editor, each waiting
    /// to write while a reset of the account commits ahead: neither signs in nor enrols.
    @Test(arguments: Engine.all)
    func theCodeStepAndAnEnrolmentQueuedBehindAResetDoNothing(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: an administrator waiting for her code; an editor on the enrolment page.
            let (admin, secret) = try await TestAccounts.create(
                "admin@example.org", [.administrator], secondFactor: true, in: app)
            let waiting = TestBrowser(app)
            try await waiting.enterPassword("admin@example.org")
            let (editor, _) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let enrolling = TestBrowser(app)
            try await enrolling.signIn("editor@example.org")
            try await enrolling.get("/account/two-factor")
            let stored = try #require(try await AccountStore.find(id: editor.id, on: app.db))
            let pending = try #require(stored.pendingSecondFactorSecret(app.site.cipher).flatMap(Base32.decode))
            let code = TOTP(secret: Base32.decode(try #require(secret))!).code(at: testClock.now())
            let enrolCode = TOTP(secret: pending).code(at: testClock.now())
            let (codeCookies, codeCSRF) = (waiting.cookies, waiting.lastCSRF)
            let (enrolCookies, enrolCSRF) = (enrolling.cookies, enrolling.lastCSRF)
            // act
            let step = try await Self.queuedBehind(
                app,
                [
                    {
                        try await Self.fire(
                            app, "/login/code", [("csrf", codeCSRF), ("code", code)], cookies: codeCookies)
                    }
                ]
            ) { tx in
                _ = try await AccountSecrets.passwordReset(of: admin.id, by: "system", now: testClock.now(), on: tx)
            }
            let enrol = try await Self.queuedBehind(
                app,
                [
                    {
                        try await Self.fire(
                            app, "/account/two-factor",
                            [("csrf", enrolCSRF), ("code", enrolCode), ("current", TestAccounts.password)],
                            cookies: enrolCookies)
                    }
                ]
            ) { tx in
                _ = try await AccountSecrets.passwordReset(of: editor.id, by: "system", now: testClock.now(), on: tx)
            }
            // assert
            #expect(step == [.unauthorized] && enrol == [.unauthorized], "\(step.map(\.code)) \(enrol.map(\.code))")
            #expect(try await Self.sessions(of: admin.id, app) == 0)
            #expect(try await AccountStore.find(id: editor.id, on: app.db)?.hasSecondFactor == false)
        }
    }

    /// r10 2: the rogue, in H's session, sends a shortening two dozen times at once; the operator's reset of H (which
    /// ends her sessions) commits while they wait to write. None is made as H after the reset: each is refused.
    @Test(arguments: Engine.all)
    func noProposalIsMadeBySessionEndedMeanwhile(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let h = try await StaffAlertTests.person("h@example.org", [.administrator], app)
            let account = try #require(try await AccountStore.find(email: "h@example.org", on: app.db))
            try await h.get("/office/retention/periods")
            let cookies = h.cookies, csrf = h.lastCSRF
            // act
            let requests: [@Sendable () async throws -> HTTPStatus] = (0..<24).map { index in
                {
                    try await Self.fire(
                        app, "/office/retention/periods", [("csrf", csrf), ("case.closed", "\(index + 1)")],
                        cookies: cookies)
                }
            }
            let results = try await Self.queuedBehind(app, requests) { tx in
                _ = try await AccountSecrets.passwordReset(of: account.id, by: "system", now: testClock.now(), on: tx)
            }
            // assert
            #expect(results.allSatisfy { $0 == .unauthorized }, "\(results.map(\.code))")
            #expect(try await Self.sequences("retention.propose", actor: "h@example.org", app).isEmpty)
            #expect(try await RetentionStore.proposals(on: app.db).isEmpty)
        }
    }

    /// r9 5, r10 6: a confirm sent from H's session while the operator's reset of H commits ahead of it confirms
    /// nothing: the shortening stays proposed.
    @Test(arguments: Engine.all)
    func noConfirmIsMadeBySessionEndedMeanwhile(_ engine: Engine) async throws {
        let clock = MutableClock(RetentionFourEyesTests.now)
        try await withApp(engine, clock: clock) { app in
            // setup: another administrator proposes; H, long an administrator, opens the periods page.
            let proposer = try await StaffAlertTests.person("p@example.org", [.administrator], app, clock: clock)
            try await proposer.get("/office/retention/periods")
            #expect(try await proposer.post("/office/retention/periods", [("case.closed", "1")]).status == .seeOther)
            let form = try await RetentionFourEyesTests.pinned("case.closed", app)
            clock.advance(seconds: 60)
            let h = try await StaffAlertTests.person("h@example.org", [.administrator], app, clock: clock)
            let account = try #require(try await AccountStore.find(email: "h@example.org", on: app.db))
            try await app.db.sql.raw("UPDATE users SET created_at = 0 WHERE id = \(bind: account.id)").run()
            try await h.get("/office/retention/periods")
            let cookies = h.cookies, csrf = h.lastCSRF
            // act
            let requests: [@Sendable () async throws -> HTTPStatus] = (0..<6).map { _ in
                {
                    try await Self.fire(
                        app, "/office/retention/periods/confirm", [("csrf", csrf)] + form, cookies: cookies)
                }
            }
            let results = try await Self.queuedBehind(app, requests) { tx in
                _ = try await AccountSecrets.passwordReset(of: account.id, by: "system", now: clock.now(), on: tx)
            }
            // assert
            #expect(results.allSatisfy { $0 == .unauthorized }, "\(results.map(\.code))")
            #expect(try await RetentionStore.proposals(on: app.db)[.closedCase] != nil, "still only proposed")
            #expect(try await RetentionStore.policy(on: app.db) == RetentionPolicy())
        }
    }

    /// r10 5: an administrator's account creations, two dozen at once; another administrator's removal of her
    /// administrator role commits while they wait to write. None is written after the demotion: each is refused.
    @Test(arguments: Engine.all)
    func noAccountIsCreatedByAnAdministratorDemotedMeanwhile(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let first = try await StaffAlertTests.person("first@example.org", [.administrator, .editor], app)
            let firstAccount = try #require(try await AccountStore.find(email: "first@example.org", on: app.db))
            try await first.get("/office/users/new")
            let cookies = first.cookies, csrf = first.lastCSRF
            // act
            let requests: [@Sendable () async throws -> HTTPStatus] = (0..<24).map { index in
                {
                    try await Self.fire(
                        app, "/office/users/new",
                        [("csrf", csrf), ("email", "made\(index)@example.org"), ("roles", "administrator")],
                        cookies: cookies)
                }
            }
            let results = try await Self.queuedBehind(app, requests) { tx in
                try await AccountStore.update(
                    firstAccount.id, roles: [.editor], organisationID: nil, disabled: false, on: tx)
                try await AuditLog.record(
                    AuditEvent(
                        actor: "second@example.org", action: "user.update", recordType: "user",
                        recordID: firstAccount.id, detail: "roles editor; enabled"),
                    now: testClock.now(), on: tx)
            }
            // assert
            #expect(results.allSatisfy { $0 == .forbidden }, "\(results.map(\.code))")
            #expect(try await Self.sequences("user.create", actor: "first@example.org", app).isEmpty)
            let made = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM users WHERE email LIKE 'made%'").first()?
                .decode(column: "n", as: Int.self)
            #expect(made == 0)
        }
    }

    /// r6 3: a reset link given before the owner changes her own password no longer opens the account.
    @Test(arguments: Engine.all)
    func changingOnesPasswordEndsEveryLinkGivenBefore(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: a link given to an editor, who then changes her password herself.
            let editor = try await StaffAlertTests.person("editor@example.org", [.editor], app)
            let account = try #require(try await AccountStore.find(email: "editor@example.org", on: app.db))
            let link = try await AccountSecrets.newLink(
                for: account.id, purpose: .reset, now: testClock.now(), on: app.db)
            let visitor = TestBrowser(app)
            #expect(try await visitor.get("/account/setup/\(link)").status == .ok, "the link opens before")
            // act
            let new = "kestrel-meadow-lantern-5"
            try await editor.get("/account/password")
            let changed = try await editor.post(
                "/account/password", [("current", TestAccounts.password), ("new", new), ("confirm", new)])
            // assert: the link is dead, and setting a password from the page opened before it does nothing.
            #expect(changed.status == .seeOther)
            #expect(try await TestBrowser(app).get("/account/setup/\(link)").status == .notFound)
            let late = try await visitor.post(
                "/account/setup/\(link)", [("new", "late-violin-harbour-2"), ("confirm", "late-violin-harbour-2")])
            #expect(late.status == .notFound)
            #expect(try await TestBrowser(app).signIn("editor@example.org", password: new).status == .seeOther)
        }
    }
    /// r9 3: a session half signed in (waiting for its code, or to enrol a factor) that a set ended is not advanced.
    @Test(arguments: Engine.all)
    func aSessionEndedMeanwhileIsNotAdvanced(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let (holder, _) = try await TestAccounts.create("holder@example.org", [.administrator], in: app)
            for stage in [SignInSession.Stage.secondFactor, .enrol] {
                _ = try await SessionStore.start(userID: holder.id, stage: stage, now: testClock.now(), on: app.db)
                let live = try #require(
                    try await app.db.sql.raw("SELECT id FROM sessions WHERE user_id = \(bind: holder.id)").first()?
                        .decode(column: "id", as: String.self))
                try await SessionStore.endAll(userID: holder.id, on: app.db)
                let session = SignInSession(
                    id: live, userID: holder.id, stage: stage, csrfToken: "", createdAt: 0, lastSeenAt: 0)
                await #expect(throws: Abort.self, "\(stage)") {
                    try await app.db.write { tx in
                        try await SessionStore.advance(session, to: .signedIn, now: testClock.now(), on: tx)
                    }
                }
                #expect(try await Self.sessions(of: holder.id, app) == 0, "\(stage): no session signed in")
            }
        }
    }

    /// r9 2: password changes by a session in flight while the password is set from a link: none outlives the set,
    /// and the password is the one set from the link.
    @Test(arguments: Engine.all)
    func noPasswordChangeOutlivesASetFromALink(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            let editor = try await StaffAlertTests.person("editor@example.org", [.editor], app, clock: clock)
            let account = try #require(try await AccountStore.find(email: "editor@example.org", on: app.db))
            let token = try await AccountSecrets.newLink(for: account.id, purpose: .reset, now: clock.now(), on: app.db)
            let setter = TestBrowser(app)
            try await setter.get("/account/setup/\(token)")
            try await editor.get("/account/password")
            let cookies = editor.cookies, csrf = editor.lastCSRF
            let set = "owner-harbour-violin-9"
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        let new = "rogue-lantern-meadow-\(index)"
                        _ = try await Self.fire(
                            app, "/account/password",
                            [("csrf", csrf), ("current", TestAccounts.password), ("new", new), ("confirm", new)],
                            cookies: cookies)
                    }
                    if index == 4 {
                        group.addTask {
                            let page = try await setter.post(
                                "/account/setup/\(token)", [("new", set), ("confirm", set)])
                            #expect(page.status == .seeOther)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let stored = try #require(try await AccountStore.find(email: "editor@example.org", on: app.db))
            #expect(
                try await app.password.async.verify(set, created: stored.passwordHash ?? ""), "the owner's password")
            #expect(try await Self.sessions(of: account.id, app) == 0, "no session outlives the set")
        }
    }
}
