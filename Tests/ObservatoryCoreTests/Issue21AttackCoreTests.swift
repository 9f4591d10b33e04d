import Foundation
import ObservatoryCore
import PropertyBased
import Testing

/// The review of issue 21, without HTTP: the rules the app tests attack, checked on generated inputs.
@Suite struct Issue21AttackCoreTests {
    /// Any serial or follow-up number past three digits is refused by the scheme (never reaching the allocator's
    /// counters), whatever its size; every serial from 1 to 999 written canonically is accepted.
    @Test func serialsPastThreeDigitsAreRefusedAtAnySize() async {
        let published = CivilDate("2026-11-20")!
        func problem(_ text: String, followUpOf: String? = nil) -> String? {
            ReferenceCode.schemeProblem(
                text, countries: ["MX"], published: published, followUpOf: followUpOf,
                translationOf: nil)
        }
        await propertyCheck(count: 300, input: Gen.int(in: 1_000...Int.max), Gen.int(in: 1...999)) { big, small in
            let b = String(big), s = String(format: "%03d", small)
            for text in ["MEX \(s) / 1126 / OBS \(b)", "MEX \(b) / 1126 / OBS \(s)"] {
                #expect(problem(text)?.contains("three digits") == true, "\(text)")
            }
            #expect(problem("MEX \(s) / 1126 / OBS \(s).\(b)", followUpOf: "x")?.contains("three digits") == true)
            #expect(problem("MEX \(s) / 1126 / OBS \(s)") == nil)
            #expect(problem("MEX \(s) / 1126 / OBS \(s).\(small)", followUpOf: "x") == nil)
        }
    }

    /// For a text in any language, a person whose name is written in no spelling of that language's script is
    /// named (by number), whether the text is a translation or not; a spelling in that script clears it.
    @Test func aNameNotWrittenInTheTextsScriptIsAskedForInEveryLanguage() async {
        let arabic = Gen.int(in: 0x0628...0x063A).array(of: 3...6)
            .map { String(String.UnicodeScalarView($0.compactMap { Unicode.Scalar(UInt32($0)) })) }
        let latin = Gen.letter.string(of: 3...8)
        await propertyCheck(count: 200, input: arabic, latin) { arabicName, latinName in
            let label = "person 1 (Defender) of the case"
            func people(
                _ name: String, _ spellings: [String] = [],
                consents: Bool = false
            ) -> [TranslationCheck.Person] {
                [TranslationCheck.Person(label: label, name: name, consentsToBeNamed: consents, spellings: spellings)]
            }
            #expect(
                TranslationCheck.spellingProblems(language: .ar, people: people(latinName))
                    == [.missingSpelling(person: label, language: .ar)])
            #expect(TranslationCheck.spellingProblems(language: .ar, people: people(latinName, [arabicName])).isEmpty)
            for language in [Language.en, .fr, .es] {
                #expect(
                    TranslationCheck.spellingProblems(language: language, people: people(arabicName))
                        == [.missingSpelling(person: label, language: language)])
                #expect(TranslationCheck.spellingProblems(language: language, people: people(latinName)).isEmpty)
            }
            #expect(
                TranslationCheck.spellingProblems(language: .ar, people: people(latinName, consents: true))
                    .isEmpty, "a person agreeing to be named needs nothing")
            #expect(
                !TranslationCheck.spellingProblems(language: .ar, people: people(latinName))[0].description
                    .contains(latinName))
        }
    }
}

extension Issue21AttackCoreTests {
    /// Placeholders were filled one value after another, in the dictionary's (random) order: a value holding
    /// another placeholder was filled in turn ("{q}" typed in a search became the count). Filled in one pass now.
    @Test func aValueHoldingAPlaceholderIsKeptAsWritten() async {
        let words = Translations.of(.en)
        #expect(words.text("{a} and {b}", ["a": "{b}", "b": "{a}"]) == "{b} and {a}")
        #expect(words.text("{{a}} {a {b}", ["a": "1", "b": "2"]) == "{1} {a 2")
        let braces = Gen<Character?>.element(of: Array("{}abn q") as [Character]).map { $0! }.string(of: 0...12)
        await propertyCheck(count: 500, input: braces, braces) { q, n in
            let text = words.text("Found {n} for “{q}”", ["q": q, "n": n])
            #expect(text == "Found \(n) for “\(q)”", "\(q.debugDescription) \(n.debugDescription)")
        }
    }
}
