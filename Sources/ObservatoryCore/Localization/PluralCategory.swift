/// The CLDR plural categories (Unicode CLDR 46, `common/supplemental/plurals.xml`, cardinal rules; the same rules
/// since CLDR 42 for the four languages of the site). Only whole numbers are counted here, so the operands are
/// n = i (the number), v = 0 (no visible fraction digits) and e = 0 (no compact exponent):
///
/// - en: one: i = 1 and v = 0 · other
/// - fr: one: i = 0,1 · many: e = 0 and i != 0 and i % 1000000 = 0 and v = 0 · other
/// - es: one: n = 1 · many: e = 0 and i != 0 and i % 1000000 = 0 and v = 0 · other
/// - ar: zero: n = 0 · one: n = 1 · two: n = 2 · few: n % 100 = 3..10 · many: n % 100 = 11..99 · other
///
/// French and Spanish "many" (CLDR 38 and 42) is kept: a round million takes "de" ("1 000 000 de publications",
/// "1000000 de publicaciones"), so those languages carry the form and the test holds them to it.
public enum PluralCategory: String, CaseIterable, Sendable {
    case zero, one, two, few, many, other

    public static func of(_ n: Int, in language: Language) -> PluralCategory {
        let i = n.magnitude  // the sign never changes the form ("-1 °C": one)
        switch language {
        case .en: return i == 1 ? .one : .other
        case .fr: return i <= 1 ? .one : (i % 1_000_000 == 0 ? .many : .other)
        case .es: return i == 1 ? .one : (i != 0 && i % 1_000_000 == 0 ? .many : .other)
        case .ar:
            switch (i, i % 100) {
            case (0, _): return .zero
            case (1, _): return .one
            case (2, _): return .two
            case (_, 3...10): return .few
            case (_, 11...99): return .many
            default: return .other
            }
        }
    }

    /// The categories a language's rules can give, so every counted text needs exactly these forms.
    public static func needed(by language: Language) -> [PluralCategory] {
        switch language {
        case .en: [.one, .other]
        case .fr, .es: [.one, .many, .other]
        case .ar: [.zero, .one, .two, .few, .many, .other]
        }
    }

    /// The counted texts of a file: the keys with both a `.one` and an `.other` form ("untitled.other" alone is
    /// an ordinary text).
    public static func countedKeys(in texts: [String: String]) -> Set<String> {
        Set(
            texts.keys.compactMap { key in
                split(key: key).flatMap { $0.category == .other && texts["\($0.base).one"] != nil ? $0.base : nil }
            })
    }

    /// Whether `key` is one form of a counted text of `counted`.
    public static func isForm(_ key: String, of counted: Set<String>) -> Bool {
        split(key: key).map { counted.contains($0.base) } ?? false
    }

    /// `list.count.one` → ("list.count", .one); nil for a key whose last part names no category.
    public static func split(key: String) -> (base: String, category: PluralCategory)? {
        guard let dot = key.lastIndex(of: "."),
            let category = PluralCategory(rawValue: String(key[key.index(after: dot)...]))
        else { return nil }
        return (String(key[..<dot]), category)
    }
}

extension Translations {
    /// The text of a counted thing: `key.<category>` for the category of `n` in this language (see
    /// `PluralCategory`), with `{n}` filled in with the number as the language writes it. Falls back to
    /// `key.other` (never to another language's form, whose grammar differs).
    public func text(_ key: String, count n: Int, _ values: [String: String] = [:]) -> String {
        let category = PluralCategory.of(n, in: language)
        var values = values
        values["n"] = number(n)
        if let own = ownTexts["\(key).\(category.rawValue)"] ?? ownTexts["\(key).other"] {
            return fill(own, values)
        }
        return text("\(key).\(PluralCategory.of(n, in: .en).rawValue)", values)
    }
}

/// The current page's text for a counted thing: `t("list.count", count: 3)` → "3 publications".
public func t(_ key: String, count n: Int, _ values: [String: String] = [:]) -> String {
    Translations.current.text(key, count: n, values)
}
