import Foundation
import PropertyBased
import Testing

@testable import ObservatoryCore

/// CLDR's cardinal plural rules for the site's languages, checked against the `@integer` samples CLDR publishes with
/// them (`common/supplemental/plurals.xml`, CLDR 46; unchanged since 42), and the counted texts of the i18n files
/// against the forms each language's rules need.
@Suite struct PluralRulesTests {
    /// CLDR's integer samples ("~" ranges written out, "…" cut at the last number shown; "1c6" = 1000000).
    static let samples: [Language: [PluralCategory: [Int]]] = [
        .en: [.one: [1], .other: [0] + Array(2...16) + [100, 1000, 10000, 100000, 1000000]],
        .fr: [
            .one: [0, 1], .many: [1000000, 2000000, 3000000, 4000000, 5000000, 6000000],
            .other: Array(2...17) + [100, 1000, 10000, 100000]
        ],
        .es: [
            .one: [1], .many: [1000000, 2000000, 3000000, 4000000, 5000000, 6000000],
            .other: [0] + Array(2...16) + [100, 1000, 10000, 100000]
        ],
        .ar: [
            .zero: [0], .one: [1], .two: [2], .few: Array(3...10) + Array(103...110) + [1003],
            .many: Array(11...26) + Array(111...126) + [1011],
            .other: Array(100...102) + Array(200...202) + Array(300...302) + Array(400...402) + Array(500...502)
                + [600, 1000, 10000, 100000, 1000000]
        ]
    ]

    @Test(arguments: Language.allCases)
    func theRulesGiveCLDRsSamples(_ language: Language) {
        for (category, numbers) in Self.samples[language]! {
            for n in numbers { #expect(PluralCategory.of(n, in: language) == category, "\(language.rawValue) \(n)") }
        }
        #expect(Set(Self.samples[language]!.keys) == Set(PluralCategory.needed(by: language)))
    }

    /// Every number falls in a category its language needs, and the rules agree with CLDR's conditions written
    /// another way (n % 100 for Arabic, i = 0,1 for French) on generated numbers.
    @Test func everyNumberHasANeededCategory() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...5_000_000)) { n in
            for language in Language.allCases {
                #expect(PluralCategory.needed(by: language).contains(PluralCategory.of(n, in: language)))
            }
            let arabic: PluralCategory =
                n == 0
                ? .zero
                : n == 1
                    ? .one
                    : n == 2
                        ? .two
                        : (3...10).contains(n % 100) ? .few : (11...99).contains(n % 100) ? .many : .other
            #expect(PluralCategory.of(n, in: .ar) == arabic, "\(n)")
            #expect((PluralCategory.of(n, in: .fr) == .one) == (n < 2), "\(n)")
            #expect((PluralCategory.of(n, in: .en) == .one) == (n == 1), "\(n)")
        }
    }

    static func own(_ language: Language) throws -> [String: String] {
        let url = try #require(Bundle.module.url(forResource: "i18n-\(language.rawValue)", withExtension: "txt"))
        return Translations.parse(try String(contentsOf: url, encoding: .utf8))
    }

    /// The counted texts: a base key with `.other` in English. Each language has exactly the forms its rules
    /// need, every form keeps the English text's placeholders, and only zero, one and two may leave out `{n}`
    /// (a word says the number: "منشور واحد").
    @Test(arguments: Language.allCases)
    func everyCountedTextHasTheFormsItsLanguageNeeds(_ language: Language) throws {
        let english = try Self.own(.en), own = try Self.own(language)
        let counted = PluralCategory.countedKeys(in: english)
        #expect(counted.count >= 17, "\(counted.sorted())")
        #expect(!counted.contains("untitled") && !counted.contains("assistance.kind"), "plain texts ending in .other")
        for key in own.keys where english[key] == nil {
            #expect(PluralCategory.isForm(key, of: counted), "\(language.rawValue): \(key) is in no English text")
        }
        for base in counted {
            let forms = Set(PluralCategory.allCases.filter { own["\(base).\($0.rawValue)"] != nil })
            #expect(forms == Set(PluralCategory.needed(by: language)), "\(language.rawValue): \(base) has \(forms)")
            #expect(own[base] == nil && english[base] == nil, "\(base) is also a plain text")
            let wanted = TranslationsTests.placeholders(english["\(base).other"]!)
            #expect(wanted.contains("n"), "\(base).other names the number")
            for category in forms {
                let found = TranslationsTests.placeholders(own["\(base).\(category.rawValue)"]!)
                let mayOmitNumber = [.zero, .one, .two].contains(category)
                #expect(
                    found == wanted || (mayOmitNumber && found == wanted.subtracting(["n"])),
                    "\(language.rawValue): \(base).\(category.rawValue) has \(found.sorted()), not \(wanted)")
            }
        }
    }

    @Test func countedTextsInEachLanguage() {
        let expected: [(Language, Int, String)] = [
            (.en, 0, "0 publications"), (.en, 1, "1 publication"), (.en, 2, "2 publications"),
            (.fr, 0, "0 publication"), (.fr, 1, "1 publication"), (.fr, 2, "2 publications"),
            (.fr, 1_000_000, "1\u{202F}000\u{202F}000 de publications"),
            (.es, 0, "0 publicaciones"), (.es, 1, "1 publicación"), (.es, 11, "11 publicaciones"),
            (.es, 2_000_000, "2000000 de publicaciones"),
            (.ar, 0, "لا منشورات"), (.ar, 1, "منشور واحد"), (.ar, 2, "منشوران"), (.ar, 3, "٣ منشورات"),
            (.ar, 11, "١١ منشوراً"), (.ar, 100, "١٠٠ منشور"), (.ar, 103, "١٠٣ منشورات"), (.ar, 111, "١١١ منشوراً")
        ]
        for (language, n, text) in expected {
            #expect(Translations.of(language).text("list.count", count: n) == text, "\(language.rawValue) \(n)")
        }
        #expect(Translations.of(.ar).text("search.results", count: 1, ["q": "x"]) == "نتيجة واحدة لـ «x»")
        #expect(Translations.of(.en).text("action.count", count: 1) == "1 person said they took action.")
    }

    /// Whatever the number, no counted text comes out as its key or with a placeholder left unfilled, and it
    /// writes the number as the language does unless a word says it.
    @Test func noCountedTextIsLeftUnfilled() async throws {
        let english = try Self.own(.en)
        let counted = PluralCategory.countedKeys(in: english)
        await propertyCheck(count: 300, input: Gen.int(in: 0...2_000_000)) { n in
            for language in Language.allCases {
                let translations = Translations.of(language)
                for base in counted {
                    let names = TranslationsTests.placeholders(english["\(base).other"]!).subtracting(["n"])
                    let values = Dictionary(uniqueKeysWithValues: names.map { ($0, "VALUE") })
                    let text = translations.text(base, count: n, values)
                    #expect(!text.contains("{") && !text.hasPrefix(base), "\(language.rawValue) \(base) \(n): \(text)")
                    if n > 2 {
                        #expect(text.contains(translations.number(n)), "\(language.rawValue) \(base) \(n): \(text)")
                    }
                }
            }
        }
    }
}
