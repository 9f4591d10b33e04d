import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import PropertyBased
import SQLKit
import Testing
import Vapor

@testable import App

/// Staff alerts through the running app and the test SMTP server, on both engines: every event reaches the case
/// officers (and only them) in their own language, with nothing of the case in the message, its subject or its
/// headers; digest or at once; on call; simultaneous reports; settings only by their owner, with CSRF.
@Suite struct StaffAlertTests {
    static let base = "https://observatory.example"

    /// A confidential value planted somewhere; none may reach an alert.
    final class Canaries: @unchecked Sendable {
        private let values = NIOLockedValueBox<[String]>([])
        func make(_ place: String) -> String {
            let value = "CANARY\(place.uppercased())\(UUID().uuidString.prefix(8))"
            values.withLockedValue { $0.append(value) }
            return value
        }
        var all: [String] { values.withLockedValue { $0 } }
    }

    /// The recipient, the decoded subject and the decoded text of a message as the SMTP server received it.
    struct Received {
        let raw: String, to: String, subject: String, text: String
        init(_ raw: String) {
            self.raw = raw
            to = firstMatch("(?m)^To: <([^>\r\n]+)>", in: raw) ?? ""
            let lines = raw.components(separatedBy: "\r\n")
            let start = lines.firstIndex { $0.hasPrefix("Subject: ") } ?? lines.endIndex
            let header = lines[start...].prefix { $0.hasPrefix("Subject: ") || $0.hasPrefix(" ") }
                .map { $0.hasPrefix("Subject: ") ? String($0.dropFirst(9)) : String($0.dropFirst()) }.joined()
            let words = header.components(separatedBy: "=?UTF-8?B?").dropFirst().compactMap {
                $0.components(separatedBy: "?=").first.flatMap { Data(base64Encoded: $0) }
            }
            subject = words.isEmpty ? header : words.map { String(decoding: $0, as: UTF8.self) }.joined()
            text = decodedPart(raw) ?? ""
        }
        var everything: String { raw + "\n" + subject + "\n" + text }
    }

    /// Drains the outbox and returns the messages that arrived since `seen`.
    static func drain(
        _ worker: MailWorker, _ server: TestSMTPServer, _ app: Application, now: Date,
        seen: inout Int, expect count: Int
    ) async throws -> [Received] {
        while try await worker.runOnce(now: now, on: app.db) > 0 {}
        let all = try await server.waitFor(seen + count, seconds: count == 0 ? 0.3 : 20)
        defer { seen = all.count }
        return all.dropFirst(seen).map(Received.init)
    }

    static func noCanary(_ messages: [Received], _ canaries: Canaries) {
        for message in messages {
            for canary in canaries.all {
                #expect(!message.everything.contains(canary), "\(canary) reached a message to \(message.to)")
            }
        }
    }

    static func officer(_ email: String, _ app: Application) async throws -> TestBrowser {
        let (_, secret) = try await TestAccounts.create(email, [.caseOfficer], secondFactor: true, in: app)
        let browser = TestBrowser(app)
        try await browser.signIn(email, secret: secret)
        return browser
    }

    static func person(
        _ email: String, _ roles: Set<Role>, _ app: Application,
        clock: any SiteClock = testClock
    ) async throws -> TestBrowser {
        let (_, secret) = try await TestAccounts.create(
            email, roles,
            secondFactor: roles.contains(where: \.requiresSecondFactor),
            in: app)
        let browser = TestBrowser(app)
        try await browser.signIn(email, secret: secret, clock: clock)
        return browser
    }

    struct Entry: Decodable { let actor: String, recordId: String?, detail: String? }

