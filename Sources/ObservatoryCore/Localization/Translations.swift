import Foundation

/// The interface text of one language, read from `Resources/i18n-<code>.txt` (one `key = text` per line, `#` for
/// comments, `{name}` for a value the program fills in), so translators edit text files and never Swift.
/// A key missing from a language falls back to English. The language of the page being built is a task-local
/// value (`Translations.current`), set once per request, so views and links need not pass it along.
public struct Translations: Sendable {
    public let language: Language
    public let texts: [String: String]
    /// This language's own texts, without the English fallback (counted texts need the language's own forms).
    public var ownTexts: [String: String] = [:]

    @TaskLocal public static var current: Translations = english

    public static let english = load(.en, fallback: nil)
    public static let all: [Language: Translations] = Dictionary(
        uniqueKeysWithValues: Language.allCases.map {
            ($0, $0 == .en ? english : load($0, fallback: english))
        })
    public static func of(_ language: Language) -> Translations { all[language]! }

    static func load(_ language: Language, fallback: Translations?) -> Translations {
        let text = bundledText("i18n-\(language.rawValue)", "txt")
        var texts = fallback?.texts ?? [:]
        let own = parse(text)
        texts.merge(own) { _, new in new }
        return Translations(language: language, texts: texts, ownTexts: own)
    }

    /// `key = text` lines; `\n` in a text stands for a line break.
    public static func parse(_ file: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in file.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.range(of: " = ") else { continue }
            let key = line[..<equals.lowerBound].trimmingCharacters(in: .whitespaces)
            result[key] = String(line[equals.upperBound...]).replacingOccurrences(of: "\\n", with: "\n")
        }
        return result
    }

    /// The text for `key`, with `{name}` placeholders filled in; the key itself if no language has it.
    public func text(_ key: String, _ values: [String: String] = [:]) -> String {
        fill(texts[key] ?? key, values)
    }

    /// One pass over the template: a value is never read again, so a value holding `{n}` (a search typed as
    /// "{n}", a name) stays as written instead of being filled in turn, whatever order the values come in.
    func fill(_ text: String, _ values: [String: String]) -> String {
        guard !values.isEmpty, text.contains("{") else { return text }
        var out = "", rest = text[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest.index(after: open)
            if let close = rest[after...].firstIndex(where: { $0 == "}" || $0 == "{" }), rest[close] == "}",
                let value = values[String(rest[after..<close])]
            {
                out += value
                rest = rest[rest.index(after: close)...]
            } else {
                out.append("{")
                rest = rest[after...]
            }
        }
        return out + rest
    }

    /// Whole numbers as each language writes them: 5158 (en, es), 5 158 (fr), ٥١٥٨ (ar).
    public func number(_ n: Int) -> String {
        let digits = String(n)
        switch language {
        case .en, .es: return digits
        case .fr:
            guard digits.count > 4 else { return digits }
            var out = ""
            for (i, c) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { out += "\u{202F}" }; out.append(c)
            }
            return out
        case .ar:
            return String(
                digits.unicodeScalars.map { scalar -> Character in
                    guard let d = scalar.properties.numericType != nil ? Int(String(scalar)) : nil else {
                        return Character(scalar)
                    }
                    return Character(Unicode.Scalar(0x0660 + UInt32(d))!)
                })
        }
    }

    /// A date in words: November 20, 2026 · 20 novembre 2026 · 20 de noviembre de 2026 · ٢٠ نوفمبر ٢٠٢٦.
    /// "October 2026", "octobre 2026", "octubre de 2026".
    public func month(_ month: Int, of year: Int) -> String {
        let name = text("month.\(month)")
        switch language {
        case .en, .fr: return "\(language == .en ? name : name.lowercased()) \(year)"
        case .es: return "\(name.lowercased()) de \(year)"
        case .ar: return "\(name) \(number(year))"
        }
    }

    public func date(_ date: CivilDate) -> String {
        let month = text("month.\(date.month)")
        switch language {
        case .en: return "\(month) \(date.day), \(date.year)"
        case .fr: return "\(date.day == 1 ? "1er" : String(date.day)) \(month) \(date.year)"
        case .es: return "\(date.day) de \(month) de \(date.year)"
        case .ar: return "\(number(date.day)) \(month) \(number(date.year))"
        }
    }
}

/// The current page's text for `key` (see `Translations.current`).
public func t(_ key: String, _ values: [String: String] = [:]) -> String { Translations.current.text(key, values) }

extension CivilDate {
    /// The date in words in the current page's language.
    public var long: String { Translations.current.date(self) }
}
