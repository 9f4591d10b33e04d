import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

/// A clock that moves 10 seconds each time it is read, so the in-memory intake limit (500 reports an hour for
/// everyone) never stands in the way of a load test; everything else sees time pass as it would.
final class TickingClock: SiteClock, Sendable {
    private let box = NIOLockedValueBox(testClock.date)
    func now() -> Date {
        box.withLockedValue {
            $0 = $0.addingTimeInterval(10); return $0
        }
    }
}

/// The app on a SQLite *file* (the production set-up: WAL, several pooled connections) or on PostgreSQL, behind a
/// trusted proxy so each simulated client has its own address.
func withLoadApp(
    _ engine: Engine, clock: any SiteClock = TickingClock(),
    _ body: (Application) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("observatory-load-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("load.sqlite").path
    try await withApp(engine, pageCache: false, clock: clock, sqliteFile: file, trustProxy: true, body)
}

/// Counts the answers of a load test by status class, and keeps the first few bodies of server errors.
final class Tally: Sendable {
    private let box = NIOLockedValueBox<(statuses: [UInt: Int], errors: [String])>(([:], []))
    func add(_ page: TestBrowser.Page) {
        box.withLockedValue {
            $0.statuses[page.status.code, default: 0] += 1
            if page.status.code >= 500, $0.errors.count < 3 { $0.errors.append(String(page.body.prefix(300))) }
        }
    }
    var statuses: [UInt: Int] { box.withLockedValue { $0.statuses } }
    var errors: [String] { box.withLockedValue { $0.errors } }
    func count(_ code: UInt) -> Int { statuses[code] ?? 0 }
    var serverErrors: Int { statuses.filter { $0.key >= 500 }.values.reduce(0, +) }
}

func count(_ sql: String, on db: any Database) async throws -> Int {
    struct Row: Decodable { let n: Int }
    return try await db.sql.raw(SQLQueryString(sql)).first(decoding: Row.self)?.n ?? -1
}

/// Issue 16: with two reporters at once, a fifth of the reports were stored and then answered 500.
@Suite struct ConcurrentWriteTests {
    static let reporters = Int(ProcessInfo.processInfo.environment["OBSERVATORY_LOAD_REPORTERS"] ?? "") ?? 8
    static let reportsEach = Int(ProcessInfo.processInfo.environment["OBSERVATORY_LOAD_REPORTS"] ?? "") ?? 400

    @Test(arguments: Engine.all)
    func concurrentReportersAllGetTheirReceipt(_ engine: Engine) async throws {
        try await withLoadApp(engine) { app in
            let tally = Tally(), receipts = NIOLockedValueBox<Set<String>>([])
            let started = Date()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for reporter in 0..<Self.reporters {
                    group.addTask {
                        let browser = TestBrowser(app)
                        try await browser.get("/report")
                        for n in 0..<Self.reportsEach {
                            let address: HTTPHeaders = ["X-Forwarded-For": "10.\(reporter).\(n / 250).\(n % 250)"]
                            let page = try await browser.post(
                                "/report",
                                [
                                    ("person", "Defender \(reporter)-\(n)"), ("description", "a defender"),
                                    (
                                        "country",
                                        "MX"
                                    ),
                                    ("date", "2026-11-18"), ("place", "Oaxaca"), ("account", "Report \(reporter)-\(n)")
                                ],
                                headers: address)
                            tally.add(page)
                            if let code = firstMatch("id=\"receipt-code\">([0-9A-Z-]{29})<", in: page.body) {
                                receipts.withLockedValue { _ = $0.insert(code) }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let total = Self.reporters * Self.reportsEach, seconds = Date().timeIntervalSince(started)
            let elapsed = String(format: "%.1f", seconds)
            print(
                "[load] \(engine): \(total) reports by \(Self.reporters) reporters in \(elapsed) s "
                    + "(\(Int(Double(total) / seconds))/s), statuses \(tally.statuses)")
            #expect(tally.serverErrors == 0, "\(tally.errors)")
            #expect(tally.count(200) == total)
            let cases = try await count("SELECT COUNT(*) AS n FROM cases", on: app.db)
            let audited = try await count(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'case.report'",
                on: app.db)
            #expect(receipts.withLockedValue { $0.count } == total)
            #expect(cases == total && audited == total, "cases \(cases), audit entries \(audited), receipts \(total)")
            #expect(try await AuditLog.verify(on: app.db).summary == (total, nil))
        }
    }

    @Test(arguments: Engine.all)
    func simultaneousSignInsSubscriptionsAndAnswersNeverFail(_ engine: Engine) async throws {
        try await withLoadApp(engine, clock: MutableClock()) { app in
            let people = 30
            for n in 0..<people { _ = try await TestAccounts.create("editor\(n)@example.org", [.editor], in: app) }
            try await CallStore.save(
                id: "needs", title: "Your needs", text: "Tell us.", deadline: "2026-12-31",
                open: true,
                by: "system", now: testClock.now(), on: app.db)
            let before = try await count("SELECT COUNT(*) AS n FROM audit_log", on: app.db)
            let tally = Tally()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<people {
                    let address: HTTPHeaders = ["X-Forwarded-For": "10.9.0.\(n)"]
                    group.addTask {
                        let browser = TestBrowser(app)
                        try await browser.get("/login")
                        tally.add(
                            try await browser.post(
                                "/login",
                                [
                                    ("email", "editor\(n)@example.org"),
                                    (
                                        "password",
                                        TestAccounts.password
                                    )
                                ], headers: address))
                    }
                    group.addTask {
                        let browser = TestBrowser(app)
                        try await browser.get("/subscribe")
                        tally.add(
                            try await browser.post(
                                "/subscribe",
                                [
                                    ("email", "reader\(n)@example.org"),
                                    ("languages", "en"),
                                    ("scope", "all")
                                ], headers: address))
                    }
                    group.addTask {
                        let browser = TestBrowser(app)
                        try await browser.get("/calls/needs")
                        tally.add(try await browser.post("/calls/needs", [("answer", "Answer \(n)")], headers: address))
                    }
                    group.addTask {
                        let browser = TestBrowser(app)
                        try await browser.get("/login")
                        tally.add(
                            try await browser.post(
                                "/login",
                                [
                                    ("email", "editor\(n)@example.org"),
                                    (
                                        "password",
                                        "not-the-password-\(n)"
                                    )
                                ], headers: address))
                    }
                }
                try await group.waitForAll()
            }
            print("[load] \(engine): simultaneous sign-ins, subscriptions, answers: \(tally.statuses)")
            #expect(tally.serverErrors == 0, "\(tally.errors)")
            #expect(tally.count(303) == people && tally.count(401) == people && tally.count(200) == 2 * people)
            #expect(try await count("SELECT COUNT(*) AS n FROM sessions", on: app.db) == people)
            #expect(try await count("SELECT COUNT(*) AS n FROM subscribers", on: app.db) == people)
            #expect(try await count("SELECT COUNT(*) AS n FROM call_answers", on: app.db) == people)
            // Every sign-in, right or wrong, is in the trail, and the chain holds.
            let audited = try await count(
                """
                SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('login.success', 'login.failure')
                """, on: app.db)
            #expect(audited == 2 * people)
            #expect(try await AuditLog.verify(on: app.db).firstBreak == nil)
            #expect(try await count("SELECT COUNT(*) AS n FROM audit_log", on: app.db) >= before + 2 * people)
        }
    }
}
