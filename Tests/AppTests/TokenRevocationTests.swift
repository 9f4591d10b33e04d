import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Review r13, findings 4 and 5: a token records why it was revoked, its owner reads the reason, and the tokens
/// that a disable, a reset or a change of roles made before the rules of r11 left live are revoked by migration 050.
@Suite struct TokenRevocationTests {
    static func token(_ account: Account, _ name: String, made: Int64, _ app: Application) async throws -> String {
        try await app.db.write { tx in
            try await AccessTokenStore.create(
                for: account, name: name, scopes: [.publicationsRead], expiresAt: made + 86_400 * 365, now: made,
                on: tx
            ).id
        }
    }

    static func reasons(_ app: Application) async throws -> [String: String] {
        struct Row: Decodable { let id: String, revokedReason: String? }
        let rows = try await app.db.rows("SELECT id, revoked_reason FROM access_tokens", as: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0.revokedReason ?? "live") })
    }

    @Test(arguments: Engine.all)
    func tokensLeftLiveBeforeTheRulesAreRevokedAtTheUpgrade(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: five accounts as an older version left them, each with a token never revoked.
            let now = testClock.now().seconds
            let audit = { (action: String, id: String) in
                try await AuditLog.record(
                    AuditEvent(actor: "admin@example.org", action: action, recordType: "user", recordID: id),
                    now: testClock.now(), on: app.db)
            }
            let (plain, _) = try await TestAccounts.create("plain@example.org", [.editor], in: app)
            let (off, _) = try await TestAccounts.create("off@example.org", [.editor], in: app)
            let (moved, _) = try await TestAccounts.create("moved@example.org", [.editor], in: app)
            let (reset, _) = try await TestAccounts.create("reset@example.org", [.editor], in: app)
            let (back, _) = try await TestAccounts.create("back@example.org", [.editor], in: app)
            let kept = try await Self.token(plain, "kept", made: now - 500, app)
            let disabled = try await Self.token(off, "disabled", made: now - 500, app)
            let roles = try await Self.token(moved, "roles", made: now - 500, app)
            let beforeReset = try await Self.token(reset, "before the reset", made: now - 500, app)
            let afterReset = try await Self.token(reset, "after the reset", made: now + 500, app)
            let givenBack = try await Self.token(back, "roles given back", made: now - 500, app)
            let revokedByOwner = try await Self.token(plain, "revoked by its owner", made: now - 500, app)
            try await app.db.write { tx in
                _ = try await AccessTokenStore.revoke(id: revokedByOwner, userID: plain.id, now: now, on: tx)
            }
            try await app.db.sql.raw("UPDATE users SET disabled = \(bind: true) WHERE id = \(bind: off.id)").run()
            try await app.db.sql.raw("UPDATE users SET roles = 'partner' WHERE id = \(bind: moved.id)").run()
            try await audit("user.password-reset-link", reset.id)
            try await audit("user.update", back.id)  // a demotion and its undoing, by an older version
            try await audit("user.update", plain.id.uppercased())  // another record: no effect
            // act: the upgrade.
            try await RevokeTokensOfChangedAccounts.revokeLegacyTokens(on: app.db)
            // assert
            let reasons = try await Self.reasons(app)
            #expect(reasons[kept] == "live")
            #expect(reasons[afterReset] == "live", "made after the reset")
            #expect(reasons[disabled] == "disabled")
            #expect(reasons[roles] == "roles")
            #expect(reasons[beforeReset] == "reset")
            #expect(reasons[givenBack] == "upgrade")
            #expect(reasons[revokedByOwner] == "owner", "left as it was")
            struct Entry: Decodable { let recordId: String, detail: String }
            let entries = try await app.db.rows(
                "SELECT record_id, detail FROM audit_log WHERE action = 'token.revoke' AND actor = 'upgrade'",
                as: Entry.self)
            #expect(Set(entries.map(\.recordId)) == [disabled, roles, beforeReset, givenBack], "\(entries)")
            let key = try await AuditLog.chainKey(on: app.db)
            #expect(try await AuditLog.verify(on: app.db, key: key).firstBreak == nil)
            // The owner reads why: the token page of the reset account.
            try await app.db.sql.raw("UPDATE users SET disabled = \(bind: false) WHERE id = \(bind: reset.id)").run()
            let browser = TestBrowser(app)
            try await browser.signIn("reset@example.org")
            let page = try await browser.get("/account/tokens")
            #expect(page.body.contains(t("tokens.state.revoked-reset")), "\(page.body)")
        }
    }

    /// Review r15, finding 2, and r16, finding 1: migration 050 added its column, then its write failed (a lock
    /// timeout), so neither it nor 051 was recorded. The next start repairs it before the migrations run, and 050
    /// runs whole, where every start used to fail on the column. A column that holds a value is left alone, and the
    /// start fails as before, storing nothing.
    @Test(arguments: Engine.all)
    func anUpgradeInterruptedInMigration050RunsAgainWhole(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: the database as 050's failed try left it, with a token its rules revoke.
            let (off, _) = try await TestAccounts.create("off@example.org", [.editor], in: app)
            let token = try await Self.token(off, "disabled", made: testClock.now().seconds, app)
            try await app.db.sql.raw("UPDATE users SET disabled = \(bind: true) WHERE id = \(bind: off.id)").run()
            let names = [RevokeTokensOfChangedAccounts.self, RevokeTokensOutlivingAPasswordChange.self].map {
                String(reflecting: $0)
            }
            let forget: SQLQueryString = "DELETE FROM _fluent_migrations WHERE name IN (\(binds: names))"
            try await app.db.sql.raw(forget).run()
            // act: the start, as `serve` and every command make it.
            try await prepareStorage(app, loadDemo: false)
            // assert
            #expect(try await Self.reasons(app) == [token: "disabled"], "050 ran again, whole")
            struct Found: Decodable { let n: Int }
            let recorded = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM _fluent_migrations WHERE name IN (\(binds: names))"
            ).first(decoding: Found.self)?.n
            #expect(recorded == 2)
            // A column that holds a reason is not dropped: the start fails, and the reason stays.
            try await app.db.sql.raw(forget).run()
            await #expect(throws: (any Error).self) { try await prepareStorage(app, loadDemo: false) }
            #expect(try await Self.reasons(app) == [token: "disabled"])
        }
    }

    /// The reasons stored by today's revocations, and the count in the administrator's entry.
    @Test(arguments: Engine.all)
    func eachRevocationRecordsItsReasonAndTheEntryItsCount(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let admin = try await StaffAlertTests.person("admin@example.org", [.administrator], app)
            let (editor, _) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let now = testClock.now().seconds
            let first = try await Self.token(editor, "first", made: now - 10, app)
            let second = try await Self.token(editor, "second", made: now - 10, app)
            // act: an administrator makes the editor a case officer too.
            try await admin.get("/office/users/\(editor.id)")
            let saved = try await admin.post(
                "/office/users/\(editor.id)", [("roles", "editor"), ("roles", "case-officer")])
            #expect(saved.status == .seeOther)
            // assert
            let reasons = try await Self.reasons(app)
            #expect(reasons[first] == "roles" && reasons[second] == "roles", "\(reasons)")
            let entries = try await StaffAlertTests.audit("user.update", app)
            #expect(entries.last?.detail?.hasSuffix("; access tokens revoked: 2") == true, "\(entries)")
        }
    }

    /// Review r14, finding 4: a password changed by its owner, the one rescue she can do herself, ends the tokens
    /// that whoever held her session made, not only the sessions.
    @Test(arguments: Engine.all)
    func changingOnesOwnPasswordRevokesOnesTokens(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: R, holding the editor's session, made a token.
            let (editor, _) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let owner = TestBrowser(app)
            try await owner.signIn(editor.email)
            let made = try await app.db.write { tx in
                try await AccessTokenStore.create(
                    for: editor, name: "r", scopes: [.publicationsRead], expiresAt: testClock.now().seconds + 86_400,
                    now: testClock.now().seconds, on: tx)
            }
            #expect(try await api(app, "/api/v1/countries", token: made.token).status == .ok)
            // act: she changes her password.
            let page = try await owner.get("/account/password")
            #expect(page.body.contains(t("office.password.effect")))
            let new = "a fresh and unrelated passphrase"
            let changed = try await owner.post(
                "/account/password", [("current", TestAccounts.password), ("new", new), ("confirm", new)])
            #expect(changed.status == .seeOther)
            // assert: the token is dead, she reads why, and the entry counts it.
            let answer = try await api(app, "/api/v1/countries", token: made.token)
            #expect(answer.status == .unauthorized && answer.body.contains("revoked"), "\(answer.body)")
            #expect(try await Self.reasons(app) == [made.id: "password-change"])
            #expect(try await owner.get("/account/tokens").body.contains(t("tokens.state.revoked-password-change")))
            let entries = try await StaffAlertTests.audit("account.password-change", app)
            #expect(entries.map(\.detail) == ["current password confirmed; access tokens revoked: 1"])
        }
    }

    /// Review r15, finding 5: "sign out everywhere", the button of someone who fears another holds her account,
    /// ends the tokens that were made from her session too, and says so beforehand.
    @Test(arguments: Engine.all)
    func signingOutEverywhereRevokesOnesTokens(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let (editor, _) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let owner = TestBrowser(app)
            try await owner.signIn(editor.email)
            let made = try await Self.token(editor, "r", made: testClock.now().seconds, app)
            let other = try await Self.token(editor, "s", made: testClock.now().seconds, app)
            let account = try await owner.get(OfficeRoute.account.path)
            #expect(account.body.contains(t("office.account.end-sessions-effect")))
            // act
            let ended = try await owner.post(OfficeRoute.endSessions.path, [])
            // assert
            #expect(ended.status == .seeOther)
            #expect(try await Self.reasons(app) == [made: "signed-out", other: "signed-out"])
            let entries = try await StaffAlertTests.audit("logout.everywhere", app)
            #expect(entries.map(\.detail) == ["access tokens revoked: 2"])
            try await owner.signIn(editor.email)
            #expect(try await owner.get(TokenController.path).body.contains(t("tokens.state.revoked-signed-out")))
        }
    }

    /// Review r15, finding 5: a password changed where its tokens were not revoked (an older instance during a
    /// rolling upgrade, or a hand edit) still ends every token made before it; one made after it works.
    @Test(arguments: Engine.all)
    func aTokenMadeBeforeThePasswordChangedEndsEvenIfNothingRevokedIt(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let (editor, _) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let at = testClock.now().seconds
            let older = try await app.db.write { tx in
                try await AccessTokenStore.create(
                    for: editor, name: "older", scopes: [.publicationsRead], expiresAt: at + 86_400, now: at, on: tx)
            }
            let sameSecond = try await app.db.write { tx in
                try await AccessTokenStore.create(
                    for: editor, name: "same", scopes: [.publicationsRead], expiresAt: at + 86_400, now: at + 5, on: tx)
            }
            #expect(try await api(app, "/api/v1/countries", token: older.token).status == .ok)
            // act: the password changes, and nothing revokes the tokens.
            try await app.db.sql.raw(
                "UPDATE users SET password_changed_at = \(bind: at + 5) WHERE id = \(bind: editor.id)"
            )
            .run()
            // assert
            let refused = try await api(app, "/api/v1/countries", token: older.token)
            #expect(refused.status == .unauthorized && refused.body.contains("password changed"), "\(refused.body)")
            #expect(try await api(app, "/api/v1/countries", token: sameSecond.token).status == .ok)
            #expect(try await Self.reasons(app) == [older.id: "live", sameSecond.id: "live"], "refused, not revoked")
            let owner = TestBrowser(app)
            try await owner.signIn(editor.email)
            let page = try await owner.get(TokenController.path).body
            #expect(page.contains("id=\"token-\(older.id)\"") && page.contains(t("tokens.state.password-changed")))
        }
    }

    /// Migration 051 (review r14, findings 3, 4 and 6), run as the migrator runs it: each action revokes a token
    /// made before it or in its second and keeps one made a second after it; a missing account revokes; roles in
    /// another order keep; a second run changes nothing and records nothing.
    @Test(arguments: Engine.all)
    func theUpgradeRevokesTokensThatOutlivedAPasswordChange(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: per action, one account and three tokens around its entry.
            let at = testClock.now()
            var expected: [String: String] = [:]
            for (action, reason) in RevokeTokensOutlivingAPasswordChange.actions.sorted(by: { $0.key < $1.key }) {
                let (account, _) = try await TestAccounts.create("\(action)@example.org", [.editor], in: app)
                let before = try await Self.token(account, "before", made: at.seconds - 1, app)
                let same = try await Self.token(account, "same second", made: at.seconds, app)
                let after = try await Self.token(account, "after", made: at.seconds + 1, app)
                try await AuditLog.record(
                    AuditEvent(actor: "old@example.org", action: action, recordType: "user", recordID: account.id),
                    now: at, on: app.db)
                expected[before] = reason.rawValue
                expected[same] = reason.rawValue
                expected[after] = "live"
            }
            let (gone, _) = try await TestAccounts.create("gone@example.org", [.editor], in: app)
            let orphan = try await Self.token(gone, "orphan", made: at.seconds - 9, app)
            try await app.db.sql.raw("DELETE FROM sessions WHERE user_id = \(bind: gone.id)").run()
            try await app.db.sql.raw("DELETE FROM users WHERE id = \(bind: gone.id)").run()
            expected[orphan] = "disabled"
            let (both, _) = try await TestAccounts.create("both@example.org", [.editor, .caseOfficer], in: app)
            let reordered = try await Self.token(both, "roles stored in another order", made: at.seconds - 9, app)
            try await app.db.sql.raw("UPDATE users SET roles = 'case-officer,editor' WHERE id = \(bind: both.id)")
                .run()
            expected[reordered] = "live"
            try await AuditLog.record(
                AuditEvent(actor: "admin@example.org", action: "user.update", recordType: "user", recordID: both.id),
                now: at, on: app.db)
            // act: the migration, twice.
            try await RevokeTokensOutlivingAPasswordChange().prepare(on: app.db)
            let afterFirst = try await Self.reasons(app)
            try await RevokeTokensOutlivingAPasswordChange().prepare(on: app.db)
            // assert
            #expect(afterFirst == expected)
            #expect(try await Self.reasons(app) == expected, "a second run changes nothing")
            struct Entry: Decodable { let recordId: String, detail: String }
            let entries = try await app.db.rows(
                "SELECT record_id, detail FROM audit_log WHERE action = 'token.revoke' AND actor = 'upgrade'",
                as: Entry.self)
            let revoked = expected.filter { $0.value != "live" }
            #expect(entries.count == revoked.count, "one entry per revoked token, none from the second run")
            #expect(
                Dictionary(uniqueKeysWithValues: entries.map { ($0.recordId, $0.detail) })
                    == revoked.mapValues { "migration 051: \($0)" })
            let key = try await AuditLog.chainKey(on: app.db)
            #expect(try await AuditLog.verify(on: app.db, key: key).firstBreak == nil)
        }
    }
}
