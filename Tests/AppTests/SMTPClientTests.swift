import Foundation
import NIOCore
import NIOPosix
import ObservatoryCore
import Testing

@testable import App

/// The SMTP client against a real SMTP server (aiosmtpd): plain, STARTTLS with a private CA, AUTH, refusals.
@Suite struct SMTPClientTests {
    static func message(
        to: String, subject: String = "Urgent appeal: Mexico", text: String = "Café, ça va.\n.a line with a dot"
    ) -> MailMessage {
        MailMessage(
            from: "observatory@example.org", fromName: "Observatoire", to: to, subject: subject, text: text,
            html: "<p>Café</p>", unsubscribeURL: "https://obs.example/unsubscribe/abc",
            messageID: "\(UUID().uuidString)@obs.example",
            date: Date(timeIntervalSince1970: 1_763_600_000), language: "fr")
    }

    @Test func deliversABatchAndSortsOutRefusals() async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        let client = SMTPClient(settings: server.settings(), group: MultiThreadedEventLoopGroup.singleton)
        let results = await client.send([
            Self.message(to: "ana@example.org"), Self.message(to: "bounce@example.org"),
            Self.message(to: "tempfail@example.org"),
            Self.message(to: "ben@example.org", subject: "Défenseurs — appel urgent")
        ])
        #expect(results[0] == .sent && results[3] == .sent)
        guard case .permanent(let why) = results[1], case .temporary(let later) = results[2] else {
            Issue.record("refusals: \(results)"); return
        }
        #expect(why.contains("550") && later.contains("451"))
        let received = try await server.waitFor(2)
        #expect(received.count == 2)
        let first = try #require(received.first)
        #expect(
            first.contains("X-Envelope-To: ana@example.org")
                && first.contains("List-Unsubscribe: <https://obs.example/unsubscribe/abc>"))
        #expect(
            first.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
                && first.contains("Subject: Urgent appeal: Mexico"))
        #expect(decodedPart(first) == "Café, ça va.\n.a line with a dot")
        #expect(received[1].contains("Subject: =?UTF-8?B?"))
        // The temporary failure succeeds when tried again.
        #expect(await client.send([Self.message(to: "tempfail@example.org")]) == [.sent])
    }

    @Test func startTLSWithAPrivateCertificateAndAuthentication() async throws {
        let server = try TestSMTPServer(tls: true, user: "relay", password: "s3cret-pass")
        defer { server.stop() }
        let good = SMTPClient(
            settings: server.settings(security: .starttls, user: "relay", password: "s3cret-pass"),
            group: MultiThreadedEventLoopGroup.singleton)
        #expect(await good.send([Self.message(to: "ana@example.org")]) == [.sent])
        let received = try await server.waitFor(1)
        #expect(received.first?.contains("X-TLS: yes") == true)
        let wrong = SMTPClient(
            settings: server.settings(security: .starttls, user: "relay", password: "wrong"),
            group: MultiThreadedEventLoopGroup.singleton)
        guard case .temporary(let why) = await wrong.send([Self.message(to: "ana@example.org")]).first else {
            Issue.record("wrong password accepted"); return
        }
        #expect(why.contains("AUTH"))
        var untrusted = server.settings(security: .starttls, user: "relay", password: "s3cret-pass")
        untrusted.caFile = nil
        let refused = await SMTPClient(settings: untrusted, group: MultiThreadedEventLoopGroup.singleton).send([
            Self.message(to: "ana@example.org")
        ])
        #expect(refused.first != .sent, "a certificate no one vouches for is refused")
    }

    @Test func anUnreachableServerIsATemporaryFailure() async {
        let settings = SMTPSettings(host: "127.0.0.1", port: 9, security: .none, from: "observatory@example.org")
        let results = await SMTPClient(
            settings: settings, group: MultiThreadedEventLoopGroup.singleton, timeout: .seconds(5)
        )
        .send([Self.message(to: "a@example.org"), Self.message(to: "b@example.org")])
        #expect(results.count == 2 && results.allSatisfy { if case .temporary = $0 { true } else { false } })
    }
}
