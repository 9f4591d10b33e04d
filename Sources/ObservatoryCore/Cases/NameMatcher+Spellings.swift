import Foundation

/// The spellings a reader still reads as the name: letters spelled apart ("W e i", "W.e.i", "W-e-i"), escapes that
/// a browser or a link turns back into letters ("%57ei", "&#87;ei", "&#x57;ei", "W&eacute;i"), and capitals of
/// other scripts that look like Latin ones (Greek Ν, Η, Υ; Cyrillic Н, У). Tokenising and folding both read
/// through `units(of:)`, so finding and replacing agree: a match covers the escape as written.
extension NameMatcher {
    /// The forms of one word the matcher compares: as read (`fold`) and as it looks (`visualFold`).
    typealias Forms = [String]

    static func forms(_ word: String) -> Forms {
        let plain = fold(word), visual = visualFold(word)
        return plain == visual ? [plain] : [plain, visual]
    }

    /// One character as a reader sees it, and where it is written in the text.
    struct Unit { var range: Range<String.Index>; var character: Character }

    /// The characters of `text` with escapes decoded: a run of `%HH` bytes (UTF-8), `&#DDD;`, `&#xHH;` and the
    /// named entities of letters. An escape that does not decode stays as written.
    static func units(of text: String) -> [Unit] {
        var result: [Unit] = []
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "%", let (units, end) = percentRun(text, at: i) {
                result += units; i = end; continue
            }
            if c == "&", let (character, end) = entity(text, at: i) {
                result.append(Unit(range: i..<end, character: character)); i = end; continue
            }
            let next = text.index(after: i)
            result.append(Unit(range: i..<next, character: c))
            i = next
        }
        return result
    }

    /// `text` as a reader sees it (escapes decoded).
    static func decoded(_ text: String) -> String {
        guard text.contains("%") || text.contains("&") else { return text }
        return String(units(of: text).map(\.character))
    }

    static func hexValue(_ c: Character) -> UInt8? { c.hexDigitValue.map(UInt8.init) }

    /// Consecutive `%HH` triplets decoded as UTF-8, each character with the triplets it came from.
    static func percentRun(_ text: String, at start: String.Index) -> ([Unit], String.Index)? {
        var bytes: [(UInt8, String.Index, String.Index)] = []
        var i = start
        while i < text.endIndex, text[i] == "%" {
            let a = text.index(after: i)
            guard a < text.endIndex, let high = hexValue(text[a]) else { break }
            let b = text.index(after: a)
            guard b < text.endIndex, let low = hexValue(text[b]) else { break }
            let end = text.index(after: b)
            bytes.append((high << 4 | low, i, end))
            i = end
        }
        var units: [Unit] = []
        var k = 0
        while k < bytes.count {
            let lead = bytes[k].0
            let length =
                lead < 0x80
                ? 1
                : lead >> 5 == 0b110
                    ? 2
                    : lead >> 4 == 0b1110
                        ? 3
                        : lead >> 3 == 0b11110 ? 4 : 0
            guard length > 0, k + length <= bytes.count,
                let decoded = String(bytes: bytes[k..<k + length].map(\.0), encoding: .utf8),
                decoded.count == 1, let character = decoded.first
            else { break }
            units.append(Unit(range: bytes[k].1..<bytes[k + length - 1].2, character: character))
            k += length
        }
        guard let last = units.last else { return nil }
        return (units, last.range.upperBound)
    }

    static let namedEntities: [String: Character] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}", "shy": "\u{00AD}",
        "zwj": "\u{200D}", "zwnj": "\u{200C}", "szlig": "ß", "aelig": "æ", "oelig": "œ", "oslash": "ø",
        "thorn": "þ", "eth": "ð", "hyphen": "‐", "dash": "‐", "period": ".", "lowbar": "_"
    ]

    static let entityMarks: [String: String] = [
        "acute": "\u{0301}", "grave": "\u{0300}", "circ": "\u{0302}", "uml": "\u{0308}", "tilde": "\u{0303}",
        "cedil": "\u{0327}", "ring": "\u{030A}", "caron": "\u{030C}", "breve": "\u{0306}", "macr": "\u{0304}",
        "ogon": "\u{0328}", "dot": "\u{0307}", "dblac": "\u{030B}"
    ]

    /// An HTML character reference at `start`: `&#87;`, `&#x57;`, `&eacute;`, `&amp;`.
    static func entity(_ text: String, at start: String.Index) -> (Character, String.Index)? {
        var name = ""
        var i = text.index(after: start)
        while i < text.endIndex, name.count <= 10, text[i] != ";" {
            guard text[i].isASCII, text[i].isLetter || text[i].isNumber || text[i] == "#" else { return nil }
            name.append(text[i]); i = text.index(after: i)
        }
        guard i < text.endIndex, text[i] == ";", !name.isEmpty else { return nil }
        let end = text.index(after: i)
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value =
                digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16)
                : UInt32(digits, radix: 10)
            guard let value, let scalar = Unicode.Scalar(value) else { return nil }
            return (Character(scalar), end)
        }
        if let c = namedEntities[name] ?? namedEntities[name.lowercased()] { return (c, end) }
        if let letter = name.first, letter.isLetter, let mark = entityMarks[String(name.dropFirst())] {
            let composed = (String(letter) + mark).precomposedStringWithCanonicalMapping
            if composed.count == 1, let c = composed.first { return (c, end) }
        }
        return nil
    }

    /// Capitals (and a few others) of Greek and Cyrillic that look like a Latin letter but lower-case to one that
    /// does not (Greek Ν looks like N, ν like v). Applied before lower-casing, in `visualFold` only.
    static let capitalLookAlikes: [Unicode.Scalar: String] = [
        "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o",
        "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "Ϲ": "c", "Ϳ": "j", "Ϝ": "f",
        "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c", "Т": "t",
        "Х": "x", "У": "y", "Ѕ": "s", "І": "i", "Ј": "j", "Ԛ": "q", "Ԝ": "w", "Һ": "h", "Ӏ": "l", "Ү": "y",
        "Ԁ": "d", "Ꮃ": "w"
    ]

    /// A word folded as it looks: look-alike capitals as the Latin letter they imitate, then `fold`.
    static func visualFold(_ word: String) -> String {
        let text = decoded(word).decomposedStringWithCanonicalMapping
        guard text.unicodeScalars.contains(where: { capitalLookAlikes[$0] != nil }) else { return fold(word) }
        var mapped = ""
        for scalar in text.unicodeScalars {
            if let latin = capitalLookAlikes[scalar] { mapped += latin } else { mapped.unicodeScalars.append(scalar) }
        }
        return fold(mapped)
    }

    /// Separators between letters spelled apart: spaces, dots, hyphens and dashes, underscores, middle dots,
    /// stars, slashes, bars.
    static func spacedGap(_ text: String, _ a: Range<String.Index>, _ b: Range<String.Index>) -> Bool {
        let gap = decoded(String(text[a.upperBound..<b.lowerBound]))
        return !gap.isEmpty && gap.count <= 4
            && gap.allSatisfy { $0.isWhitespace || " .-_·•‧∙*/|'’‐‑–—~+\u{00A0}".contains($0) }
    }

    /// The words of a text with runs of single letters spelled apart joined where together they spell a part of
    /// a name ("W e i" is one word "wei"); every other word as it is. Ranges cover what is written.
    func spelledTogether(_ ranges: [Range<String.Index>], in text: String) -> ([Range<String.Index>], [Forms]) {
        let forms = ranges.map { Self.forms(String(text[$0])) }
        func single(_ k: Int) -> Bool { forms[k].contains { $0.count == 1 } }
        func isPart(_ candidates: Forms) -> Bool {
            entries.contains { entry in candidates.contains { entry.parts.contains($0) } }
        }
        var outRanges: [Range<String.Index>] = [], outForms: [Forms] = []
        var i = 0
        while i < ranges.count {
            guard single(i) else { outRanges.append(ranges[i]); outForms.append(forms[i]); i += 1; continue }
            var k = i
            while k + 1 < ranges.count, single(k + 1), Self.spacedGap(text, ranges[k], ranges[k + 1]) { k += 1 }
            var s = i
            while s <= k {
                var merged: (end: Int, forms: Forms)? = nil
                var e = k
                while e > s {
                    let plain = (s...e).map { forms[$0][0] }.joined()
                    let visual = (s...e).map { forms[$0].last! }.joined()
                    let candidates = plain == visual ? [plain] : [plain, visual]
                    if isPart(candidates) { merged = (e, candidates); break }
                    e -= 1
                }
                if let merged {
                    outRanges.append(ranges[s].lowerBound..<ranges[merged.end].upperBound)
                    outForms.append(merged.forms)
                    s = merged.end + 1
                } else {
                    outRanges.append(ranges[s]); outForms.append(forms[s]); s += 1
                }
            }
            i = k + 1
        }
        return (outRanges, outForms)
    }
}