    static func audit(_ action: String, _ app: Application) async throws -> [Entry] {
        try await app.db.sql.raw(
            """
            SELECT actor, record_id, detail FROM audit_log WHERE action = \(bind: action) ORDER BY sequence
            """
        ).all(decoding: Entry.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    static func caseID(after receipt: String?, _ app: Application) async throws -> String {
        let code = try #require(receipt)
        return try #require(
            try await CaseStore.find(
                receiptHash: ReceiptCode.hash(code), cipher: app.site.cipher,
                on: app.db)?.id)
    }

    /// Each of the six events reaches the three case officers (two for an intervention: never its drafter), in
    /// Spanish, French and Arabic as each chose; never the editor, the administrator, the partner or a disabled
    /// case officer; every message holds the fixed sentence, the case's number and the absolute link, and none of
    /// the canaries planted in the report, the addition, the case, the request, the answer, the draft or the grant.
    @Test(arguments: Engine.all)
    func everyEventReachesTheCaseOfficersInTheirLanguageWithNothingConfidential(_ engine: Engine) async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        let clock = MutableClock()
        try await withApp(engine, clock: clock, publicURL: Self.base) { app in
            let canaries = Canaries()
            let team = try await CaseTeam.make(app)  // drafter and approver (case officers), two partners
            let third = try await Self.officer("amal@example.org", app)
            try await team.drafter.get("/account")
            try await team.drafter.post("/account/language", [("language", "es")])
            try await team.approver.get("/account")
            try await team.approver.post("/account/language", [("language", "fr")])
            try await third.get("/account")
            try await third.post("/account/language", [("language", "ar")])
            _ = try await Self.person("editor@example.org", [.editor], app)
            _ = try await Self.person("admin@example.org", [.administrator], app)
            let (gone, _) = try await TestAccounts.create("gone@example.org", [.caseOfficer], in: app)
            try await AccountStore.update(
                gone.id, roles: [.caseOfficer], organisationID: nil, disabled: true,
                on: app.db)
            let officers: Set<String> = ["drafter@example.org", "approver@example.org", "amal@example.org"]
            let sentence: [String: String] = [
                "drafter@example.org": "es", "approver@example.org": "fr",
                "amal@example.org": "ar"
            ]
            let worker = SubscriptionTests.worker(app, server)
            var seen = 0

            func check(
                _ messages: [Received], _ event: AlertEvent, caseID: String, link: String,
                to expected: Set<String>
            ) {
                let alerts = messages.filter { officers.contains($0.to) || $0.to.hasPrefix("gone") }
                #expect(
                    Set(alerts.map(\.to)) == expected && alerts.count == expected.count,
                    "\(event): \(alerts.map(\.to))")
                for alert in alerts {
                    let language = Language(rawValue: sentence[alert.to] ?? "en")!
                    let words = Translations.of(language)
                    #expect(alert.text.contains(words.text("alert.\(event.rawValue)", [:])), "\(event) in \(language)")
                    #expect(alert.raw.contains("Content-Language: \(language.rawValue)"))
                    #expect(
                        alert.subject.contains(caseID)
                            && alert.text.contains(words.text("alert.case", ["number": caseID])))
                    #expect(alert.text.contains(Self.base + link), "\(link) in \(alert.text)")
                }
                let never = ["editor@example.org", "admin@example.org", "gone@example.org"]
                #expect(!messages.contains { never.contains($0.to) })
                Self.noCanary(messages, canaries)
            }

