import Foundation

/// What a translation of an intervention needs before it may be approved, beyond the checks every text has:
/// a description in the translation's language for each person it names (a French appeal says "une défenseuse
/// des droits humains à Oaxaca", never the English description inside a French sentence), and, for a language
/// written in another script than a person's name, the name as written in that script, since the redaction can
/// only replace a spelling it knows.
public enum TranslationCheck {
    /// One person at risk of the case, as the check needs them (never shown: refusals use `label`).
    public struct Person: Sendable {
        public var label: String
        public var name: String
        public var consentsToBeNamed: Bool
        /// The spellings recorded for the name, in any language.
        public var spellings: [String]
        public init(label: String, name: String, consentsToBeNamed: Bool, spellings: [String]) {
            self.label = label; self.name = name; self.consentsToBeNamed = consentsToBeNamed
            self.spellings = spellings
        }
    }

    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// `person` is named in the translation and has no description in `language`.
        case missingDescription(person: String, language: Language)
        /// `person`'s name is not written in `language`'s script and no spelling in it is recorded.
        case missingSpelling(person: String, language: Language)

        public var description: String {
            switch self {
            case .missingDescription(let person, let language):
                "Write the public description of \(person) in \(language.englishName) on the case page: "
                    + "this translation names them and has no description in \(language.englishName) to replace "
                    + "the name."
            case .missingSpelling(let person, let language):
                "Write how the name of \(person) is spelt in \(language.englishName) on the case page: "
                    + "the redaction cannot find it in this text otherwise."
            }
        }
    }

    /// The problems of a translation into `language` whose public version the redactor `redactor` (with the
    /// descriptions of `language`) makes from `text`.
    public static func problems(
        language: Language, text: String, redactor: Redactor,
        people: [Person]
    ) -> [Problem] {
        redactor.undescribed(in: text).map { Problem.missingDescription(person: $0, language: language) }
            + spellingProblems(language: language, people: people)
    }

    /// The people not agreeing to be named whose name has no spelling in `language`'s script: any public text in
    /// that language (an original, a follow-up or a translation) may write the name in it, where the redaction,
    /// which only replaces a spelling it knows, would not see it (an Arabic original naming "خوانا").
    public static func spellingProblems(language: Language, people: [Person]) -> [Problem] {
        people.filter { person in
            !person.consentsToBeNamed && !person.name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                && !([person.name] + person.spellings).contains { Script.of($0) == Script.of(language) }
        }.map { .missingSpelling(person: $0.label, language: language) }
    }

    /// The writing systems the four languages use.
    public enum Script: Sendable, Equatable {
        case latin, arabic, other

        public static func of(_ language: Language) -> Script { language == .ar ? .arabic : .latin }

        /// The script most letters of `text` are written in.
        public static func of(_ text: String) -> Script {
            var latin = 0, arabic = 0, other = 0
            for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
                switch scalar.value {
                case 0x0041...0x024F, 0x1E00...0x1EFF: latin += 1
                case 0x0600...0x06FF, 0x0750...0x077F, 0x08A0...0x08FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF: arabic += 1
                default: other += 1
                }
            }
            if latin >= arabic && latin >= other && latin > 0 { return .latin }
            if arabic >= other && arabic > 0 { return .arabic }
            return .other
        }
    }
}

extension Language {
    /// The language's English name, as office messages use it.
    public var englishName: String {
        switch self {
        case .en: "English"
        case .fr: "French"
        case .es: "Spanish"
        case .ar: "Arabic"
        }
    }
}
