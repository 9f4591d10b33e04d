import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// A write and its audit entry commit together or not at all. The audit append is made to fail inside the write's
/// transaction (a trigger on `audit_log`, on either engine, for chosen actions): what the person tried to change
/// must then be absent from every page, and the trail must still verify with no entry for it.
@Suite struct AuditAtomicityTests {
    /// Installs the failure: an entry whose action (and, when given, record id) is listed in `test_failing_audit`
    /// is refused by the database, inside whatever transaction appends it.
    static func installFailure(_ app: Application) async throws {
        let sql = app.db.sql
        try await sql.raw("CREATE TABLE test_failing_audit (action TEXT NOT NULL, record_id TEXT NOT NULL)").run()
        if sql.dialect.name == "postgresql" {
            try await sql.raw(
                """
                CREATE FUNCTION test_failing_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                IF EXISTS (SELECT 1 FROM test_failing_audit WHERE action = NEW.action
                           AND (record_id = '' OR record_id = NEW.record_id)) THEN
                RAISE EXCEPTION 'injected audit failure'; END IF; RETURN NEW; END $$
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER test_failing_audit BEFORE INSERT ON audit_log FOR EACH ROW
                EXECUTE FUNCTION test_failing_audit()
                """
            ).run()
        } else {
            try await sql.raw(
                """
                CREATE TRIGGER test_failing_audit BEFORE INSERT ON audit_log
                WHEN EXISTS (SELECT 1 FROM test_failing_audit WHERE action = NEW.action
                             AND (record_id = '' OR record_id = NEW.record_id))
                BEGIN SELECT RAISE(ABORT, 'injected audit failure'); END
                """
            ).run()
        }
    }

    static func fail(_ action: String, record: String = "", _ app: Application) async throws {
        try await app.db.sql.insert(into: "test_failing_audit").columns("action", "record_id").values(
            action,
            record
        ).run()
    }

    static func heal(_ app: Application) async throws {
        try await app.db.sql.raw("DELETE FROM test_failing_audit").run()
    }

    static func entries(_ action: String, _ app: Application) async throws -> Int {
        struct N: Decodable { let n: Int }
        return try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = \(bind: action)")
            .first(decoding: N.self)?.n ?? 0
    }