            // A report arrives through the public form.
            let reporter = TestBrowser(app)
            let receipt = try await reporter.report(
                person: canaries.make("name"), description: canaries.make("desc"),
                account: canaries.make("account"), relation: canaries.make("rel"),
                contact: canaries.make("contact"), place: canaries.make("place"))
            let caseID = try await Self.caseID(after: receipt, app)
            let casePage = "/office/cases/\(caseID)"
            check(
                try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 3), .reportNew,
                caseID: caseID, link: casePage, to: officers)

            // The reporter adds to it.
            try await reporter.get("/report/receipt")
            try await reporter.post("/report/receipt", [("code", receipt!)])
            let added = try await reporter.postMultipart(
                "/report/receipt/add",
                [
                    ("code", receipt!),
                    ("account", canaries.make("added"))
                ],
                files: [])
            #expect(added.status == .ok)
            check(
                try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 3), .reportAdded,
                caseID: caseID, link: casePage, to: officers)

            // A partner answers a verification request (the partner's own mail is not an alert).
            try await team.drafter.get(casePage)
            try await team.drafter.post(
                "\(casePage)/verifications",
                [
                    ("organisation", "org-1"), ("shared", canaries.make("shared")), ("days", "7")
                ])
            let list = try await team.partner.get("/partner/verifications")
            let requestID = try #require(
                firstMatch(
                    "/partner/verifications/(verification-[a-z0-9]{12})",
                    in: list.body))
            let asked = try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 1)
            #expect(asked.map(\.to) == ["partner@example.org"])
            try await team.partner.get("/partner/verifications/\(requestID)")
            try await team.partner.post(
                "/partner/verifications/\(requestID)",
                [
                    ("answer", "more-information"),
                    ("note", canaries.make("note"))
                ])
            check(
                try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 3),
                .verificationAnswered, caseID: caseID, link: casePage, to: officers)

            // An intervention waits for approval: its drafter is not asked.
            try await team.drafter.get("\(casePage)/interventions/new?kind=urgent-appeal")
            let draft = try await team.drafter.post(
                "\(casePage)/interventions/new",
                [
                    ("kind", "urgent-appeal"), ("language", "en"), ("follow_up_of", ""), ("translation_of", ""),
                    ("title", canaries.make("title")), ("summary", canaries.make("summary")),
                    ("body", canaries.make("body"))
                ])
            let draftPath = try #require(draft.location)
            check(
                try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 2),
                .interventionApproval, caseID: caseID, link: draftPath,
                to: ["approver@example.org", "amal@example.org"])

            // A beneficiary's report falls overdue.
            let person = canaries.make("beneficiary")
            try await CaseRecords.addPerson(
                NewPerson(
                    kind: .defender, name: person, consents: false,
                    description: canaries.make("pubdesc"), contact: "+1 555"),
                by: "drafter@example.org", to: caseID, now: clock.now(),
                cipher: app.site.cipher, on: app.db)
            let personID = try #require(
                try await CaseStore.find(caseID, cipher: app.site.cipher, on: app.db)?
                    .people.first { $0.name.reveal() == person }?.id)
            let criteria = try await AssistanceSettings.load(on: app.db).activeCriteria.map { ("criterion", $0.id) }
            try await team.drafter.get("/office/assistance?case=\(caseID)")
            let grant = try await team.drafter.post(
                "/office/assistance",
                [
                    ("case", caseID), ("beneficiary", personID), ("kind", "medical"), ("currency", "EUR"),
                    ("amount", "100"), ("purpose", canaries.make("purpose"))
                ] + criteria)
            let grantPath = try #require(grant.location, "\(grant.body.prefix(400))")
            for approver in [team.approver, third] {
                try await approver.get(grantPath)
                #expect(try await approver.post(grantPath + "/approve", []).status == .seeOther)
            }
            try await team.drafter.get(grantPath)
            #expect(
                try await team.drafter.post(grantPath + "/report", [("due", "2026-11-01"), ("received", "")])
                    .status == .seeOther)
            check(
                try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 3),
                .assistanceOverdue, caseID: caseID, link: grantPath, to: officers)
            // Raised once: later rounds add nothing.
            #expect(try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 0).isEmpty)

            // A second request is never answered: when it expires, one alert each.
            try await team.drafter.get(casePage)
            try await team.drafter.post(
                "\(casePage)/verifications",
                [
                    ("organisation", "org-1"), ("shared", canaries.make("shared2")), ("days", "7")
                ])
            _ = try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 1)
            clock.advance(seconds: 7 * 86_400 + 60)
            let expired = try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 3)
            check(expired, .verificationExpired, caseID: caseID, link: casePage, to: officers)
            clock.advance(seconds: 3_600)
            #expect(
                try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 0)
                    .filter { officers.contains($0.to) }.isEmpty)
        }
    }

    /// A digest person gets nothing during the day and one message the next day listing the day's alerts, even with
    /// two instances sending at once; whoever is on call gets a new report at once whatever they chose, and nothing
    /// else they did not choose; the administrator's on-call change is audited.
    @Test(arguments: Engine.all)
    func digestOrAtOnceAndOnCall(_ engine: Engine) async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        let clock = MutableClock()
        try await withApp(engine, clock: clock, publicURL: Self.base) { app in
            let canaries = Canaries()
            let team = try await CaseTeam.make(app)
            let watcher = try await Self.officer("watch@example.org", app)
            let admin = try await Self.person("admin@example.org", [.administrator], app)
            try await team.approver.get("/account/alerts")
            let saved = try await team.approver.post(
                "/account/alerts",
                [
                    ("event", "report.new"), ("event", "report.added"), ("delivery", "digest")
                ])
            #expect(saved.status == .seeOther && saved.location == "/account/alerts?notice=saved")
            let page = try await team.approver.get("/account/alerts?notice=saved")
            #expect(
                page.body.contains("value=\"digest\" checked") && page.body.contains("value=\"report.new\" checked")
                    && !page.body.contains("value=\"verification.answered\" checked"))
            try await watcher.get("/account/alerts")
            #expect(try await watcher.post("/account/alerts", [("delivery", "digest")]).status == .seeOther)
            try await admin.get("/office/on-call")
            let watcherID = try #require(try await AccountStore.find(email: "watch@example.org", on: app.db)?.id)
            #expect(
                try await admin.post("/office/on-call", [("account", watcherID), ("on_call", "yes")]).status
                    == .seeOther)
            #expect(try await admin.get("/office/on-call").body.contains("watch@example.org"))
            #expect(try await watcher.get("/account/alerts").body.contains("id=\"on-call\""))

            let worker = SubscriptionTests.worker(app, server)
            var seen = 0
            var cases: [String] = []
            for _ in 0..<3 {
                let receipt = try await TestBrowser(app).report(
                    person: canaries.make("name"),
                    description: canaries.make("d"),
                    account: canaries.make("a"))
                cases.append(try await Self.caseID(after: receipt, app))
            }
            let day = try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 6)
            #expect(day.filter { $0.to == "drafter@example.org" }.count == 3)
            #expect(day.filter { $0.to == "watch@example.org" }.count == 3, "on call: at once, whatever the digest")
            #expect(!day.contains { $0.to == "approver@example.org" })
            Self.noCanary(day, canaries)

            // An addition: the drafter at once; the on-call person chose nothing, so nothing; the digest waits.
            let partnerView = try await team.drafter.get("/office/cases/\(cases[0])")
            #expect(partnerView.status == .ok)
            try await team.drafter.post(
                "/office/cases/\(cases[0])/verifications",
                [
                    ("organisation", "org-1"), ("shared", canaries.make("shared")), ("days", "7")
                ])
            let list = try await team.partner.get("/partner/verifications")
            let requestID = try #require(
                firstMatch(
                    "/partner/verifications/(verification-[a-z0-9]{12})",
                    in: list.body))
            try await team.partner.get("/partner/verifications/\(requestID)")
            try await team.partner.post(
                "/partner/verifications/\(requestID)",
                [
                    ("answer", "confirmed"),
                    ("note", canaries.make("note"))
                ])
            let answered = try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 2)
            #expect(Set(answered.map(\.to)) == ["partner@example.org", "drafter@example.org"])

            // The next day: one digest for the approver (and the on-call person, who chose nothing, none), even with
            // two instances at once.
            clock.advance(seconds: 86_400)
            let other = SubscriptionTests.worker(app, server, "other")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in [worker, other, worker, other] {
                    group.addTask { while try await w.runOnce(now: clock.now(), on: app.db) > 0 {} }
                }
                try await group.waitForAll()
            }
            let digests = try await server.waitFor(seen + 1).dropFirst(seen).map(Received.init)
            seen += digests.count
            #expect(digests.map(\.to) == ["approver@example.org"], "\(digests.map(\.to))")
            let digest = try #require(digests.first)
            #expect(digest.subject.hasPrefix("Observatory: the alerts of "))
            for id in cases { #expect(digest.text.contains(Self.base + "/office/cases/\(id)")) }
            #expect(digest.text.components(separatedBy: "A new report has arrived.").count - 1 == 3)
            #expect(!digest.text.contains("A partner has answered"), "not chosen")
            Self.noCanary(digests, canaries)
            clock.advance(seconds: 3_600)
            #expect(
                try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 0).isEmpty,
                "one digest a day")

            // On call ends: the next report goes to the drafter only (the approver's waits for tomorrow).
            let nextAdmin = try await Self.person("admin2@example.org", [.administrator], app, clock: clock)
            try await nextAdmin.get("/office/on-call")
            #expect(
                try await nextAdmin.post("/office/on-call", [("account", watcherID), ("on_call", "no")]).status
                    == .seeOther)
            _ = try await TestBrowser(app).report(person: "P", description: "D", account: "A")
            let after = try await Self.drain(worker, server, app, now: clock.now(), seen: &seen, expect: 1)
            #expect(after.map(\.to) == ["drafter@example.org"])
            let audit = try await Self.audit("user.on-call", app)
            #expect(
                audit.map(\.actor) == ["admin@example.org", "admin2@example.org"]
                    && audit.allSatisfy { $0.recordId == watcherID })
        }
    }

    /// Dozens of reports at once, sent by two instances at once: each case officer gets exactly one alert per
    /// report, each with its own case's number.
    @Test(arguments: Engine.all)
    func simultaneousReportsGiveOneAlertEach(_ engine: Engine) async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        try await withApp(engine, publicURL: Self.base) { app in
            let team = try await CaseTeam.make(app)
            _ = team
            let count = 30
            let receipts = try await withThrowingTaskGroup(of: String?.self) { group in
                for n in 0..<count {
                    group.addTask {
                        try await TestBrowser(app).report(person: "Person \(n)", description: "d", account: "a")
                    }
                }
                return try await group.reduce(into: [String]()) { if let code = $1 { $0.append(code) } }
            }
            #expect(receipts.count == count)
            let workers = ["a", "b", "c"].map { SubscriptionTests.worker(app, server, $0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in workers + workers {
                    group.addTask { while try await w.runOnce(now: testClock.now(), on: app.db) > 0 {} }
                }
                try await group.waitForAll()
            }
            let received = try await server.waitFor(2 * count).map(Received.init)
            try await Task.sleep(nanoseconds: 300_000_000)
            #expect(server.messages().count == 2 * count)
            var ids: [String: Set<String>] = [:]
            for message in received {
                let id = try #require(firstMatch("/office/cases/(case-[a-z0-9]+)", in: message.text))
                ids[message.to, default: []].insert(id)
            }
            #expect(ids["drafter@example.org"]?.count == count && ids["approver@example.org"]?.count == count)
            struct N: Decodable { let n: Int }
            let rows = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'alert'")
                .first(decoding: N.self)?.n
            #expect(rows == 2 * count)
        }
    }

    /// The settings change only with the page's CSRF token, only the signed-in person's own, only for case officers;
    /// the on-call choice only by an administrator and only for an enabled case officer; fuzzed values are refused
    /// by name with nothing changed; every change audited.
    @Test(arguments: Engine.all)
    func settingsAreOwnAuditedAndRefusedWithoutCSRF(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let editor = try await Self.person("editor@example.org", [.editor], app)
            let admin = try await Self.person("admin@example.org", [.administrator], app)
            let accounts = try await AccountStore.all(on: app.db)
            let drafterID = try #require(accounts.first { $0.email == "drafter@example.org" }?.id)
            let approverID = try #require(accounts.first { $0.email == "approver@example.org" }?.id)
            let editorID = try #require(accounts.first { $0.email == "editor@example.org" }?.id)
            func stored(_ id: String) async throws -> AlertPreferences {
                try await StaffAlerts.preferences(of: id, on: app.db)
            }
            func entries() async throws -> Int {
                try await Self.audit("account.alerts", app).count
            }

            try await team.drafter.get("/account/alerts")
            let forged = try await team.drafter.post("/account/alerts", [("delivery", "digest")], csrf: "wrong")
            #expect(forged.status == .forbidden && forged.body.contains("did not come from this site"))
            #expect(try await stored(drafterID) == AlertPreferences())
            #expect(try await entries() == 0)
            for outsider in [editor, team.partner, admin] {
                #expect(try await outsider.get("/account/alerts").status == .forbidden)
                #expect(try await outsider.post("/account/alerts", [("delivery", "digest")]).status == .forbidden)
            }
            #expect(!(try await editor.get("/account").body.contains("alert-settings-link")))
            #expect(try await team.drafter.get("/account").body.contains("alert-settings-link"))

            // Naming someone else changes nothing of theirs.
            try await team.drafter.get("/account/alerts")
            let own = try await team.drafter.post(
                "/account/alerts",
                [
                    ("user_id", approverID), ("id", approverID),
                    ("account", approverID), ("delivery", "digest")
                ])
            #expect(own.status == .seeOther)
            #expect(try await stored(drafterID) == AlertPreferences(events: [], delivery: .digest))
            #expect(try await stored(approverID) == AlertPreferences())

            // Generated forms: accepted exactly when every value is one of the choices, else refused by name.
            let names = AlertEvent.allCases.map(\.rawValue)
            let junk = Gen.oneOf(
                Gen.letterOrNumber.string(of: 0...10), Gen.latin1.string(of: 1...20),
                Gen.int(in: 0...5).map { names[$0] + " " },
                Gen.int(in: 0...5).map { names[$0].uppercased() })
            let value = Gen.oneOf(Gen.int(in: 0...5).map { names[$0] }, junk)
            let delivery = Gen.oneOf(Gen.int(in: 0...1).map { ["now", "digest"][$0] }, junk)
            await propertyCheck(count: 40, input: value.array(of: 0...4), delivery) { events, how in
                do {
                    let before = try await stored(drafterID), count = try await entries()
                    try await team.drafter.get("/account/alerts")
                    let page = try await team.drafter.post(
                        "/account/alerts",
                        events.map { ("event", $0) } + [("delivery", how)])
                    let valid =
                        events.allSatisfy { AlertEvent(rawValue: $0) != nil }
                        && AlertDelivery(rawValue: how) != nil
                    if valid {
                        #expect(page.status == .seeOther)
                        #expect(
                            try await stored(drafterID)
                                == AlertPreferences(
                                    events: Set(events.compactMap(AlertEvent.init(rawValue:))),
                                    delivery: AlertDelivery(rawValue: how)!))
                        #expect(try await entries() == count + 1)
                    } else {
                        #expect(page.status == .unprocessableEntity && page.body.contains("Nothing was changed"))
                        #expect(try await stored(drafterID) == before)
                        #expect(try await entries() == count)
                    }
                } catch { Issue.record("\(error)") }
            }

            // On call: administrators only, for enabled case officers only.
            #expect(try await team.drafter.get("/office/on-call").status == .forbidden)
            #expect(
                try await team.drafter.post("/office/on-call", [("account", drafterID), ("on_call", "yes")]).status
                    == .forbidden)
            try await admin.get("/office/on-call")
            #expect(
                try await admin.post("/office/on-call", [("account", drafterID), ("on_call", "yes")], csrf: "wrong")
                    .status == .forbidden)
            for (id, value) in [(editorID, "yes"), ("user-nope", "yes"), (drafterID, "maybe"), (drafterID, "")] {
                let refused = try await admin.post("/office/on-call", [("account", id), ("on_call", value)])
                #expect(refused.status == .unprocessableEntity && refused.body.contains("Nothing was changed"))
            }
            #expect(try await stored(drafterID).onCall == false)
            #expect(try await stored(editorID) == AlertPreferences())
            #expect(
                try await admin.post("/office/on-call", [("account", drafterID), ("on_call", "yes")]).status
                    == .seeOther)
            let after = try await stored(drafterID)
            #expect(after.onCall, "on call")
            try await team.drafter.get("/account/alerts")
            #expect(try await team.drafter.post("/account/alerts", [("delivery", "now")]).status == .seeOther)
            #expect(try await stored(drafterID).onCall, "a person's own settings never end their on-call duty")
        }
    }
}
