import Fluent
import Foundation
import ObservatoryCore
import PropertyBased
import Testing
import Vapor

@testable import App

/// Every feed stays well-formed XML whatever is searched or stored: XML 1.0 forbids most control characters,
/// and one of them makes a feed reader reject the whole feed.
@Suite struct FeedXMLTests {
    /// Text with the characters XML forbids (C0 controls, U+FFFE, U+FFFF), the ones it allows, and markup.
    static let pieces = [
        "\u{1}", "\u{0}", "\u{8}", "\u{B}", "\u{C}", "\u{1F}", "\u{7F}", "\u{85}", "\u{FFFE}",
        "\u{FFFF}", "\t", "\n", "\r", "<", ">", "&", "]]>", "\"", "'", "Kazan", " ", "é", "😀", "&amp;",
        "<![CDATA[", "%01", "\u{202E}"
    ]
    static let xmlHostile = Gen<String?>.element(of: pieces).map { $0! }.array(of: 1...10).map { $0.joined() }

    static func expectWellFormed(
        _ page: (status: HTTPStatus, headers: HTTPHeaders, body: String), _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            page.status == .ok || page.status == .badRequest, "\(page.status) for \(what)",
            sourceLocation: sourceLocation)
        guard page.status == .ok else { return }
        let outline = XMLOutline(page.body)
        #expect(
            outline.error == nil, "not well formed: \(what): \(String(describing: outline.error))",
            sourceLocation: sourceLocation)
        #expect(!outline.elements.isEmpty, sourceLocation: sourceLocation)
    }

    @Test(arguments: Engine.all)
    func feedsStayWellFormedWhateverIsSearchedOrStored(_ engine: Engine) async throws {
        try await withApp(engine, pageCache: false) { app in
            // Stored publications whose titles, summaries and bodies hold generated hostile text.
            var stored: [ArchivePublication] = []
            // (Without NUL, which PostgreSQL cannot store in text at all.)
            let storable = Self.xmlHostile.map { $0.replacingOccurrences(of: "\u{0}", with: "") }
            await propertyCheck(count: 12, input: storable, storable) { title, summary in
                var p = publication(
                    "hostile-\(stored.count)", .urgentIntervention, kind: .urgentAppeal,
                    title: "Kazan \(title)", body: "Kazan body \(summary)", countries: ["RU"])
                p.summary = "Kazan summary \(summary)"
                stored.append(p)
            }
            try await store(stored, in: app)
            for path in [
                "/publications/feed.rss", "/publications/feed.atom", "/fr/publications/feed.atom",
                "/ar/publications/feed.rss",
                "/publications/feed.rss?country=ru", "/search/feed.rss?q=kazan", "/search/feed.atom?q=kazan",
                "/es/search/feed.atom?q=kazan", "/search/feed.rss?q=%01",
                "/search/feed.atom?q=%01kazan%FF%FE"
            ] {
                let page = try await app.get(path)
                Self.expectWellFormed(page, path)
                if path.hasSuffix("q=kazan") || !path.contains("search") {
                    #expect(page.body.contains("hostile-"), "the stored publications are in \(path)")
                }
            }
            // Anything typed in q, in each feed and language.
            await propertyCheck(count: 100, input: Self.xmlHostile) { q in
                for path in ["/search/feed.rss", "/search/feed.atom", "/fr/search/feed.rss"] {
                    let full = "\(path)?q=\(encodedAll(q))&type=urgent-intervention"
                    let page = try await app.get(full)
                    Self.expectWellFormed(page, "\(path) q=\(q.debugDescription)")
                }
            }
        }
    }
}
