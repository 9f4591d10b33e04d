import Foundation
import PropertyBased
import Testing

@testable import ObservatoryCore

/// The name matcher's remaining gaps, generated: a name spelled with its letters apart ("W e i", "W.e.i",
/// "W-e-i"), percent-encoded or written as HTML character references inside a link or a text ("%57ei", "&#87;ei"),
/// and look-alike letters of Greek and Cyrillic (lunate sigma ϲ, capital Ν, Н, У). What leaks is what is replaced,
/// and ordinary texts with spaced letters, escapes and Greek words stay as they were. Failures print the seed.
@Suite struct SpellingsPropertyTests {
    typealias RNG = any SeededRandomNumberGenerator
    typealias Name = RedactionPropertyTests.Name
    typealias P = RedactionPropertyTests

    static let separators = [" ", ".", "-", "_", " . ", "·", "*", "  ", ". ", "-\u{00AD}", "/", "–", "\n"]
    /// Latin letters and their look-alikes from other scripts, capitals and small letters.
    static let lookAlikes: [Character: [String]] = [
        "a": ["а", "α", "Α", "А"], "c": ["ϲ", "с", "Ϲ", "С"], "e": ["е", "ε", "Ε", "Е"], "o": ["о", "ο", "Ο", "О"],
        "p": ["р", "ρ", "Ρ", "Р"], "i": ["і", "ι", "Ι", "І"], "k": ["κ", "Κ", "К"], "n": ["Ν", "η"],
        "h": ["Η", "Н", "һ"], "y": ["Υ", "У", "ү", "γ"], "x": ["х", "χ", "Χ", "Х"], "t": ["Τ", "Т"],
        "m": ["Μ", "М"], "b": ["Β", "В"], "s": ["ѕ", "Ѕ"], "j": ["ј", "Ј"], "z": ["Ζ"], "w": ["ԝ", "Ԝ", "ѡ"]
    ]

