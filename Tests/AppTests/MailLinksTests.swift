import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Every link of every message the outbox sends is absolute on `OBSERVATORY_PUBLIC_URL`; the bulletin's text part is
/// the whole bulletin; without the public address nothing is sent and the server says why.
@Suite struct MailLinksTests {
    static let base = "https://observatory.example"

    /// Every link of a message's text and HTML parts: attribute values, Markdown destinations, bare URLs and paths.
    static func links(in message: String) -> [String] {
        let text = decodedPart(message) ?? "", html = decodedPart(message, type: "text/html") ?? ""
        var found = AbsoluteLinks.attributeValues(in: html)
        for part in [text, html] { found += matches("((?:https?:)?//[^\\s<\"')]+)", in: part) }
        // In the HTML part a Markdown link the renderer refused is text, not a link; in the text part it is a link.
        found += matches("\\]\\(([^) \\n]+)", in: text)
        // A path standing alone in the text part is a link a reader would copy.
        found += matches("(?:^|\\s)(/[^\\s]+)", in: text)
        found += matches("List-Unsubscribe: <([^>]+)>", in: message)
        return found
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// One message of every kind the outbox knows (confirm, manage, publication, bulletin), as received.
    static func everyKind(_ app: Application, _ server: TestSMTPServer) async throws -> [String] {
        try await ReportsTests.october(app)
        // setup: a body and an introduction whose Markdown links are relative, as editors write them
        let body =
            "See [the country](/countries/mx), [the list](publications?type=statement) and "
            + "![a map](/map.svg). Also /fr/publications/ua-mx and [mail](mailto:desk@example.org)."
        try await SubscriptionTests.publish(
            publication(
                "ua-links", .urgentIntervention, kind: .urgentAppeal,
                on: "2026-10-25", title: "Mexico: links", body: body), app)
        try await BulletinStore.save(
            BulletinMonth("2026-10")!, language: .fr,
            introduction: "Lire [le rapport](/fr/publications/st-world) et [la carte](/fr/map).", publish: false,
            by: "editor@example.org", now: testClock.now(), on: app.db)
        try await SubscriptionTests.activeSubscriber(
            "all@example.org",
            .init(
                languages: [.fr], scope: .all,
                bulletin: true), app)
        // act: every kind the outbox knows: confirm, manage, publication, bulletin
        let page = try await SubscriptionTests.subscribe(
            app,
            [
                ("email", "new@example.org"), ("languages", "en"),
                ("scope", "all")
            ])
        #expect(page.status == .ok)
        _ = try await SubscriptionTests.subscribe(
            app,
            [
                ("email", "all@example.org"), ("languages", "fr"),
                ("scope", "all")
            ])
        try await SubscriptionTests.publish(
            publication(
                "ua-after", .urgentIntervention, kind: .urgentAppeal,
                on: "2026-10-26", title: "Mexico: another appeal", body: body), app)
        try await BulletinStore.save(
            BulletinMonth("2026-10")!, language: .fr,
            introduction: "Lire [le rapport](/fr/publications/st-world) et [la carte](/fr/map).", publish: true,
            by: "editor@example.org", now: testClock.now(), on: app.db)
        let worker = SubscriptionTests.worker(app, server)
        try await SubscriptionTests.drain(worker, app)
        return try await server.waitFor(4)
    }

    @Test(arguments: Engine.all)
    func everyLinkOfEveryKindOfMessageIsAbsoluteOnThePublicAddress(_ engine: Engine) async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        try await withApp(engine, publicURL: Self.base) { app in
            let received = try await Self.everyKind(app, server)
            // assert
            #expect(received.count == 4)
            for kind in ["/subscribe/confirm/", "/bulletins/2026-10/fr", "/publications/ua-after", "/subscription/"] {
                #expect(
                    received.contains { (decodedPart($0) ?? "").contains(Self.base + kind) },
                    "a message with \(kind)")
            }
            #expect(received.contains { $0.contains("Content-Language: fr") })
            for message in received {
                let links = Self.links(in: message)
                #expect(links.count >= 3, "links found: \(links)")
                for link in links where !link.hasPrefix("mailto:") {
                    let host = URL(string: link)?.host
                    #expect(
                        link.hasPrefix(Self.base + "/") && host == "observatory.example",
                        "\(link) in \(message.prefix(200))")
                }
                #expect(!message.contains("//localhost") && !message.contains("//127.0.0.1"))
            }
        }
    }

    @Test(arguments: Engine.all)
    func theBulletinsTextPartCarriesEveryItemOfItsHTMLPart(_ engine: Engine) async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        try await withApp(engine, publicURL: Self.base) { app in
            try await ReportsTests.october(app)
            try await SubscriptionTests.activeSubscriber(
                "b@example.org",
                .init(
                    languages: [.fr], scope: .none,
                    bulletin: true), app)
            try await BulletinStore.save(
                BulletinMonth("2026-10")!, language: .fr,
                introduction: "Un mois **difficile**.",
                publish: true, by: "editor@example.org", now: testClock.now(), on: app.db)
            try await SubscriptionTests.drain(SubscriptionTests.worker(app, server), app)
            let message = try #require(try await server.waitFor(1).first)
            let text = try #require(decodedPart(message)), html = try #require(decodedPart(message, type: "text/html"))
            // The HTML part's items: link, title and one-line summary of each.
            let items = Self.matches("<li><a href=\"([^\"]+)\"[^>]*><bdi>([^<]+)</bdi></a>", in: html)
            let titles = Self.matches("<bdi>([^<]+)</bdi></a>", in: html)
            #expect(items.count == 3 && titles.count == 3, "\(html)")
            for (link, title) in zip(items, titles) {
                let unescaped = title.replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(
                    of: "&amp;",
                    with: "&")
                #expect(text.contains("* " + unescaped), "title \(unescaped) in the text part:\n\(text)")
                #expect(text.contains("  " + link + "\n") || text.hasSuffix("  " + link), "link \(link)")
            }
            for region in Self.matches("<h2>([^<]+)</h2>", in: html) { #expect(text.contains(region.uppercased())) }
            for country in Self.matches("<h3>([^<]+)</h3>", in: html) { #expect(text.contains("\n" + country + "\n")) }
            #expect(text.contains("Mexique : menaces contre un journaliste (MEX 004 / 1026 / OBS 090)"))
            #expect(text.contains("  4 octobre 2026") || text.contains("octobre 2026"), "dates in French:\n\(text)")
            #expect(text.contains("Un mois **difficile**."), "the introduction")
            #expect(text.contains("Summary of ua-mx-fr."), "the summaries")
            #expect(!text.contains("Summary of draft-oct") && !text.contains("September appeal"))
        }
    }

    @Test func withoutThePublicAddressMailWaitsAndTheServerAndTheMailPageSaySo() async throws {
        CapturedLogs.start()
        try await withApp(
            .sqlite,
            adjust: {
                $0.smtp = SMTPSettings(
                    host: "127.0.0.1", port: 1, security: .none,
                    from: "o@example.org")
            }
        ) { app in
            app.logger = Logger(label: "mail-links-test")
            startMailWorker(app)
            let logs = CapturedLogs.stop()
            #expect(
                logs.split(separator: "\n").contains {
                    $0.hasPrefix("warning") && $0.contains("OBSERVATORY_PUBLIC_URL is not set") && $0.contains("outbox")
                })
            let admin = try await AssistanceTests.signedIn("admin@example.org", [.administrator], in: app)
            let page = try await admin.get("/office/mail")
            #expect(page.body.contains("id=\"public-url-missing\"") && page.body.contains("OBSERVATORY_PUBLIC_URL"))
        }
        try await withApp(.sqlite, publicURL: Self.base) { app in
            let admin = try await AssistanceTests.signedIn("admin@example.org", [.administrator], in: app)
            #expect(!(try await admin.get("/office/mail")).body.contains("public-url-missing"))
        }
    }

    /// Every message is made in `MailComposer.envelope` and every send passes `AbsoluteLinks.message`: a message
    /// written anywhere else could carry a relative link past both.
    @Test func noMessageIsComposedOrSentAroundTheLinkGates() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/App")
        let files = FileManager.default.enumerator(atPath: root.path)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > 50)
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            let made = text.components(separatedBy: "MailMessage(").count - 1
            if file.hasSuffix("MailComposer.swift") {
                #expect(made == 1 && text.filter { !$0.isWhitespace }.contains("AbsoluteLinks.message(MailMessage("))
            } else {
                #expect(made == 0, "\(file) composes a message outside MailComposer.envelope")
            }
            for line in text.split(separator: "\n") where line.contains("mailer.send(") {
                #expect(line.contains("AbsoluteLinks.message("), "\(file): \(line)")
            }
        }
    }
}
