import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

@Suite struct AuditTrailTests {
    @Test(arguments: Engine.all)
    func signInsWritesAndViewsAreRecordedWithoutSecrets(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let (_, secret) = try await TestAccounts.create(
                "admin@example.org", [.administrator, .editor], secondFactor: true, in: app)
            let editor = try await TestAccounts.create("editor@example.org", [.editor], in: app).account
            let browser = TestBrowser(app)
            try await browser.get("/login")
            try await browser.post("/login", [("email", "admin@example.org"), ("password", "a-wrong-password-1")])
            try await browser.signIn("admin@example.org", secret: secret)
            try await browser.get("/office/users/\(editor.id)")
            try await browser.get("/office/publications/new")
            let saved = try await browser.post(
                "/office/publications/new",
                [
                    ("action", "save"), ("title", "Mexico: audited"), ("type", "statement"),
                    ("language", "en"), ("date", "2026-11-20"), ("countries", "MX")
                ])
            #expect(saved.status == .seeOther)

            let rows = try await app.db.sql.raw(
                "SELECT \(unsafeRaw: AuditLog.columns) FROM audit_log ORDER BY sequence"
            )
            .all(decoding: AuditLog.Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            let actions = rows.map { "\($0.actor) \($0.action)" }
            // The first sign-in also keeps the browser's language as the account's (`account.language`).
            #expect(
                actions == [
                    "admin@example.org login.failure", "admin@example.org login.password",
                    "admin@example.org account.language", "admin@example.org login.success",
                    "admin@example.org user.view", "admin@example.org publication.create"
                ])
            try #require(rows.count == 6)
            #expect(rows[4].recordId == editor.id && rows[0].address != "")
            let everything = rows.map { "\($0.detail) \($0.recordId) \($0.address)" }.joined()
            #expect(
                !everything.contains("a-wrong-password-1") && !everything.contains(TestAccounts.password)
                    && !everything.contains(secret!))
            let page = try await browser.get("/office/audit?actor=admin@example.org&action=login")
            #expect(
                page.status == .ok && page.body.contains("login.failure") && !page.body.contains("publication.create"))
            let verified = try await browser.get("/office/audit?verify=1")
            #expect(verified.body.contains("The audit trail is intact: 6 entries"))
        }
    }

    @Test(arguments: Engine.all)
    func verificationFindsAnEditedOrDeletedEntry(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            for n in 1...6 {
                try await AuditLog.record(
                    AuditEvent(actor: "a@example.org", action: "test.event", detail: "event \(n)"),
                    now: testClock.now(), on: app.db)
            }
            #expect(try await AuditLog.verify(on: app.db).summary == (6, nil))
            let sql = app.db.sql
            try await sql.raw("UPDATE audit_log SET detail = 'nothing' WHERE sequence = 2").run()
            #expect(try await AuditLog.verify(on: app.db).firstBreak == .altered(sequence: 2))
            try await sql.raw("UPDATE audit_log SET detail = 'event 2' WHERE sequence = 2").run()
            #expect(try await AuditLog.verify(on: app.db).firstBreak == nil)
            try await sql.raw("DELETE FROM audit_log WHERE sequence = 4").run()
            #expect(try await AuditLog.verify(on: app.db).firstBreak == .unlinked(sequence: 5, after: 3))
            try await sql.raw("DELETE FROM audit_log WHERE sequence >= 4").run()
            #expect(try await AuditLog.verify(on: app.db).firstBreak == .truncated(lastStored: 3, expected: 6))
        }
    }

    @Test(arguments: Engine.all)
    func concurrentAppendsKeepOneChain(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<40 {
                    group.addTask {
                        try await AuditLog.record(
                            AuditEvent(actor: "system", action: "test.parallel", detail: "\(n)"), now: testClock.now(),
                            on: app.db)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await AuditLog.verify(on: app.db).summary == (40, nil))
        }
    }
}
