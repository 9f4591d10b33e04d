import Foundation
import Testing

@testable import ObservatoryCore

@Suite struct TranslationsTests {
    static func placeholders(_ text: String) -> Set<String> {
        var found: Set<String> = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            found.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return found
    }

    @Test(arguments: [Language.fr, .es, .ar])
    func everyEnglishTextIsTranslatedWithTheSamePlaceholders(_ language: Language) throws {
        let url = try #require(Bundle.module.url(forResource: "i18n-\(language.rawValue)", withExtension: "txt"))
        // Counted texts (`key.one`, `key.other`…) have the forms of each language's plural rules: checked by
        // `PluralRulesTests.everyCountedTextHasTheFormsItsLanguageNeeds`.
        let counted = PluralCategory.countedKeys(in: Translations.english.texts)
        let own = Translations.parse(try String(contentsOf: url, encoding: .utf8))
            .filter { !PluralCategory.isForm($0.key, of: counted) }
        let english = Translations.english.texts.filter { !PluralCategory.isForm($0.key, of: counted) }
        #expect(
            Set(own.keys) == Set(english.keys),
            """
            missing: \(Set(english.keys).subtracting(own.keys).sorted()); unknown: \
            \(Set(own.keys).subtracting(english.keys).sorted())
            """
        )
        for (key, text) in own {
            #expect(Self.placeholders(text) == Self.placeholders(english[key] ?? ""), "\(language.rawValue): \(key)")
            #expect(!text.isEmpty, "\(language.rawValue): \(key)")
        }
    }

    @Test func englishTextsMatchTheVocabulary() {
        for type in PublicationType.allCases {
            #expect(Translations.english.text("type.\(type.rawValue)") == type.englishLabel)
        }
        for programme in Programme.allCases {
            #expect(Translations.english.text("programme.\(programme.rawValue)") == programme.englishLabel)
        }
        for kind in InterventionKind.allCases {
            #expect(Translations.english.text("kind.\(kind.rawValue)") == kind.englishLabel)
        }
    }

    @Test func datesAndNumbersPerLanguage() {
        let date = CivilDate("2026-11-20")!, first = CivilDate("2026-03-01")!
        #expect(Translations.of(.en).date(date) == "November 20, 2026")
        #expect(Translations.of(.fr).date(date) == "20 novembre 2026")
        #expect(Translations.of(.fr).date(first) == "1er mars 2026")
        #expect(Translations.of(.es).date(date) == "20 de noviembre de 2026")
        #expect(Translations.of(.ar).date(date) == "٢٠ نوفمبر ٢٠٢٦")
        #expect(Translations.of(.en).number(5158) == "5158")
        #expect(Translations.of(.fr).number(5158) == "5158" && Translations.of(.fr).number(105158) == "105\u{202F}158")
        #expect(Translations.of(.ar).number(5158) == "٥١٥٨")
        #expect(Translations.of(.es).number(0) == "0")
    }

    @Test func theCurrentLanguageIsTaskLocal() async {
        #expect(t("nav.countries") == "Countries")
        await Translations.$current.withValue(.of(.es)) {
            #expect(t("nav.countries") == "Países")
            #expect(PublicationType.report.label == "Informes y publicaciones")
            #expect(CountryDirectory.shared.country(code: "MX")!.localName == "México")
            #expect(t("facts.articles", ["n": "12"]) == "Artículos: 12")
        }
        #expect(PublicationType.report.label == "Reports and Publications")
    }

    @Test func countriesResolveFromTheirTranslatedNames() {
        let countries = CountryDirectory.shared
        #expect(countries.resolve("Mexique")?.code == "MX")
        #expect(countries.resolve("Égypte")?.code == "EG")
        #expect(countries.resolve("egypte")?.code == "EG", "accents and case do not matter")
        #expect(countries.resolve("Alemania")?.code == "DE")
        #expect(countries.resolve("المكسيك")?.code == "MX")
        #expect(countries.resolve("Union européenne")?.code == "EU")
        #expect(countries.resolve("Atlantide") == nil)
    }
}
