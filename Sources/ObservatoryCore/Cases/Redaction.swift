import Foundation

/// Turns an internal text into its public version: everyone who did not agree to be named is replaced by
/// their description ("a woman human rights defender in Oaxaca"); `leaks` then finds any confidential value
/// (a name, a contact, a source) still present, so a text that would betray someone is never approved.
public struct Redactor: Sendable {
    public struct Person: Sendable {
        public var name: String
        public var consentsToBeNamed: Bool
        public var description: String
        public init(name: String, consentsToBeNamed: Bool, description: String) {
            self.name = name; self.consentsToBeNamed = consentsToBeNamed; self.description = description
        }
    }

    /// Names to replace, longest first (a full name before its parts), with what replaces them.
    let replacements: [(value: String, by: String)]
    /// Every value that must not appear in a public text.
    let secrets: [String]

    /// `secrets` are other confidential values: contacts, sources, notes.
    public init(people: [Person], secrets: [String]) {
        var replacements: [(String, String)] = []
        var forbidden: [String] = []
        for person in people where !person.consentsToBeNamed {
            let name = person.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { continue }
            let by = person.description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                ? "a human rights defender" : person.description.trimmingCharacters(in: .whitespacesAndNewlines)
            replacements.append((name, by))
            forbidden.append(name)
            // Each part of a name that could identify alone ("López"), so "Ms López" goes too.
            for part in Self.words(of: name) where part.count >= 4 && part != name {
                replacements.append((part, by)); forbidden.append(part)
            }
        }
        self.replacements = replacements.sorted { $0.0.count > $1.0.count }
        var values = forbidden
        for secret in secrets {
            let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count >= 4 else { continue }
            values.append(trimmed)
            // A long text (a note, a source's account) leaks as well when one of its lines is copied.
            for line in trimmed.split(whereSeparator: \.isNewline) where line.count >= 12 && line.count < trimmed.count {
                values.append(line.trimmingCharacters(in: .whitespaces))
            }
        }
        self.secrets = values
    }

    /// The text with every name of a person not agreeing to be named replaced by their description.
    public func redact(_ text: String) -> String {
        var result = text
        for (value, by) in replacements {
            result = Self.replacingWholeWords(value, with: by, in: result)
        }
        return result
    }

    /// The confidential values `text` still contains (compared without case or accents), longest first.
    public func leaks(in text: String) -> [String] {
        var found: [String] = []
        for value in secrets.sorted(by: { $0.count > $1.count }) where Self.find(value, in: text, from: text.startIndex) != nil {
            if !found.contains(where: { $0.localizedCaseInsensitiveContains(value) }) { found.append(value) }
        }
        return found
    }

    static let options: String.CompareOptions = [.caseInsensitive, .diacriticInsensitive]

    static func words(of name: String) -> [String] {
        name.split(whereSeparator: { !$0.isLetter && $0 != "-" && $0 != "'" && $0 != "’" }).map(String.init)
    }

    /// The first occurrence of `value` at or after `start` that is not inside a longer word.
    static func find(_ value: String, in text: String, from start: String.Index) -> Range<String.Index>? {
        var from = start
        while from < text.endIndex, let range = text.range(of: value, options: options, range: from..<text.endIndex) {
            let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : " "
            let after = range.upperBound < text.endIndex ? text[range.upperBound] : " "
            if !before.isLetter && !before.isNumber && !after.isLetter && !after.isNumber { return range }
            from = text.index(after: range.lowerBound)
        }
        return nil
    }

    static func replacingWholeWords(_ value: String, with replacement: String, in text: String) -> String {
        var result = ""
        var cursor = text.startIndex
        while let range = find(value, in: text, from: cursor) {
            result += text[cursor..<range.lowerBound]
            result += replacement
            cursor = range.upperBound
        }
        return result + text[cursor...]
    }
}
