import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Subscriptions end to end, with a real SMTP server: double opt-in, matching, unsubscribing, retries, bounces,
/// and no message sent twice by concurrent workers.
@Suite struct SubscriptionTests {
    static func worker(_ app: Application, _ server: TestSMTPServer, _ name: String = "test") -> MailWorker {
        MailWorker(
            instance: name, mailer: SMTPClient(settings: server.settings(), group: app.eventLoopGroup),
            composer: app.site.composer)
    }

    static func drain(_ worker: MailWorker, _ app: Application, now: Date = testClock.now()) async throws {
        while try await worker.runOnce(now: now, on: app.db) > 0 {}
    }

    /// Subscribes through the public form; returns the page.
    static func subscribe(
        _ app: Application, _ fields: [(String, String)], path: String = "/subscribe"
    ) async throws -> TestBrowser.Page {
        let browser = TestBrowser(app)
        try await browser.get(path)
        return try await browser.post(path, fields)
    }

    /// A confirmed subscriber, made straight in the store.
    static func activeSubscriber(
        _ email: String, _ preferences: SubscriptionPreferences, _ app: Application, now: Date = testClock.now()
    ) async throws {
        let (s, _) = try await SubscriberStore.request(
            email: email, preferences: preferences, now: now, cipher: app.site.cipher, on: app.db)
        try await SubscriberStore.setStatus(s.id, .active, now: now, on: app.db)
    }

    static func link(_ pattern: String, in message: String) -> String? {
        firstMatch("https://obs\\.example(/\(pattern)/[A-Za-z0-9_-]{43})", in: decodedPart(message) ?? "")
    }

    static func publish(_ p: ArchivePublication, _ app: Application) async throws {
        try await EditorialStore.save(p, status: .published, publishAt: nil, now: testClock.now(), on: app.db)
    }

