import Foundation

/// Finds the names of people who must not be named in a text, in every form a writer (or an adversary) may use:
/// the whole name, each part alone at any length ("Wei"), each half of a hyphenated part ("Pierre"), initials
/// before a surname ("M. López", "A.B. López"), any case, with or without accents, compatibility forms and
/// look-alike letters, invisible characters inside a word, a possessive after it ("Wei's", "Wei’s"), and Arabic
/// written with or without diacritics, with any alef form, with tatweel, and with the article ال or an attached
/// prefix (و ب ل ك ف); letters spelled apart ("W e i", "W.e.i"), escapes ("%57ei", "&#87;ei") and look-alike
/// capitals of Greek and Cyrillic (NameMatcher+Spellings.swift). Particles ("de", "la", "al", "bin", "van"…)
/// count only inside a name, never alone.
///
/// Redaction and the leak check both call `matches`, so what is found is exactly what is replaced.
public struct NameMatcher: Sendable {
    /// A person's name, folded: the parts that identify alone, and every token of the name (for initials).
    struct Entry: Sendable {
        var parts: Set<String>
        var initials: Set<Character>
        /// One-letter words of the name itself ("Sindicato X", "Juana P. López").
        var singles: Set<String>
        var label: String
    }

    /// One occurrence: the range in the original text and the index of the person it names.
    public struct Match: Sendable, Equatable {
        public var range: Range<String.Index>
        public var person: Int
        public var text: String
    }

    let entries: [Entry]

    /// Words that join the parts of a name and never identify anyone alone.
    public static let particles: Set<String> = [
        "de", "del", "della", "di", "da", "das", "do", "dos", "du", "la", "le", "y",
        "al", "el", "bin", "ben", "ibn", "bint", "abu", "van", "von", "der", "den", "ter", "ten", "zu",
        "ال", "بن", "بنت", "ابن", "ابو", "عبد"
    ]

    /// `names[i]` is the name of person `i` (as typed in the case file).
    public init(names: [String]) {
        entries = names.map { name in
            // Each name is entered as read (`fold`) and as it looks (`visualFold`: a Greek capital Ν as N).
            var entry = Entry(parts: [], initials: [], singles: [], label: name)
            for fold in [Self.fold, Self.visualFold] {
                let tokens = Self.tokens(of: name).map { fold(String(name[$0])) }.filter { !$0.isEmpty }
                var parts = Set<String>()
                for (n, token) in tokens.enumerated() where token.count >= 2 {
                    // A particle inside a name joins two parts ("bin" in "Mohamed bin Salman"); first or last, it is a
                    // part ("Ali Ben", "Lo Wen").
                    let joining = Self.particles.contains(token) && n > 0 && n < tokens.count - 1
                    if !joining { parts.insert(token) }
                    if !joining, let bare = Self.withoutArticle(token) { parts.insert(bare) }
                }
                // The same name written as one word ("Abdallah" for "Abd Allah", "Jeanpierre", "عبدالله").
                for (a, b) in zip(tokens, tokens.dropFirst()) { parts.insert(a + b) }
                entry.parts.formUnion(parts)
                entry.initials.formUnion(tokens.compactMap(\.first))
                entry.singles.formUnion(tokens.filter { $0.count == 1 })
            }
            return entry
        }
    }

