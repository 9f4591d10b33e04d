import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// A password reset closes the account until its link is used (review r10, finding 4).
@Suite struct PasswordResetTests {
    /// Whoever held the account (its password, a session) keeps nothing once an administrator makes a reset link:
    /// the session has ended, so he cannot change the password to retire the link; the old password signs in to
    /// nothing. The link opens the account, and the new password signs in.
    @Test(arguments: Engine.all)
    func aResetClosesTheAccountUntilItsLinkIsUsed(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let (_, adminSecret) = try await TestAccounts.create(
                "admin@example.org", [.administrator], secondFactor: true, in: app)
            let editor = try await TestAccounts.create("ed@example.org", [.editor], in: app).account
            let admin = TestBrowser(app)
            try await admin.signIn("admin@example.org", secret: adminSecret)
            let holder = TestBrowser(app)
            try await holder.signIn("ed@example.org")
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