    /// Posts with the audit entry failing: the request fails, nothing of it is stored, and no entry is written.
    static func refused(
        _ action: String, _ app: Application, _ post: () async throws -> TestBrowser.Page,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try await fail(action, app)
        let before = try await entries(action, app)
        let page = try await post()
        #expect(
            page.status.code >= 500, "\(action): the write fails with its entry (\(page.status))",
            sourceLocation: sourceLocation)
        #expect(try await entries(action, app) == before, "\(action): no entry", sourceLocation: sourceLocation)
        try await heal(app)
    }

    @Test(arguments: Engine.all)
    func aWriteWhoseAuditEntryFailsLeavesNothingBehind(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await Self.installFailure(app)
            let team = try await CaseTeam.make(app), officer = team.drafter
            let (_, editorSecret) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org", secret: editorSecret)
            let (_, adminSecret) = try await TestAccounts.create(
                "admin@example.org", [.administrator],
                secondFactor: true, in: app)
            let admin = TestBrowser(app)
            try await admin.signIn("admin@example.org", secret: adminSecret)

            // Missions: creating, then changing.
            try await officer.get("/office/missions")
            try await Self.refused("mission.create", app) {
                try await officer.post("/office/missions", MissionTests.missionFields(title: "Atomic mission"))
            }
            #expect(!(try await officer.get("/office/missions").body.contains("Atomic mission")))
            let created = try await officer.post(
                "/office/missions",
                MissionTests.missionFields(title: "Atomic mission"))
            let missionPath = try #require(created.location)
            try await Self.refused("mission.update", app) {
                try await officer.post(missionPath, MissionTests.missionFields(title: "Renamed mission"))
            }
            let mission = try await officer.get(missionPath).body
            #expect(mission.contains("Atomic mission") && !mission.contains("Renamed mission"))

            // The address book.
            try await officer.get("/office/addresses")
            try await Self.refused("address.add", app) {
                try await officer.post(
                    "/office/addresses",
                    [
                        ("country", "Mexico"), ("label", "Atomic authority"),
                        ("address", "Palacio Nacional")
                    ])
            }
            #expect(!(try await officer.get("/office/addresses").body.contains("Atomic authority")))

            // A case record, and an intervention's text.
            let receipt = try await TestBrowser(app).report(
                person: "Juana Pérez López", description: "a defender",
                account: "Threats")
            #expect(receipt != nil)
            let caseID = try #require(
                firstMatch(
                    "/office/cases/(case-[a-z0-9]{12})",
                    in: try await officer.get("/office/cases").body))
            let casePath = "/office/cases/\(caseID)"
            try await officer.get(casePath)
            try await Self.refused("case.person.add", app) {
                try await officer.post(
                    "\(casePath)/people",
                    [
                        ("kind", "defender"), ("person", "Wei Atomic"),
                        ("consents", "yes"), ("description", ""),
                        (
                            "contact",
                            ""
                        )
                    ])
            }
            #expect(!(try await officer.get(casePath).body.contains("Wei Atomic")))
            try await officer.get("\(casePath)/interventions/new?kind=urgent-appeal")
            let draft = try #require(
                try await officer.post(
                    "\(casePath)/interventions/new",
                    [
                        ("kind", "urgent-appeal"), ("language", "en"), ("follow_up_of", ""), ("translation_of", ""),
                        ("title", "Mexico: threats"), ("summary", "A defender was threatened."), ("body", "First text.")
                    ]
                ).location)
            try await officer.get(draft)
            try await Self.refused("intervention.update", app) {
                try await officer.post(
                    draft,
                    [
                        ("action", "save"), ("title", "Mexico: threats"),
                        ("summary", "A defender was threatened."), ("body", "Atomic text.")
                    ])
            }
            let intervention = try await officer.get(draft).body
            #expect(intervention.contains("First text.") && !intervention.contains("Atomic text."))

            // A call for input.
            try await officer.get("/office/calls")
            try await Self.refused("call.save", app) {
                try await officer.post(
                    "/office/calls",
                    [
                        ("id", "atomic-call"), ("title", "Atomic call"),
                        ("deadline", "2026-12-31"), ("text", "Tell us."),
                        (
                            "open",
                            "no"
                        )
                    ])
            }
            #expect(!(try await officer.get("/office/calls").body.contains("Atomic call")))
            #expect(try await app.get("/calls/atomic-call").status == .notFound)

            // An organisation in the directory.
            try await officer.get("/office/organisations/org-1")
            try await Self.refused("organisation.update", app) {
                try await officer.post(
                    "/office/organisations/org-1",
                    [
                        ("name", "Atomic Renamed NGO"), ("website", ""),
                        ("description", "Changed."), ("contacts", "")
                    ])
            }
            #expect(!(try await app.get("/organisations/org-1").body.contains("Atomic Renamed NGO")))

            // The annual report's analysis and a bulletin's introduction.
            try await editor.get("/office/reports/annual/2025")
            try await Self.refused("annual-report.save", app) {
                try await editor.post("/office/reports/annual/2025", [("analysis", "Atomic analysis.")])
            }
            #expect(!(try await editor.get("/office/reports/annual/2025").body.contains("Atomic analysis.")))
            try await editor.get("/office/bulletins/2026-10/en")
            try await Self.refused("bulletin.save", app) {
                try await editor.post(
                    "/office/bulletins/2026-10/en",
                    [
                        ("action", "save"),
                        ("introduction", "Atomic introduction.")
                    ])
            }
            #expect(!(try await editor.get("/office/bulletins/2026-10/en").body.contains("Atomic introduction.")))

            // Assistance rules.
            try await admin.get("/office/assistance/settings")
            var rules: [(String, String)] = [
                ("currency", "EUR"), ("ceiling", "6000"),
                (
                    "new-criterion",
                    "Atomic criterion"
                )
            ]
            for c in try await AssistanceSettings.load(on: app.db).criteria {
                rules += [("criterion-\(c.id)", c.text), ("active-\(c.id)", "yes")]
            }
            try await Self.refused("assistance.settings", app) {
                try await admin.post("/office/assistance/settings", rules)
            }
            #expect(!(try await admin.get("/office/assistance/settings").body.contains("Atomic criterion")))

            // One's own password: the old one still opens the account, the new one does not.
            let newPassword = "atomic-kestrel-lantern-42"
            try await editor.get("/account/password")
            try await Self.refused("account.password-change", app) {
                try await editor.post(
                    "/account/password",
                    [
                        ("current", TestAccounts.password), ("new", newPassword),
                        ("confirm", newPassword)
                    ])
            }
            let again = TestBrowser(app)
            #expect(try await again.signIn("editor@example.org", password: newPassword).location != "/office")
            #expect(try await TestBrowser(app).signIn("editor@example.org").location == "/office")

            // Every write that succeeded is in the trail, and the trail is whole.
            #expect(try await Self.entries("mission.create", app) == 1)
            let verified = try await AuditLog.verify(on: app.db)
            #expect(verified.firstBreak == nil, "the trail verifies: \(String(describing: verified.firstBreak))")
        }
    }

    /// Dozens of simultaneous writes, a third of whose entries fail: exactly the writes with an entry are stored.
    @Test(arguments: Engine.all)
    func simultaneousWritesAreStoredExactlyWhenTheirEntryIs(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await Self.installFailure(app)
            let team = try await CaseTeam.make(app)
            let countries = [
                "MX", "CO", "GT", "HN", "BR", "PE", "FR", "DE", "ES", "IT", "PT", "BE",
                "NL", "PL", "RU", "TR", "EG", "KE", "NG", "ZA", "IN", "PK", "PH", "ID"
            ]
            var generator = SystemRandomNumberGenerator()
            let seed = UInt64.random(in: 0...UInt64.max, using: &generator)
            print("AuditAtomicityTests seed \(seed)")
            var rng = SeededGenerator(seed: seed)
            let failing = Set(countries.filter { _ in Int.random(in: 0..<3, using: &rng) == 0 })
            for code in failing { try await Self.fail("address.add", record: code, app) }
            try await team.drafter.get("/office/addresses")
            let browser = team.drafter
            let statuses = try await withThrowingTaskGroup(of: (String, UInt).self) { group in
                for code in countries {
                    group.addTask {
                        let page = try await browser.post(
                            "/office/addresses",
                            [
                                ("country", code),
                                ("label", "Authority of \(code)"),
                                ("address", "Capital")
                            ])
                        return (code, page.status.code)
                    }
                }
                var all: [String: UInt] = [:]
                for try await (code, status) in group { all[code] = status }
                return all
            }
            let listed = try await team.drafter.get("/office/addresses").body
            struct Entry: Decodable { let recordId: String }
            let audited = Set(
                try await app.db.sql.raw("SELECT record_id FROM audit_log WHERE action = 'address.add'")
                    .all(decoding: Entry.self, keyDecodingStrategy: .convertFromSnakeCase).map(\.recordId))
            for code in countries {
                let stored = listed.contains("Authority of \(code)")
                #expect(
                    stored == !failing.contains(code),
                    "\(code) stored \(stored), failing \(failing.contains(code))")
                #expect(
                    stored == audited.contains(code),
                    "\(code): stored \(stored), audited \(audited.contains(code))")
                #expect(((statuses[code] ?? 0) >= 500) == failing.contains(code), "\(code): \(statuses[code] ?? 0)")
            }
            #expect(try await AuditLog.verify(on: app.db).firstBreak == nil)
        }
    }

    /// The command line's user and subscriber writes: a failing entry leaves no account and no subscriber.
    @Test(arguments: Engine.all)
    func commandLineWritesCommitWithTheirEntry(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await Self.installFailure(app)
            try await Self.fail("user.create", app)
            await #expect(throws: (any Error).self) {
                try await Self.run(
                    UserCommand(),
                    [
                        "user", "create", "--email", "atomic@example.org", "--role",
                        "editor"
                    ],
                    app)
            }
            #expect(try await AccountStore.find(email: "atomic@example.org", on: app.db) == nil)
            try await Self.heal(app)
            try await Self.fail("subscribers.import", app)
            let list = try temporaryFile("one@example.org,en,all\ntwo@example.org,fr,none,bulletin\n")
            await #expect(throws: (any Error).self) {
                try await Self.run(SubscribersCommand(), ["subscribers", "import", "--file", list], app)
            }
            #expect(try await MailQueue.counts(on: app.db).subscribers.values.reduce(0, +) == 0)
            try await Self.heal(app)
            try await Self.run(SubscribersCommand(), ["subscribers", "import", "--file", list], app)
            #expect(try await MailQueue.counts(on: app.db).subscribers["active"] == 2)
            #expect(try await Self.entries("subscribers.import", app) == 1)
        }
    }

    /// Runs a command as `observatory <arguments>` would, on the test's app.
    static func run(_ command: some AsyncCommand, _ arguments: [String], _ app: Application) async throws {
        var context = CommandContext(
            console: Terminal(),
            input: CommandInput(
                arguments: ["observatory"]
                    + Array(arguments.dropFirst())))
        context.application = app
        try await command.run(using: &context)
    }
}
