import Fluent
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Review r13, finding 2: every office write, not only the account writes, checks inside its transaction that the
/// session, the account and its role still hold. Requests already past `SignInMiddleware` wait to write while a
/// disable, a reset or a demotion commits ahead of them; none of them stores anything afterwards.
@Suite struct OfficeWriteChecksTests {
    /// How the account is taken away while the requests wait.
    enum Removal: String, CaseIterable, Sendable {
        case disable, reset, demotion
        /// A role taken away, the route's own role kept (review r14, finding 1).
        case lesserRoles
    }

    struct Target: Sendable, CustomStringConvertible {
        let description: String
        let roles: Set<Role>
        let page: String
        let fields: @Sendable (Int) -> [(String, String)]
        let stored: @Sendable (Application) async throws -> Int
    }

    static let targets: [Target] = [
        Target(
            description: "a case opened", roles: [.caseOfficer], page: "/office/cases/new",
            fields: { [("label", "Queued \($0)"), ("country", "MX"), ("risk", "low"), ("kind", "defender")] },
            stored: { try await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'case.open'", $0) }),
        Target(
            description: "types exempted from four eyes", roles: [.administrator], page: "/office/approvals",
            fields: { _ in [("exempt", "event")] },
            stored: { try await count("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'approvals.%'", $0) }),
        Target(
            description: "a publication drafted", roles: [.editor], page: "/office/publications/new",
            fields: { _ in EditorialTests.fields + [("action", "save")] },
            stored: { try await count("SELECT COUNT(*) AS n FROM publications", $0) })
    ]

    static func count(_ query: String, _ app: Application) async throws -> Int {
        try await app.db.sql.raw(SQLQueryString(query)).first()?.decode(column: "n", as: Int.self) ?? -1
    }

    @Test(arguments: Engine.all, Removal.allCases)
    func noOfficeWriteQueuedBehindTheAccountsRemovalIsStored(_ engine: Engine, _ removal: Removal) async throws {
        try await withApp(engine) { app in
            for target in Self.targets {
                // setup: a person who may make this write, on its page; what is stored before.
                let email = "\(removal.rawValue)-\(target.roles.first!.rawValue)@example.org"
                let person = try await StaffAlertTests.person(email, target.roles.union([.editor]), app)
                let account = try #require(try await AccountStore.find(email: email, on: app.db))
                try await person.get(target.page)
                let cookies = person.cookies, csrf = person.lastCSRF
                let before = try await target.stored(app)
                // act: a dozen of the writes wait behind the removal.
                let requests: [@Sendable () async throws -> HTTPStatus] = (0..<12).map { index in
                    {
                        try await AccountRaceTests.fire(
                            app, target.page, [("csrf", csrf)] + target.fields(index), cookies: cookies)
                    }
                }
                let results = try await AccountRaceTests.queuedBehind(app, requests) { tx in
                    switch removal {
                    case .disable:
                        try await AccountStore.update(
                            account.id, roles: account.roles, organisationID: nil, disabled: true, on: tx)
                    case .reset:
                        _ = try await AccountSecrets.passwordReset(
                            of: account.id, by: "system", now: testClock.now(), on: tx)
                    case .demotion:
                        try await AccountStore.update(
                            account.id, roles: [.partner], organisationID: nil, disabled: false, on: tx)
                    case .lesserRoles:
                        let kept = account.roles.subtracting([.editor])
                        try await AccountStore.update(
                            account.id, roles: kept.isEmpty ? [.partner] : kept, organisationID: nil, disabled: false,
                            on: tx)
                    }
                }
                // assert: each refused, as a session ended or a role lost; nothing stored after the removal.
                let refusal: HTTPStatus = [.demotion, .lesserRoles].contains(removal) ? .forbidden : .unauthorized
                #expect(results.allSatisfy { $0 == refusal }, "\(target): \(results.map(\.code))")
                #expect(try await target.stored(app) == before, "\(target): nothing stored after the \(removal)")
            }
        }
    }

    /// The same pages, with the account untouched: the writes go through (else the test above proves nothing).
    @Test(arguments: Engine.all)
    func theSameWritesGoThroughForAnAccountThatStillHolds(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            for target in Self.targets {
                let email = "kept-\(target.roles.first!.rawValue)@example.org"
                let person = try await StaffAlertTests.person(email, target.roles.union([.editor]), app)
                try await person.get(target.page)
                let before = try await target.stored(app)
                let answer = try await person.post(target.page, target.fields(0))
                #expect(answer.status == .seeOther, "\(target): \(answer.status.code)")
                #expect(try await target.stored(app) > before, "\(target)")
            }
        }
    }

    /// Two administrators, the only ones, each remove an administrator's role at the same moment (their own, or
    /// each other's): both pass the check on the page, and the write lets only one through, so one stays.
    @Test(arguments: Engine.all, [false, true])
    func twoAdministratorsRemovingAtOnceLeaveOne(_ engine: Engine, _ eachOther: Bool) async throws {
        try await withApp(engine) { app in
            // setup
            let a = try await StaffAlertTests.person("a@example.org", [.administrator, .editor], app)
            let b = try await StaffAlertTests.person("b@example.org", [.administrator, .editor], app)
            let accountA = try #require(try await AccountStore.find(email: "a@example.org", on: app.db))
            let accountB = try #require(try await AccountStore.find(email: "b@example.org", on: app.db))
            let pairs = [(a, eachOther ? accountB : accountA), (b, eachOther ? accountA : accountB)]
            var requests: [@Sendable () async throws -> HTTPStatus] = []
            for (browser, target) in pairs {
                try await browser.get("/office/users/\(target.id)")
                let cookies = browser.cookies, csrf = browser.lastCSRF
                requests.append {
                    try await AccountRaceTests.fire(
                        app, "/office/users/\(target.id)", [("csrf", csrf), ("roles", "editor")], cookies: cookies)
                }
            }
            // act
            let results = try await AccountRaceTests.queuedBehind(app, requests) { _ in }
            // assert
            // The second is refused: as the last administrator, or, demoted by the first, as no longer one.
            let refused: HTTPStatus = eachOther ? .forbidden : .conflict
            #expect(results.sorted { $0.code < $1.code } == [.seeOther, refused], "\(results.map(\.code))")
            let administrators = try await AccountStore.all(on: app.db).filter {
                $0.roles.contains(.administrator) && !$0.disabled
            }
            #expect(administrators.count == 1, "\(administrators.map(\.email))")
        }
    }

    /// Review r14, finding 6: the same race between two instances, on PostgreSQL, where no in-process gate orders
    /// them. Both requests wait behind a lock on the two accounts and start their writes together; only the
    /// advisory lock of the write (74052050) keeps each from reading the other as a remaining administrator.
    @Test func twoInstancesRemovingTheirOwnRoleAtOnceLeaveOne() async throws {
        guard Engine.all.contains(.postgres) else { return }
        try await withApp(.postgres) { app in
            // setup
            var requests: [@Sendable () async throws -> HTTPStatus] = []
            var ids: [String] = []
            for email in ["a@example.org", "b@example.org"] {
                let browser = try await StaffAlertTests.person(email, [.administrator, .editor], app)
                let id = try #require(try await AccountStore.find(email: email, on: app.db)).id
                try await browser.get("/office/users/\(id)")
                let cookies = browser.cookies, csrf = browser.lastCSRF
                ids.append(id)
                requests.append {
                    try await WriteGate.$asAnotherInstance.withValue(true) {
                        try await AccountRaceTests.fire(
                            app, "/office/users/\(id)", [("csrf", csrf), ("roles", "editor")], cookies: cookies)
                    }
                }
            }
            let (ready, readyNow) = AsyncStream<Int64>.makeStream()
            let (release, releaseNow) = AsyncStream<Void>.makeStream()
            let holder = Task { [ids] in
                try await app.db.transaction { tx in
                    _ = try await AccountStore.lock(ids, on: tx)
                    let pid = try await tx.sql.raw("SELECT pg_backend_pid()::bigint AS pid").first()?
                        .decode(column: "pid", as: Int64.self)
                    readyNow.yield(pid ?? 0)
                    for await _ in release { break }
                }
            }
            var pids = ready.makeAsyncIterator()
            let pid = try #require(await pids.next())
            // act
            let results = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for request in requests { group.addTask { try await request() } }
                var waiting: Int64 = 0
                for _ in 0..<1000 where waiting < 2 {
                    try await Task.sleep(for: .milliseconds(10))
                    waiting =
                        try await app.db.sql.raw(
                            """
                            SELECT COUNT(*)::bigint AS n FROM pg_stat_activity
                            WHERE \(bind: pid) = ANY(pg_blocking_pids(pid))
                            """
                        ).first()?.decode(column: "n", as: Int64.self) ?? 0
                }
                #expect(waiting == 2, "both writes wait behind the held accounts")
                releaseNow.yield()
                try await holder.value
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // assert
            #expect(results.sorted { $0.code < $1.code } == [.seeOther, .conflict], "\(results.map(\.code))")
            let administrators = try await AccountStore.all(on: app.db).filter {
                $0.roles.contains(.administrator) && !$0.disabled
            }
            #expect(administrators.count == 1, "\(administrators.map(\.email))")
        }
    }
}
