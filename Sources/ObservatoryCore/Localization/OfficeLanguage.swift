import Foundation

/// The language of a person's office and partner pages and of the e-mails sent to them: chosen on their account page
/// and kept with the account. Until they choose, the first sign-in takes it from the browser (or English).
public enum OfficeLanguage {
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        /// The value that was sent, shortened and stripped of control characters, for the message.
        public let sent: String
        public var description: String { Translations.current.text("office.language.refused", ["value": sent]) }
    }

    /// The choice a form sent: exactly one of the interface languages' codes (`en`, `fr`, `es`, `ar`), nothing else.
    public static func choice(_ raw: String) -> Result<Language, Refusal> {
        if let language = Language(rawValue: raw) { return .success(language) }
        let shown = String(
            raw.unicodeScalars.filter {
                !$0.properties.isDefaultIgnorableCodePoint
                    && $0.properties.generalCategory != .control && $0.properties.generalCategory != .format
            }.prefix(40))
        return .failure(Refusal(sent: shown))
    }

    /// The language stored with an account: nil when not chosen yet (or unreadable), so the caller falls back.
    public static func stored(_ raw: String?) -> Language? { raw.flatMap(Language.init(rawValue:)) }

    /// Whether `actor` may change the language of `target`'s account: only the person herself, or an administrator.
    public static func mayChange(actorID: String, actorRoles: Set<Role>, targetID: String) -> Bool {
        actorID == targetID || actorRoles.contains(.administrator)
    }

    /// The supported language a browser likes best (`fr-CH, fr;q=0.9, en;q=0.8` → fr), or nil.
    public static func preferred(acceptLanguage header: String?) -> Language? {
        guard let header else { return nil }
        let ranked = header.split(separator: ",").compactMap { part -> (Language, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), tag.count == 2 || tag.dropFirst(2).first == "-",
                let language = Language(rawValue: String(tag.prefix(2)))
            else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0 && quality <= 1 ? (language, quality) : nil
        }
        return ranked.enumerated().max { a, b in
            a.element.1 < b.element.1 || (a.element.1 == b.element.1 && a.offset > b.offset)
        }?.element.0
    }

    /// The language a page is written in for this person: their choice, else (before they have chosen, and on the
    /// sign-in pages) the public site's remembered choice or the browser's, else English.
    public static func resolve(account stored: String?, siteCookie: String?, acceptLanguage: String?) -> Language {
        self.stored(stored) ?? siteCookie.flatMap(Language.init(rawValue:))
            ?? preferred(acceptLanguage: acceptLanguage) ?? .en
    }
}

extension Role {
    /// The role's name in the current page's language (`label` stays English: it is what the command line prints).
    public var localizedLabel: String { Translations.current.texts["role.\(rawValue)"] ?? label }
}

extension VerificationAnswer {
    /// The answer as the partner reads it, in the current page's language (`label`, English, is what the case's
    /// timeline stores).
    public var localizedLabel: String { Translations.current.texts["verification.answer.\(rawValue)"] ?? label }
}

extension Translations {
    /// Items of a short list joined as the language writes them ("a, b" · "أ، ب").
    public func list(_ items: [String]) -> String { items.joined(separator: language == .ar ? "، " : ", ") }

    /// A moment as a day in words in this language (the office's dates are UTC).
    public func day(seconds: Int64) -> String {
        let days = Int(floor(Double(seconds) / 86_400))
        return date(CivilDate(daysSinceEpoch: days))
    }
}

extension CaseStatus {
    /// The status as an office page shows it in its language (`label`, English, is what the timeline stores).
    public var localizedLabel: String { Translations.current.texts["case.status.\(rawValue)"] ?? label }
}

extension Outcome {
    public var localizedLabel: String { Translations.current.texts["case.outcome.\(rawValue)"] ?? label }
}

extension RiskLevel {
    public var localizedLabel: String { Translations.current.texts["case.risk.\(rawValue)"] ?? label }
}
