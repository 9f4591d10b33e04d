import Fluent
import Foundation
import ObservatoryCore
import Testing
import Vapor

@testable import App

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Parses XML with Foundation's parser and keeps elements, their attributes and text, in document order.
final class XMLOutline: NSObject, XMLParserDelegate, @unchecked Sendable {
    struct Element { let path: String; let attributes: [String: String]; var text: String }
    var elements: [Element] = []
    private var stack: [String] = []
    private var open: [Int] = []
    var error: (any Error)?

    init(_ xml: String) {
        super.init()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = self
        if !parser.parse() { error = parser.parserError ?? NSError(domain: "xml", code: 1) }
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String]
    ) {
        stack.append(name)
        elements.append(Element(path: stack.joined(separator: "/"), attributes: attributes, text: ""))
        open.append(elements.count - 1)
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = open.last { elements[index].text += string }
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast(); open.removeLast()
    }
    func all(_ path: String) -> [Element] { elements.filter { $0.path == path } }
}

@Suite struct FeedTests {
    static let items = [
        publication(
            "a", .urgentIntervention, kind: .urgentAppeal, on: "2018-01-19",
            title: "Russian Federation: <b>\"harassment\"</b> & threats", countries: ["RU"]),
        publication("b", .statement, language: .fr, on: "2018-01-20", title: "France : déclaration", countries: ["FR"]),
        publication("c", .event, on: "2018-01-21", title: "", countries: [])
    ]

    @Test(arguments: Engine.all)
    func rssIsValidWithGuidsDatesAndSelfLink(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(Self.items, in: app)
            let response = try await app.get("/publications/feed.rss?country=ru", headers: ["Host": "obs.example"])
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentType) == "application/rss+xml; charset=utf-8")
            let xml = XMLOutline(response.body)
            #expect(xml.error == nil)
            #expect(
                xml.all("rss/channel/atom:link").first?.attributes["href"]
                    == "http://obs.example/publications/feed.rss?country=ru")
            #expect(xml.all("rss/channel/atom:link").first?.attributes["rel"] == "self")
            let items = xml.all("rss/channel/item/title")
            #expect(items.map(\.text) == ["Russian Federation: <b>\"harassment\"</b> & threats"])
            #expect(xml.all("rss/channel/item/guid").first?.text == "http://obs.example/publications/a")
            #expect(xml.all("rss/channel/item/pubDate").first?.text == "Fri, 19 Jan 2018 00:00:00 +0000")
        }
    }

    @Test(arguments: Engine.all)
    func atomIsValidNewestFirstAndAnnouncedByTheList(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(Self.items, in: app)
            let response = try await app.get("/publications/feed.atom", headers: ["Host": "obs.example"])
            let xml = XMLOutline(response.body)
            #expect(xml.error == nil)
            #expect(
                xml.all("feed/entry/title").map(\.text) == [
                    "Event of January 21, 2018", "France : déclaration",
                    "Russian Federation: <b>\"harassment\"</b> & threats"
                ])
            #expect(xml.all("feed/updated").first?.text == "2018-01-21T00:00:00Z")
            #expect(xml.all("feed/id").first?.text == "http://obs.example/publications/feed.atom")
            #expect(xml.all("feed/entry/id").count == 3)
            #expect(xml.all("feed/link").contains { $0.attributes["rel"] == "self" })
            let list = try await app.get("/publications?language=fr")
            #expect(
                list.body.contains(
                    """
                    <link rel=\"alternate\" type=\"application/atom+xml\" title=\"Atom\" \
                    href=\"/publications/feed.atom?language=fr\">
                    """
                ))
            let home = try await app.get("/")
            #expect(
                home.body.contains(
                    """
                    <link rel=\"alternate\" type=\"application/rss+xml\" title=\"RSS\" \
                    href=\"/publications/feed.rss\">
                    """
                ))
        }
    }

    @Test(arguments: Engine.all)
    func draftsNeverReachFeedsListsOrCounts(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(Self.items, in: app)
            try await store(
                [publication("d", on: "2018-02-01", title: "Mexico: DRAFT-CANARY", countries: ["MX"])], status: "draft",
                in: app)
            for path in [
                "/", "/publications", "/publications?country=mx", "/countries/mx", "/countries",
                "/publications/feed.rss",
                "/publications/feed.atom", "/publications/feed.rss?country=mx", "/publications/d"
            ] {
                let response = try await app.get(path)
                #expect(!response.body.contains("DRAFT-CANARY"), "\(path)")
            }
            #expect(
                !(try await app.get("/countries")).body.contains("/countries/mx"),
                "a country with only a draft is not listed")
        }
    }

    @Test func aForgedHostHeaderNeverReachesTheFeed() async throws {
        try await withApp(.sqlite) { app in
            try await store(Self.items, in: app)
            let response = try await app.get("/publications/feed.rss", headers: ["Host": "evil\"><script>.example"])
            #expect(!response.body.contains("evil"))
            #expect(response.body.contains("http://localhost/publications/a"))
        }
    }
}
