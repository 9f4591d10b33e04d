import Foundation

/// Issue 19, portraits: the rules that decide what the public may see of a defender who agreed to be named.
public enum PortraitRules {
    /// Where a portrait stands. Only `.public` is ever shown outside the office.
    public enum Standing: Sendable, Equatable {
        /// No consent recorded: the portrait cannot go public at all.
        case noConsent
        /// Consent was withdrawn: the portrait is down for good (a new consent is a new portrait).
        case withdrawn
        /// Consent recorded, not (yet) put on the public site by a second person.
        case notPublished
        case `public`
    }

    /// A portrait is public only when its consent is recorded (with a valid date no later than today), has not
    /// been withdrawn, and the portrait was put on the public site.
    public static func standing(
        consentOn: String?, withdrawn: Bool, published: Bool,
        today: CivilDate
    ) -> Standing {
        if withdrawn { return .withdrawn }
        guard let text = consentOn, let day = CivilDate(text), day <= today else { return .noConsent }
        return published ? .public : .notPublished
    }

    /// What a page in `language` shows of a portrait's texts: its own text, or nothing (the page then says that
    /// the text is not written in that language). Never another language's text in its place.
    public static func text(in language: Language, texts: [Language: String]) -> String? {
        guard let text = texts[language]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return nil
        }
        return text
    }

    /// A portrait's or a series' address: 3–60 lower-case ASCII letters, digits or `-`, not an address the
    /// portrait pages use themselves.
    public static func isValidID(_ id: String) -> Bool {
        id.count >= 3 && id.count <= 60 && !reserved.contains(id)
            && id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    static let reserved: Set<String> = ["series", "new", "photo"]

    /// Why a consent date is refused, or nil: a real `YYYY-MM-DD` day, not in the future.
    public static func consentProblem(_ text: String, today: CivilDate) -> String? {
        guard let day = CivilDate(text) else { return t("portraits.office.error.consent-day") }
        return day > today ? t("portraits.office.error.consent-future") : nil
    }
}