    static func pick<T>(_ items: [T], _ rng: inout RNG) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }

    static func percent(_ c: Character) -> String {
        String(c).utf8.map { String(format: "%%%02X", $0) }.joined()
    }

    static func entity(_ c: Character, _ rng: inout RNG) -> String {
        let value = c.unicodeScalars.first!.value
        if c.unicodeScalars.count > 1 { return String(c) }
        let hex = String(value, radix: 16, uppercase: Bool.random(using: &rng))
        return Bool.random(using: &rng) ? "&#\(value);" : "&#x\(hex);"
    }

    /// One part of the name spelled in a way a reader still reads as the name.
    static func spelled(_ part: String, _ rng: inout RNG) -> String {
        let letters = Array(part)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0, 1:
            // Letters apart, one separator or several kinds.
            let same = pick(separators, &rng), mixed = Bool.random(using: &rng)
            return letters.map(String.init).enumerated().map { n, l in
                n == 0 ? l : (mixed ? pick(separators, &rng) : same) + l
            }.joined()
        case 2:
            // Percent-encoded letters, as in a link.
            return String(
                letters.map { Bool.random(using: &rng) || $0 == letters[0] ? percent($0) : String($0) }
                    .joined())
        case 3:
            return letters.map { Bool.random(using: &rng) || $0 == letters[0] ? entity($0, &rng) : String($0) }
                .joined()
        case 4:
            // Look-alikes from Greek and Cyrillic, as capitals or small letters.
            let folded = part.folding(options: .diacriticInsensitive, locale: nil).lowercased()
            return folded.map { c in
                guard let forms = lookAlikes[c], Bool.random(using: &rng) else { return String(c) }
                return pick(forms, &rng)
            }.joined()
        default:
            // Letters apart, each encoded.
            return letters.map { Bool.random(using: &rng) ? percent($0) : entity($0, &rng) }
                .joined(separator: pick([" ", ".", "-"], &rng))
        }
    }

    static func latinName(_ rng: inout RNG) -> Name {
        var name = P.names.run(using: &rng)
        while name.arabic || P.collides(name) { name = P.names.run(using: &rng) }
        return name
    }

    static let cases = Generator<(Name, String, String), Shrink.None<(Name, String, String)>>(run: { rng in
        let name = latinName(&rng)
        let mention = spelled(pick(name.parts, &rng), &rng)
        let before = P.filler(name, &rng, count: 0...5), after = P.filler(name, &rng, count: 0...5)
        let text =
            Bool.random(using: &rng)
            ? "\(before) \(mention) \(after)"
            : "\(before) [\(after)](https://example.org/news/\(mention)) \(after)"
        return (name, mention, text)
    })

    @Test func everySpellingOfANameIsFoundAndReplaced() async {
        await propertyCheck(count: 500, input: Self.cases) { (name, mention, text) in
            let redactor = Redactor(
                people: [
                    .init(
                        name: name.full, consentsToBeNamed: false,
                        description: "a defender in Oaxaca")
                ], secrets: [])
            let redacted = redactor.redact(text)
            #expect(
                !redactor.leaks(in: text).isEmpty,
                "\(name): \(mention.debugDescription) in \(text.debugDescription)")
            #expect(!redacted.contains(mention), "\(name): \(text.debugDescription) → \(redacted.debugDescription)")
            #expect(redactor.leaks(in: redacted).isEmpty, "\(text.debugDescription) → \(redacted.debugDescription)")
        }
    }

    /// Ordinary texts: single letters, initials and abbreviations spelled apart, escapes of other words, Greek
    /// and Cyrillic words, none of which spells a part of the name.
    @Test func ordinaryTextsWithSpacedLettersAndEscapesStayAsTheyWere() async {
        let ordinary = [
            "a", "I", "e.g.", "i.e.", "U.S.", "A-Z", "a b c", "x y", "p. 12", "50%25", "%20", "&amp;",
            "&#8212;", "&eacute;t&eacute;", "caf%C3%A9", "Α Β Γ", "ΝΑΤΟ", "ООН", "σοφία", "мир", "Ms.",
            "W. E. B. Du Bois", "hope", "H.R.", "&nbsp;", "%E2%80%94", "n.º", "No. 5"
        ]
        let generator = Generator<(Name, String), Shrink.None<(Name, String)>>(run: { rng in
            let name = Self.latinName(&rng)
            let words = (0..<Int.random(in: 1...30, using: &rng)).map { _ in
                Bool.random(using: &rng) ? Self.pick(ordinary, &rng) : P.filler(name, &rng, count: 1...1)
            }
            return (name, words.joined(separator: " "))
        })
        await propertyCheck(count: 400, input: generator) { (name, text) in
            let redactor = Redactor(
                people: [
                    .init(
                        name: name.full, consentsToBeNamed: false,
                        description: "a defender")
                ], secrets: [])
            // Skip the name that single letters of the text spell ("R. I" for Rí): that is a spelling of it.
            let words = NameMatcher.tokens(of: text).map { NameMatcher.fold(String(text[$0])) }
            var spelled = Set(words)
            for start in words.indices where words[start].count == 1 {
                var run = ""
                for word in words[start...] {
                    guard word.count == 1 else { break }
                    run += word
                    spelled.insert(run)
                }
            }
            guard !P.oracleParts(name).contains(where: { spelled.contains(NameMatcher.fold($0)) }) else { return }
            #expect(redactor.redact(text) == text, "\(name): \(text.debugDescription)")
            #expect(redactor.leaks(in: text).isEmpty, "\(name): \(text.debugDescription)")
        }
    }

    @Test func theSpellingsNamedInTheIssue() {
        let r = Redactor(
            people: [
                .init(name: "Li Wei", consentsToBeNamed: false, description: "a labour activist"),
                .init(name: "Carlos Ruiz", consentsToBeNamed: false, description: "a lawyer"),
                .init(name: "Nina Petrova", consentsToBeNamed: false, description: "a journalist"),
                .init(name: "Νίκος Παππάς", consentsToBeNamed: false, description: "a teacher")
            ],
            secrets: ["wei.li@example.net"])
        for text in [
            "Ms W e i", "Ms W.e.i", "Ms W-e-i", "Ms W . E . I .", "Ms W_e_i", "L i  W e i",
            "[link](https://x.org/%57ei)", "%57%65%69", "Ms &#87;ei", "Ms &#x57;ei", "Ms W&#101;i",
            "ϲarlos", "Ϲarlos", "Νina", "ΝΙΝΑ", "Реtrova", "ΡΕΤRΟVΑ", "ΝΙΚΟΣ", "νίκος", "Π α π π ά ς",
            "R&uacute;iz"
        ] {
            #expect(!r.leaks(in: text).isEmpty, "\(text.debugDescription)")
            #expect(r.leaks(in: r.redact(text)).isEmpty && r.redact(text) != text, "\(text.debugDescription)")
        }
        // A contact is not replaced but refused: the leak check finds it percent-encoded too.
        #expect(!r.leaks(in: "write to wei.li%40example.net").isEmpty)
        #expect(r.redact("Ms W e i was held; W.e.i too.") == "Ms a labour activist was held; a labour activist too.")
        #expect(r.redact("See https://x.org/%57ei.") == "See https://x.org/a labour activist.")
        for ordinary in [
            "We will", "a we i", "w e", "I, e, i", "50%25 of 100", "&amp; &lt;", "Weiss", "νέα",
            "Νικόλαος"
        ] {
            #expect(r.leaks(in: ordinary).isEmpty && r.redact(ordinary) == ordinary, "\(ordinary.debugDescription)")
        }
    }
}