    /// Every stretch of `text` that names one of the people, longest stretches, in order, never overlapping.
    public func matches(in text: String) -> [Match] {
        // Letters spelled apart ("W e i", "W.e.i", "W-e-i") count as the word they spell.
        let (ranges, folded) = spelledTogether(Self.tokens(of: text), in: text)
        var found: [Match] = []
        var i = 0
        while i < ranges.count {
            // The person whose name covers the longest stretch around this word ("A.B. López" is Ana Beatriz López).
            var best: (person: Int, first: Int, last: Int)? = nil
            for person in entries.indices where entryMatches(entries[person], folded[i]) {
                let (first, last) = extent(of: entries[person], at: i, ranges: ranges, folded: folded, in: text)
                if best == nil || last - first > best!.last - best!.first { best = (person, first, last) }
            }
            guard let (person, first, last) = best else { i += 1; continue }
            let range = ranges[first].lowerBound..<ranges[last].upperBound
            if let previous = found.last, previous.range.upperBound > range.lowerBound {
                let merged = previous.range.lowerBound..<max(previous.range.upperBound, range.upperBound)
                found[found.count - 1].range = merged
                found[found.count - 1].text = String(text[merged])
            } else {
                found.append(Match(range: range, person: person, text: String(text[range])))
            }
            i = last + 1
        }
        return found
    }

    /// The first and last word of the name around word `i`: other parts, particles between them, initials before.
    func extent(
        of entry: Entry, at i: Int, ranges: [Range<String.Index>], folded: [Forms], in text: String
    ) -> (
        Int,
        Int
    ) {
        var first = i, last = i
        var j = i + 1
        while j < ranges.count, Self.joined(text, ranges[j - 1], ranges[j]) {
            if entryMatches(entry, folded[j]) || folded[j].contains(where: entry.singles.contains) {
                last = j
            } else if !folded[j].contains(where: Self.particles.contains) {
                break
            }
            j += 1
        }
        var k = i - 1
        while k >= 0, Self.joined(text, ranges[k], ranges[k + 1]) {
            let token = folded[k]
            if entryMatches(entry, token) || token.contains(where: Self.particles.contains) {
                first = k
            } else if token.contains(where: { $0.count == 1 && entry.initials.contains($0.first!) }) {
                first = k
            } else {
                break
            }
            k -= 1
        }
        // Particles before the name stay ("la detención de López"), unless hyphenated to it ("al-Hassan").
        while first < i, folded[first].contains(where: Self.particles.contains), !entryMatches(entry, folded[first]),
            !text[ranges[first].upperBound..<ranges[first + 1].lowerBound].contains("-")
        {
            first += 1
        }
        return (first, last)
    }

    func entryMatches(_ entry: Entry, _ forms: Forms) -> Bool {
        forms.contains { entryMatches(entry, $0) }
    }

    func entryMatches(_ entry: Entry, _ token: String) -> Bool {
        guard !token.isEmpty else { return false }
        if entry.parts.contains(token) { return true }
        return Self.prefixForms(of: token).contains { entry.parts.contains($0) }
    }

    /// Two tokens belong to one name when only spaces, dots, hyphens or apostrophes separate them ("O'Brien").
    static func joined(_ text: String, _ a: Range<String.Index>, _ b: Range<String.Index>) -> Bool {
        let gap = decoded(String(text[a.upperBound..<b.lowerBound]))
        return gap.count <= 3 && gap.allSatisfy { " .-'’\u{00A0}‐".contains($0) }
    }

    // MARK: - Tokens and folding

