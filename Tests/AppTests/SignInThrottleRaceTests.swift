import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Issue 15.5: forty simultaneous wrong passwords were all checked against a lock of five.
@Suite struct SignInThrottleRaceTests {
    static func attempts(
        _ app: Application, _ count: Int, email: String, password: @escaping @Sendable (Int) -> String,
        address: @escaping @Sendable (Int) -> String
    ) async throws -> Tally {
        let tally = Tally()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<count {
                group.addTask {
                    let browser = TestBrowser(app)
                    try await browser.get("/login")
                    tally.add(
                        try await browser.post(
                            "/login", [("email", email), ("password", password(n))],
                            headers: ["X-Forwarded-For": address(n)]))
                }
            }
            try await group.waitForAll()
        }
        return tally
    }

    @Test(arguments: Engine.all)
    func fortySimultaneousWrongPasswordsCheckExactlyFive(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withLoadApp(engine, clock: clock) { app in
            _ = try await TestAccounts.create("ana@example.org", [.editor], in: app)
            // From forty addresses (a botnet) and from one (the address limit is 20, so the account's 5 still rule).
            let sources: [@Sendable (Int) -> String] = [{ "10.1.0.\($0)" }, { _ in "10.2.0.1" }]
            for (round, address) in sources.enumerated() {
                let email = round == 0 ? "ana@example.org" : "ANA@example.org "
                if round == 1 { clock.advance(seconds: Double(LoginThrottle.window) + 1) }
                let before = try await count("SELECT COUNT(*) AS n FROM audit_log", on: app.db)
                let tally = try await Self.attempts(
                    app, 40, email: email, password: { "wrong-password-\($0)-xyz" },
                    address: address)
                #expect(tally.serverErrors == 0, "\(tally.errors)")
                let limit = LoginThrottle.perAccount
                #expect(
                    tally.count(401) == limit && tally.count(429) == 40 - limit,
                    "\(tally.statuses)")
                struct Row: Decodable { let action: String }
                let actions = try await app.db.sql.raw(
                    """
                    SELECT action FROM audit_log WHERE sequence > \(bind: before) ORDER BY sequence
                    """
                ).all(decoding: Row.self).map(\.action)
                #expect(actions.count == 40)
                #expect(actions.filter { $0 == "login.failure" }.count == 5)
                #expect(actions.filter { $0 == "login.blocked" }.count == 35)
                // The right password is refused too while the lock lasts, and works once the window has passed.
                let locked = try await Self.attempts(
                    app, 1, email: "ana@example.org",
                    password: { _ in TestAccounts.password },
                    address: { _ in "10.3.0.1" })
                #expect(locked.count(429) == 1)
                clock.advance(seconds: Double(LoginThrottle.window) - 60)
                let stillLocked = try await Self.attempts(
                    app, 1, email: "ana@example.org",
                    password: { _ in TestAccounts.password },
                    address: { _ in "10.3.0.1" })
                #expect(stillLocked.count(429) == 1)
                clock.advance(seconds: 61)
                let open = try await Self.attempts(
                    app, 1, email: "ana@example.org",
                    password: { _ in TestAccounts.password },
                    address: { _ in "10.3.0.1" })
                #expect(open.count(303) == 1, "\(open.statuses)")
            }
            #expect(try await AuditLog.verify(on: app.db).firstBreak == nil)
        }
    }

    @Test(arguments: Engine.all)
    func anHonestPersonIsNeverLockedByTheirOwnSignIns(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withLoadApp(engine, clock: clock) { app in
            let (_, secret) = try await TestAccounts.create(
                "olu@example.org", [.caseOfficer], secondFactor: true,
                in: app)
            // Twelve sign-ins in a row: a right password (waiting for the code) never counts as a failure. (At once, at
            // most five attempts of one account are in flight: a reservation counts until its password is checked.)
            for _ in 0..<12 {
                let tally = try await Self.attempts(
                    app, 1, email: "olu@example.org",
                    password: { _ in TestAccounts.password },
                    address: { _ in "10.4.0.1" })
                #expect(tally.count(303) == 1, "\(tally.statuses)")
            }
            // Four wrong, then right with the code: the count is cleared; four more wrong still leave room.
            _ = try await Self.attempts(
                app, 4, email: "olu@example.org", password: { "wrong-\($0)-password" },
                address: { _ in "10.4.0.2" })
            clock.advance(seconds: 31)
            let page = try await TestBrowser(app).signIn("olu@example.org", secret: secret, clock: clock)
            #expect(page.status == .seeOther && page.location == OfficeRoute.dashboard.path)
            let again = try await Self.attempts(
                app, 4, email: "olu@example.org", password: { "wrong-\($0)-password" },
                address: { _ in "10.4.0.3" })
            #expect(again.count(401) == 4)
            let right = try await Self.attempts(
                app, 1, email: "olu@example.org",
                password: { _ in TestAccounts.password },
                address: { _ in "10.4.0.3" })
            #expect(right.count(303) == 1)
        }
    }
}
