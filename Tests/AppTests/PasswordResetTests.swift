import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// A password reset closes the account until its link is used (review r10, finding 4).
@Suite struct PasswordResetTests {
    /// An administrator, signed in, and an editor's account (the test password, no second factor).
    static func adminAndEditor(_ app: Application) async throws -> (TestBrowser, Account) {
        let (_, adminSecret) = try await TestAccounts.create(
            "admin@example.org", [.administrator], secondFactor: true, in: app)
        let editor = try await TestAccounts.create("ed@example.org", [.editor], in: app).account
        let admin = TestBrowser(app)
        try await admin.signIn("admin@example.org", secret: adminSecret)
        return (admin, editor)
    }

    /// Review r11, finding 2: a session that a reset ended plants no second-factor secret for the owner's next
    /// enrolment, and a reset drops the one pending.
    @Test(arguments: Engine.all)
    func aResetLeavesNoPendingSecondFactorSecret(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let editor = try await TestAccounts.create("ed@example.org", [.editor], in: app).account
            let holder = TestBrowser(app)
            try await holder.signIn("ed@example.org")
            try await holder.get("/account/two-factor")
            #expect(try await AccountStore.find(id: editor.id, on: app.db)?.totpPendingSecret != nil)
            let requests: [@Sendable () async throws -> HTTPStatus] = (0..<4).map { _ in
                let browser = TestBrowser(app)
                browser.cookies = holder.cookies
                return { try await browser.get("/account/two-factor?restart=1").status }
            }
            let results = try await AccountRaceTests.queuedBehind(app, requests) { tx in
                _ = try await AccountSecrets.passwordReset(of: editor.id, by: "system", now: testClock.now(), on: tx)
            }
            #expect(results.allSatisfy { $0 == .unauthorized }, "\(results.map(\.code))")
            #expect(try await AccountStore.find(id: editor.id, on: app.db)?.totpPendingSecret == nil)
        }
    }

    /// Review r12, finding 8: a second factor removed by an administrator, and a password set from a link, each
    /// revoke the account's access tokens.
    @Test(arguments: Engine.all)
    func aSecondFactorResetAndASetFromALinkRevokeTheTokens(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let (admin, editor) = try await Self.adminAndEditor(app)
            let first = try await makeToken(app, "ed@example.org")
            try await admin.get("/office/users/\(editor.id)")
            #expect(try await admin.post("/office/users/\(editor.id)/reset-two-factor", []).status == .seeOther)
            #expect(try await api(app, "/api/v1/countries", token: first).status == .unauthorized)
            let second = try await makeToken(app, "ed@example.org")
            #expect(try await api(app, "/api/v1/countries", token: second).status == .ok)
            let link = try await AccountSecrets.newLink(
                for: editor.id, purpose: .setup, now: testClock.now(), on: app.db)
            let owner = TestBrowser(app)
            try await owner.get("/account/setup/\(link)")
            let set = try await owner.post(
                "/account/setup/\(link)", [("new", "owner-own-words-52"), ("confirm", "owner-own-words-52")])
            #expect(set.status == .seeOther)
            #expect(try await api(app, "/api/v1/countries", token: second).status == .unauthorized)
        }
    }

    /// Whoever held the account (its password, a session, a token, recovery codes) keeps nothing once an
    /// administrator makes a reset link: the session has ended, so he cannot change the password to retire the
    /// link; the old password signs in to nothing. The link opens the account, and the new password signs in.
    @Test(arguments: Engine.all)
    func aResetClosesTheAccountUntilItsLinkIsUsed(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let (admin, editor) = try await Self.adminAndEditor(app)
            let holder = TestBrowser(app)
            try await holder.signIn("ed@example.org")
            // Review r12, finding 1: recovery codes he made while he held the account.
            _ = try await AccountSecrets.newRecoveryCodes(for: editor.id, on: app.db)
            // Review r11, finding 1: an access token he made while he held the account.
            let apiToken = try await makeToken(app, "ed@example.org")
            #expect(try await api(app, "/api/v1/countries", token: apiToken).status == .ok)
            #expect(try await holder.get("/account/password").status == .ok)
            // act
            try await admin.get("/office/users/\(editor.id)")
            let page = try await admin.post("/office/users/\(editor.id)/reset-password", [])
            let token = try AccountRaceTests.token(in: page)
            let change = try await holder.post(
                "/account/password",
                [
                    (Reauthentication.field, TestAccounts.password), ("new", "holder-keeps-it-91"),
                    ("confirm", "holder-keeps-it-91")
                ])
            let oldPassword = try await TestBrowser(app).signIn("ed@example.org")
            // assert
            #expect(change.status != .seeOther && change.status != .ok, "the holder's session ended: \(change.status)")
            #expect(try await AccountRaceTests.sessions(of: editor.id, app) == 0)
            #expect(oldPassword.status == .unauthorized, "the old password: \(oldPassword.status)")
            let stored = try #require(try await AccountStore.find(id: editor.id, on: app.db))
            #expect(stored.passwordHash == nil)
            #expect(try await AccountSecrets.unusedRecoveryCodes(for: editor.id, on: app.db) == 0, "codes deleted")
            #expect(try await api(app, "/api/v1/countries", token: apiToken).status == .unauthorized, "token revoked")
            let owner = TestBrowser(app)
            try await owner.get("/account/setup/\(token)")
            let set = try await owner.post(
                "/account/setup/\(token)", [("new", "owner-own-words-52"), ("confirm", "owner-own-words-52")])
            #expect(set.status == .seeOther, "the link still opens the account")
            let signedIn = try await TestBrowser(app).signIn("ed@example.org", password: "owner-own-words-52")
            #expect(signedIn.status == .seeOther, "the new password signs in: \(signedIn.status)")
            struct Row: Decodable { let action: String, actor: String }
            let entries = try await app.db.rows(
                """
                SELECT action, actor FROM audit_log WHERE record_type = 'user' AND record_id = \(bind: editor.id)
                ORDER BY sequence
                """, as: Row.self)
            #expect(entries.map(\.action).contains("user.password-reset-link"))
            #expect(!entries.map(\.action).contains("account.password-change"), "the holder changed nothing")
        }
    }
}