    /// A character that belongs to a word: letters, digits, combining marks, and invisible format characters
    /// (a zero-width space or soft hyphen inside "W\u{200B}ei" does not split the word).
    static func isWordCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber
            || c.unicodeScalars.allSatisfy {
                ignorable($0)
                    || $0.properties.generalCategory == .nonspacingMark
            }
    }

    static func ignorable(_ s: Unicode.Scalar) -> Bool {
        s.properties.generalCategory == .format || s.properties.isDefaultIgnorableCodePoint
    }

    /// The ranges of the words of `text`.
    public static func tokens(of text: String) -> [Range<String.Index>] {
        // Characters as a reader sees them: an escape ("%57", "&#87;", "&eacute;") is the letter it stands for.
        var result: [Range<String.Index>] = []
        var start: String.Index? = nil
        for unit in units(of: text) {
            if isWordCharacter(unit.character) {
                if start == nil { start = unit.range.lowerBound }
            } else if let s = start {
                result.append(s..<unit.range.lowerBound); start = nil
            }
        }
        if let s = start { result.append(s..<text.endIndex) }
        // A word made only of invisible characters is no word.
        return result.filter { !fold(String(text[$0])).isEmpty }
    }

    /// Look-alike letters from other scripts, as the Latin letter they imitate.
    static let confusables: [Character: String] = [
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "һ": "h",
        "ԁ": "d", "ɡ": "g", "ӏ": "l", "в": "b", "к": "k", "м": "m", "н": "h", "т": "t", "ё": "e",
        "α": "a", "ε": "e", "ο": "o", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "ρ": "p", "υ": "u", "χ": "x", "ω": "w",
        "ԝ": "w", "ԛ": "q", "ϳ": "j", "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ց": "g", "ꮃ": "w",
        "ɑ": "a", "ɩ": "i", "ʋ": "u", "ɛ": "e", "ᴡ": "w", "ʟ": "l", "ɪ": "i",
        "ϲ": "c", "ς": "c", "σ": "c", "η": "n", "μ": "u", "γ": "y", "β": "b", "ү": "y", "ѵ": "v", "ѡ": "w",
        "ʏ": "y", "ʀ": "r", "ᴄ": "c", "ᴏ": "o", "ᴠ": "v", "ᴢ": "z", "ꜱ": "s", "ᴋ": "k", "ᴍ": "m", "ɴ": "n",
        "ʜ": "h", "ᴛ": "t", "ᴜ": "u", "ᴀ": "a", "ʙ": "b", "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ᴊ": "j", "ᴘ": "p",
        "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "æ": "ae", "œ": "oe", "ß": "ss", "ŀ": "l"
    ]

    /// A word as the matcher compares it: compatibility forms, lower case, no accents, look-alikes as Latin,
    /// no invisible characters; Arabic without diacritics or tatweel, alef forms as ا, ى as ي, ة as ه.
    public static func fold(_ word: String) -> String {
        let compatible = decoded(word).precomposedStringWithCompatibilityMapping.lowercased()
        var out = String.UnicodeScalarView()
        for scalar in compatible.decomposedStringWithCanonicalMapping.unicodeScalars {
            let v = scalar.value
            // Accents, tashkeel, invisible characters, tatweel.
            if ignorable(scalar) || scalar.properties.generalCategory == .nonspacingMark { continue }
            if v == 0x0640 { continue }
            switch v {
            case 0x0622, 0x0623, 0x0625, 0x0671, 0x0672, 0x0673: out.append("\u{0627}")  // alef forms
            case 0x0649: out.append("\u{064A}")  // alef maqsura
            case 0x0629: out.append("\u{0647}")  // teh marbuta
            case 0x0624: out.append("\u{0648}")  // waw hamza
            case 0x0626: out.append("\u{064A}")  // yeh hamza
            default: out.append(scalar)
            }
        }
        var result = ""
        for c in String(out) {
            if let latin = confusables[c] { result += latin } else { result.append(c) }
        }
        return result
    }

    /// Prefixes attached to an Arabic word: conjunctions, prepositions and the article, longest first.
    static let arabicPrefixes = ["وبال", "وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب", "ل", "ك"]

    /// The forms of an Arabic word without an attached prefix (at least two letters left).
    static func prefixForms(of token: String) -> [String] {
        guard let first = token.unicodeScalars.first, (0x0600...0x06FF).contains(first.value) else { return [] }
        var forms: [String] = []
        for prefix in arabicPrefixes where token.hasPrefix(prefix) && token.count - prefix.count >= 2 {
            forms.append(String(token.dropFirst(prefix.count)))
        }
        return forms
    }

    /// An Arabic name part without its article ("الحسن" → "حسن").
    static func withoutArticle(_ token: String) -> String? {
        token.hasPrefix("ال") && token.count >= 5 ? String(token.dropFirst(2)) : nil
    }
}
