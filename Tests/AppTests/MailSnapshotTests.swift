import Foundation
import Testing
import Vapor

@testable import App

/// Each message a subscriber receives (issue 18), as the test mail server gets it: its subject, text part and
/// HTML part, compared with `__Snapshots__/mail/<kind>.{txt,html}`. Subscription tokens, which are random, are
/// replaced by a fixed text.
@Suite struct MailSnapshotTests {
    static func stable(_ text: String) -> String {
        text.replacing(
            try! Regex(#"(/subscribe/confirm/|/subscription/|/unsubscribe/)[A-Za-z0-9_-]+"#),
            with: { "\($0.output[1].substring ?? "")TOKEN" })
    }

    /// Which kind a received message is, by the link it carries.
    static func kind(_ text: String) -> String {
        if text.contains("/subscribe/confirm/") { return "confirm" }
        if text.contains("/bulletins/") { return "bulletin" }
        if text.contains("/publications/ua-after") { return "publication" }
        return "manage"
    }

    @Test func everyKindOfMessageInItsTextAndHTMLParts() async throws {
        let server = try TestSMTPServer()
        defer { server.stop() }
        try await withApp(.sqlite, publicURL: MailLinksTests.base) { app in
            let received = try await MailLinksTests.everyKind(app, server)
            var kinds: [String] = []
            for message in received {
                let text = try #require(decodedPart(message))
                let subject = message.components(separatedBy: "\r\n").first { $0.hasPrefix("Subject: ") } ?? ""
                let kind = Self.kind(text)
                kinds.append(kind)
                try SnapshotTests.assertSnapshot(
                    Self.stable(subject + "\n\n" + text), named: "mail/\(kind).txt")
                if let html = decodedPart(message, type: "text/html") {
                    try SnapshotTests.assertSnapshot(Self.stable(html), named: "mail/\(kind).html")
                }
            }
            #expect(kinds.sorted() == ["bulletin", "confirm", "manage", "publication"])
        }
    }
}
