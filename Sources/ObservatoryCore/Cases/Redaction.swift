import Foundation

/// Turns an internal text into its public version: everyone who did not agree to be named is replaced by
/// their description ("a woman human rights defender in Oaxaca"); `leaks` then finds any confidential value
/// (a name, a contact, a source) still present, so a text that would betray someone is never approved.
///
/// Names are found by one `NameMatcher` for both: whatever `leaks` would find as a name, `redact` replaces.
/// An approver may record that an occurrence of a value is not the person ("Hope" the word): such `exceptions`
/// (folded with `NameMatcher.fold`, words joined by one space) are neither replaced nor reported.
public struct Redactor: Sendable {
    public struct Person: Sendable {
        public var name: String
        public var consentsToBeNamed: Bool
        public var description: String
        /// Other ways the name is written (in another script: "خوانا بيريز" for "Juana Pérez"), hidden like
        /// it.
        public var spellings: [String] = []
        /// How a refusal names the person without naming them ("person 1 of the case (Defender)").
        public var label: String = ""
        public init(name: String, consentsToBeNamed: Bool, description: String) {
            self.name = name; self.consentsToBeNamed = consentsToBeNamed; self.description = description
        }
    }

    let matcher: NameMatcher
    /// What replaces person `i` of the matcher.
    let descriptions: [String]
    /// The person each name of the matcher belongs to (a person has one name per spelling).
    let owners: [Person]
    /// Every other value that must not appear in a public text: (as typed, folded).
    let secrets: [(value: String, folded: String)]
    /// Values recorded as "not the person" for the text at hand.
    public var exceptions: Set<String>

    /// `secrets` are other confidential values: contacts, sources, notes, mission members' details.
    public init(people: [Person], secrets: [String], exceptions: Set<String> = []) {
        let hidden = people.filter {
            !$0.consentsToBeNamed
                && !$0.name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        let named = hidden.flatMap { person in
            ([person.name] + person.spellings).filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
                .map { (name: $0, person: person) }
        }
        matcher = NameMatcher(names: named.map(\.name))
        owners = named.map(\.person)
        descriptions = named.map {
            let by = $0.person.description.trimmingCharacters(in: .whitespacesAndNewlines)
            return by.isEmpty ? "a human rights defender" : by
        }
        var values: [String] = []
        for secret in secrets {
            let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count >= 4 else { continue }
            values.append(trimmed)
            // A long text (a note, a source's account) leaks as well when one of its lines is copied.
            for line in trimmed.split(whereSeparator: \.isNewline) where line.count >= 12 && line.count < trimmed.count
            {
                values.append(line.trimmingCharacters(in: .whitespaces))
            }
        }
        var seen = Set<String>()
        self.secrets = values.compactMap { value in
            let folded = NameMatcher.fold(value)
            guard folded.count >= 4, seen.insert(folded).inserted else { return nil }
            return (value, folded)
        }
        self.exceptions = exceptions
    }

    /// The key under which an occurrence is recorded as "not the person".
    public static func exceptionKey(_ text: String) -> String {
        NameMatcher.tokens(of: text).map { NameMatcher.fold(String(text[$0])) }.joined(separator: " ")
    }

    /// The occurrences of names in `text` that are not recorded as "not the person".
    public func nameMatches(in text: String) -> [NameMatcher.Match] {
        matcher.matches(in: text).filter { !exceptions.contains(Self.exceptionKey($0.text)) }
    }

    /// The people named in `text` (in any spelling) who have no description to replace their name: each
    /// person's `label`, once, in order of first appearance.
    public func undescribed(in text: String) -> [String] {
        var found: [String] = []
        for match in nameMatches(in: text) {
            let person = owners[match.person]
            guard person.description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                !found.contains(person.label)
            else { continue }
            found.append(person.label)
        }
        return found
    }

    /// The text with every name of a person not agreeing to be named replaced by their description.
    public func redact(_ text: String) -> String {
        var result = ""
        var cursor = text.startIndex
        for match in nameMatches(in: text) {
            result += text[cursor..<match.range.lowerBound]
            result += descriptions[match.person]
            cursor = match.range.upperBound
        }
        return result + text[cursor...]
    }

    /// The confidential values `text` still contains, longest first: names (as written) and other secrets.
    public func leaks(in text: String) -> [String] {
        // A name split by Markdown ("**W**ei", "W`e`i") is whole on the page: read what a reader sees as well.
        var found = leaks(inOne: text)
        let visible = Markdown.visibleText(text)
        if visible != text {
            for value in leaks(inOne: visible) where !found.contains(value) { found.append(value) }
        }
        return found
    }

    func leaks(inOne text: String) -> [String] {
        var found: [String] = []
        for match in nameMatches(in: text) where !found.contains(match.text) { found.append(match.text) }
        let folded = NameMatcher.fold(text)
        let digits = Self.digitRuns(folded)
        for (value, plain) in secrets.sorted(by: { $0.folded.count > $1.folded.count }) {
            // A secret holding a name ("wei.li@example.net") is looked for as the redaction left it
            // ("a labour activist@example.net"): replacing the name must not hide the rest of it.
            var key = plain
            let redacted = redact(value)
            if redacted != value {
                var residue = redacted
                for d in descriptions { residue = residue.replacingOccurrences(of: d, with: "") }
                if residue.filter({ $0.isLetter || $0.isNumber }).count >= 4 { key = NameMatcher.fold(redacted) }
            }
            let keyDigits = key.filter(\.isASCIIDigit)
            let hit =
                Self.containsWord(key, in: folded)
                || (keyDigits.count >= 7 && keyDigits.count * 2 >= key.count
                    && digits.contains { $0.contains(keyDigits) })
            if hit && !found.contains(where: { NameMatcher.fold($0).contains(key) }) { found.append(value) }
        }
        return found
    }

    /// Runs of digits with the separators people put in phone numbers removed ("+52 (55) 1234-5678").
    static func digitRuns(_ text: String) -> [String] {
        var runs: [String] = [], current = ""
        for c in text {
            if c.isASCIIDigit {
                current.append(c)
            } else if " -./()+\u{00A0}".contains(c) {
                continue
            } else if !current.isEmpty {
                runs.append(current); current = ""
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// Whether `value` occurs in `text` not inside a longer word (both folded).
    static func containsWord(_ value: String, in text: String) -> Bool {
        var from = text.startIndex
        while from < text.endIndex, let range = text.range(of: value, range: from..<text.endIndex) {
            let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : " "
            let after = range.upperBound < text.endIndex ? text[range.upperBound] : " "
            let edgeBefore = !(value.first?.isLetter ?? false || value.first?.isNumber ?? false)
            let edgeAfter = !(value.last?.isLetter ?? false || value.last?.isNumber ?? false)
            if (edgeBefore || (!before.isLetter && !before.isNumber))
                && (edgeAfter
                    || (!after.isLetter
                        && !after.isNumber))
            {
                return true
            }
            from = text.index(after: range.lowerBound)
        }
        return false
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