    @Test(arguments: Engine.all)
    func doubleOptInThenAppealsThenOneClickUnsubscribe(_ engine: Engine) async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        try await withApp(engine, publicURL: "https://obs.example") { app in
            let worker = Self.worker(app, server)
            let page = try await Self.subscribe(
                app, [("email", "Ana@Example.org"), ("languages", "en"), ("scope", "all")])
            #expect(page.status == .ok && page.body.contains("Check your inbox"))
            try await Self.publish(publication("before-confirming", .urgentIntervention, kind: .urgentAppeal), app)
            try await Self.drain(worker, app)
            var received = server.messages()
            #expect(received.count == 1, "only the confirmation before confirming")
            let confirm = try #require(received.first)
            #expect(
                confirm.contains("X-Envelope-To: ana@example.org")
                    && confirm.contains("Subject: Confirm your subscription"))
            let confirmPath = try #require(Self.link("subscribe/confirm", in: confirm))
            let visitor = TestBrowser(app)
            #expect(
                try await visitor.get(confirmPath).body.contains("<button type=\"submit\">Confirm</button>"),
                "opening the link changes nothing")
            #expect(try await visitor.post(confirmPath, []).body.contains("Your subscription is confirmed."))

            try await Self.publish(
                publication(
                    "appeal-1", .urgentIntervention, kind: .urgentAppeal, title: "Mexico: an appeal for Ana",
                    reference: "MEX 001 / 1126 / OBS 001"), app)
            try await Self.publish(
                publication("statement-1", .statement, title: "A statement Ana did not ask for"), app)
            try await Self.drain(worker, app)
            received = server.messages()
            #expect(received.count == 2)
            let appeal = try #require(received.last)
            #expect(
                appeal.contains("Subject: Mexico: an appeal for Ana")
                    && decodedPart(appeal)?.contains("MEX 001 / 1126 / OBS 001") == true)
            #expect(decodedPart(appeal)?.contains("https://obs.example/publications/appeal-1") == true)
            let unsubscribe = try #require(
                firstMatch("List-Unsubscribe: <https://obs\\.example(/unsubscribe/[A-Za-z0-9_-]{43})>", in: appeal))
            #expect(appeal.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
            // Publishing the same appeal again (an edit) sends nothing more.
            try await Self.publish(
                publication(
                    "appeal-1", .urgentIntervention, kind: .urgentAppeal, title: "Mexico: an appeal for Ana (corrected)"
                ), app)

            // One click from the mail client: a POST without any form token.
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            let gone = try await TestBrowser(app).send(
                .POST, unsubscribe, buffer: ByteBuffer(string: "List-Unsubscribe=One-Click"), headers: headers)
            #expect(gone.status == .ok && gone.body.contains("You are unsubscribed"))
            try await Self.publish(publication("appeal-2", .urgentIntervention, kind: .urgentAppeal), app)
            try await Self.drain(worker, app)
            #expect(server.messages().count == 2, "nothing after unsubscribing")
            #expect(
                try await TestBrowser(app).get("/unsubscribe/not-a-token-not-a-token-not-a-token-000000").status
                    == .notFound)
        }
    }

    @Test(arguments: Engine.all)
    func eachSubscriberGetsWhatTheyChoseInTheirLanguage(_ engine: Engine) async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        try await withApp(engine, publicURL: "https://obs.example") { app in
            func subscriber(_ email: String, _ p: SubscriptionPreferences) async throws {
                try await Self.activeSubscriber(email, p, app)
            }
            try await subscriber("all@example.org", .init(languages: [.en], scope: .all))
            try await subscriber("mexico@example.org", .init(languages: [.en], scope: .selected, countries: ["MX"]))
            try await subscriber(
                "statements@example.org", .init(languages: [.en], scope: .selected, types: [.statement]))
            try await subscriber(
                "esc@example.org",
                .init(languages: [.en], scope: .selected, programmes: [.economicSocialCulturalRights]))
            try await subscriber("bulletin@example.org", .init(languages: [.en], scope: .none, bulletin: true))
            try await subscriber("francais@example.org", .init(languages: [.fr, .en], scope: .all))
            try await subscriber("espanol@example.org", .init(languages: [.es], scope: .all))

            try await Self.publish(
                publication(
                    "ua-mx", .urgentIntervention, kind: .urgentAppeal, title: "Mexico: appeal", countries: ["MX"]), app)
            try await Self.publish(
                publication(
                    "ua-mx-fr", .urgentIntervention, kind: .urgentAppeal, language: .fr, title: "Mexique : appel",
                    countries: ["MX"], translationOf: "ua-mx"), app)
            try await Self.publish(
                publication(
                    "st-co", .statement, title: "Colombia: statement", countries: ["CO"],
                    programmes: [.economicSocialCulturalRights]), app)
            try await Self.publish(publication("ev-mx", .event, title: "Mexico: an event", countries: ["MX"]), app)
            try await Self.drain(Self.worker(app, server), app)

            var got: [String: [String]] = [:]
            for message in server.messages() {
                let to = try #require(firstMatch("X-Envelope-To: (\\S+)", in: message))
                got[to, default: []].append(firstMatch("\r\nSubject: ([^\r]+)", in: message) ?? "")
            }
            #expect(got["all@example.org"] == ["Mexico: appeal"])
            #expect(got["mexico@example.org"] == ["Mexico: appeal"], "events are not mailed")
            #expect(got["statements@example.org"] == ["Colombia: statement"])
            #expect(got["esc@example.org"] == ["Colombia: statement"])
            #expect(got["bulletin@example.org"] == nil)
            #expect(got["francais@example.org"] == ["Mexique : appel"], "one message, the French version")
            let french = try #require(server.messages().first { $0.contains("X-Envelope-To: francais@example.org") })
            #expect(french.contains("Content-Language: fr") && decodedPart(french)?.contains("Mexique : appel") == true)
            #expect(got["espanol@example.org"] == ["Mexico: appeal"], "no Spanish version: the original")
        }
    }

    @Test(arguments: Engine.all)
    func concurrentWorkersNeverSendAMessageTwice(_ engine: Engine) async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        try await withApp(engine, publicURL: "https://obs.example") { app in
            for n in 0..<60 {
                try await Self.activeSubscriber("reader\(n)@example.org", .init(languages: [.en], scope: .all), app)
            }
            try await Self.publish(publication("appeal", .urgentIntervention, kind: .urgentAppeal), app)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<3 {
                    var worker = Self.worker(app, server, "instance-\(n)")
                    worker.batchSize = 7
                    group.addTask { try await Self.drain(worker, app) }
                }
                try await group.waitForAll()
            }
            let received = try await server.waitFor(60)
            let recipients = received.compactMap { firstMatch("X-Envelope-To: (\\S+)", in: $0) }
            #expect(recipients.count == 60 && Set(recipients).count == 60)
            struct Row: Decodable { let claimedBy: String? }
            let claimed = try await app.db.sql.raw("SELECT claimed_by FROM outbox WHERE status = 'sent'").all(
                decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            #expect(claimed.count == 60 && Set(claimed.compactMap(\.claimedBy)).count >= 2, "the work was shared")
        }
    }

    @Test(arguments: Engine.all)
    func temporaryFailuresAreRetriedAndBouncesStop(_ engine: Engine) async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        let clock = MutableClock()
        try await withApp(engine, clock: clock, publicURL: "https://obs.example") { app in
            for email in ["tempfail@example.org", "bounce@example.org"] {
                try await Self.activeSubscriber(email, .init(languages: [.en], scope: .all), app, now: clock.now())
            }
            try await EditorialStore.save(
                publication("appeal", .urgentIntervention, kind: .urgentAppeal), status: .published, publishAt: nil,
                now: clock.now(), on: app.db)
            let worker = Self.worker(app, server)
            try await Self.drain(worker, app, now: clock.now())
            #expect(server.messages().isEmpty)
            let mail = try await app.get("/office/mail")
            #expect(mail.status != .ok, "the mail page is for administrators")
            struct Row: Decodable { let id: Int64, status: String, attempts: Int, lastError: String? }
            let rows = try await app.db.sql.raw("SELECT id, status, attempts, last_error FROM outbox ORDER BY id")
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            #expect(rows.map(\.status).sorted() == ["failed", "queued"])
            #expect(
                rows.contains { row in
                    let opened = row.lastError.flatMap {
                        try? app.site.cipher.open($0, in: .outboxError, row: String(row.id)).reveal()
                    }
                    return row.status == "queued" && opened?.contains("451") == true
                }, "the error is kept, sealed")
            try await Self.drain(worker, app, now: clock.now())
            #expect(server.messages().isEmpty, "not before its time")
            clock.advance(seconds: 61)
            try await Self.drain(worker, app, now: clock.now())
            let received = try await server.waitFor(1)
            #expect(received.count == 1 && received[0].contains("X-Envelope-To: tempfail@example.org"))
            struct Status: Decodable { let status: String }
            let statuses = try await app.db.sql.raw("SELECT status FROM subscribers ORDER BY status").all(
                decoding: Status.self
            ).map(\.status)
            #expect(statuses == ["active", "bounced"])
        }
    }

    @Test(arguments: Engine.all)
    func preferencesChangeFromTheLinkAndStrangersCannotChangeThem(_ engine: Engine) async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        try await withApp(engine, publicURL: "https://obs.example") { app in
            let bad = try await Self.subscribe(
                app, [("email", "not an address"), ("scope", "selected"), ("countries", "Atlantis")])
            #expect(bad.status == .unprocessableEntity)
            for message in [
                "Give a valid e-mail address.", "Choose at least one language.", "Unknown country: Atlantis."
            ] { #expect(bad.body.contains(message)) }
            let french = try await Self.subscribe(
                app,
                [
                    ("email", "ana@example.org"), ("languages", "fr"), ("scope", "selected"),
                    ("countries", "Mexique; Colombia"), ("bulletin", "yes")
                ], path: "/fr/subscribe")
            #expect(french.body.contains("Consultez votre boîte de réception"))
            let worker = Self.worker(app, server)
            try await Self.drain(worker, app)
            let confirm = try #require(server.messages().first)
            #expect(confirm.contains("Content-Language: fr"))
            let confirmPath = try #require(Self.link("subscribe/confirm", in: confirm))
            try await TestBrowser(app).post(confirmPath, [])
            // Someone else types the same address: the preferences stay, the owner is sent a link instead.
            _ = try await Self.subscribe(app, [("email", "ana@example.org"), ("languages", "en"), ("scope", "all")])
            try await Self.drain(worker, app)
            let manage = try #require(server.messages().last)
            #expect(manage.contains("X-Envelope-To: ana@example.org") && manage.contains("Content-Language: fr"))
            let preferencesPath = try #require(Self.link("subscription", in: manage))
            let owner = TestBrowser(app)
            let form = try await owner.get(preferencesPath)
            #expect(
                form.body.contains("value=\"fr\" checked") && form.body.contains("Mexique; Colombie")
                    && !form.body.contains("ana@example.org"))
            let saved = try await owner.post(preferencesPath, [("languages", "es"), ("scope", "all")])
            #expect(saved.status == .ok && saved.body.contains("Guardado."), "the page follows the new language")
            let s = try #require(
                try await SubscriberStore.find(
                    token: String(preferencesPath.split(separator: "/").last!), cipher: app.site.cipher, on: app.db))
            #expect(s.preferences == SubscriptionPreferences(languages: [.es], scope: .all))
            struct Row: Decodable { let emailSealed: String }
            let stored = try await app.db.sql.raw("SELECT email_sealed FROM subscribers").all(
                decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            #expect(stored.count == 1 && !stored[0].emailSealed.contains("ana@"), "addresses are sealed")
        }
    }
}
