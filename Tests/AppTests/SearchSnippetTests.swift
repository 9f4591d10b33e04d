import Foundation
import ObservatoryCore
import PropertyBased
import Testing
import Vapor

@testable import App

/// Search snippets are cut from the stored Markdown by the engine (SQLite's `snippet()`, PostgreSQL's
/// `ts_headline`), and shown as text: generated Markdown bodies (headings, emphasis, links, images, lists, quotes,
/// code, rules) with a word to find somewhere in their visible text; the search page's snippet shows none of
/// the syntax and still marks the word.
@Suite struct SearchSnippetTests {
    typealias RNG = any SeededRandomNumberGenerator
    static func pick<T>(_ items: [T], _ rng: inout RNG) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
    static let vocabulary = [
        "defender", "lawyer", "journalist", "court", "hearing", "released", "detained", "village",
        "union", "water", "land", "women", "rights", "threats", "police", "camp", "river",
        "school"
    ]

    static func words(_ count: ClosedRange<Int>, _ rng: inout RNG) -> String {
        (0..<Int.random(in: count, using: &rng)).map { _ in pick(vocabulary, &rng) }.joined(separator: " ")
    }

    /// Wraps `text` in one inline construct.
    static func inline(_ text: String, _ rng: inout RNG) -> String {
        switch Int.random(in: 0...7, using: &rng) {
        case 0: return "**\(text)**"
        case 1: return "*\(text)*"
        case 2: return "_\(text)_"
        case 3: return "__\(text)__"
        case 4: return "`\(text)`"
        case 5: return "[\(text)](https://example.org/news/\(Int.random(in: 1...999, using: &rng)))"
        case 6: return "![\(text)](https://example.org/photo.jpg)"
        default: return text
        }
    }

    static func block(_ text: String, _ rng: inout RNG) -> String {
        switch Int.random(in: 0...7, using: &rng) {
        case 0: return String(repeating: "#", count: Int.random(in: 1...6, using: &rng)) + " " + text
        case 1: return "- " + text + "\n- " + words(1...4, &rng)
        case 2: return "* " + text + "\n* " + words(1...4, &rng)
        case 3: return "1. " + text + "\n2. " + words(1...4, &rng)
        case 4: return "> " + text + "\n> " + words(1...6, &rng)
        case 5: return "---\n" + text
        default: return text
        }
    }

    /// A body of 3 to 9 blocks; the word is in the visible text of one of them, inside a construct or not.
    static let bodies = Generator<(String, String), Shrink.None<(String, String)>>(run: { rng in
        let letters = (0..<8).map { _ in Character(Unicode.Scalar(UInt8.random(in: 97...122, using: &rng))) }
        let word = "zx" + String(letters)
        let count = Int.random(in: 3...9, using: &rng), target = Int.random(in: 0..<count, using: &rng)
        let blocks = (0..<count).map { index -> String in
            var parts = (0..<Int.random(in: 1...4, using: &rng)).map { _ in inline(words(1...8, &rng), &rng) }
            if index == target {
                let text = (words(0...3, &rng).split(separator: " ").map(String.init) + [word]).shuffled(using: &rng)
                let at = Int.random(in: 0...parts.count, using: &rng)
                parts.insert(inline(text.joined(separator: " "), &rng), at: at)
            }
            return block(parts.joined(separator: " "), &rng)
        }
        return (word, blocks.joined(separator: "\n\n"))
    })

    static func snippets(_ body: String) -> [String] {
        body.components(separatedBy: "<p class=\"snippet\"").dropFirst().map { part in
            let start = part.range(of: "<bdi>")!.upperBound
            return String(part[start..<part.range(of: "</bdi></p>")!.lowerBound])
        }
    }

    @Test(arguments: Engine.all)
    func snippetsOfGeneratedMarkdownShowTextWithTheWordMarked(_ engine: Engine) async throws {
        try await withApp(engine, pageCache: false) { app in
            let counter = SnippetCounter()
            await propertyCheck(count: 60, input: Self.bodies) { (word, body) in
                let id = "md-\(counter.next())"
                do {
                    try await store([publication(id, title: "Statement \(id)", body: body)], in: app)
                    let page = try await app.get("/search?q=\(word)")
                    let found = Self.snippets(page.body)
                    #expect(found.count == 1, "\(word) in \(body.debugDescription)")
                    guard let snippet = found.first else { return }
                    #expect(snippet.contains("<mark>\(word)</mark>"), "\(snippet) from \(body.debugDescription)")
                    let text = snippet.replacingOccurrences(of: "<mark>", with: "")
                        .replacingOccurrences(of: "</mark>", with: "")
                    for syntax in [
                        "#", "*", "`", "[", "]", "(", ")", "&gt;", "&lt;", "example.org", "https", " - ",
                        "__", "---", "\n", "1. ", "2. "
                    ] {
                        #expect(
                            !text.contains(syntax),
                            "\(syntax.debugDescription) in \(snippet.debugDescription) from \(body)")
                    }
                    #expect(
                        !text.hasPrefix("- ") && !text.hasPrefix("_") && !text.hasSuffix("_"),
                        "\(snippet.debugDescription)")
                } catch {
                    Issue.record(error)
                }
            }
        }
    }

    /// Known cuts, engine-free: a link cut at either end keeps its label, list and heading marks go, a word
    /// joined by `_` stays whole.
    @Test func cutsOfMarkdownReadAsText() {
        let m = { (s: String) in
            s.replacingOccurrences(of: "⟨", with: "\u{2}").replacingOccurrences(of: "⟩", with: "\u{3}")
        }
        let cases: [(String, String)] = [
            ("## Heading ⟨word⟩\n\nText **bold** and _em_.", "Heading ⟨word⟩ Text bold and em."),
            ("…the ⟨word⟩](https://example.org/a) said", "…the ⟨word⟩ said"),
            ("see [the ⟨word⟩ report](https://exa…", "see the ⟨word⟩ report"),
            ("see [the ⟨word⟩ rep…", "see the ⟨word⟩ rep…"),
            ("…text\n- one ⟨word⟩\n- two\n> quoted\n1. first", "…text one ⟨word⟩ two quoted first"),
            ("…2. ⟨word⟩ follows", "…⟨word⟩ follows"),
            ("snake_case ⟨word⟩ ~~gone~~ `code`", "snake_case ⟨word⟩ gone code"),
            ("![alt ⟨word⟩](/img.png) and more", "alt ⟨word⟩ and more"),
            ("…org/news/257) school ⟨word⟩", "…school ⟨word⟩"),
            ("…jpg) ⟨word⟩", "…⟨word⟩"),
            ("/photo.jpg) ⟨word⟩ (see below)", "⟨word⟩ (see below)"),
            ("Case [Update] ⟨word⟩", "Case [Update] ⟨word⟩")
        ]
        for (fragment, expected) in cases {
            #expect(Snippet.withoutMarkdown(m(fragment)) == m(expected), "\(fragment.debugDescription)")
        }
        #expect(Snippet.html("## \u{2}Word\u{3} **x**").rendered == "<mark>Word</mark> x")
    }
}

/// Distinct ids across the checks of one property.
final class SnippetCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
