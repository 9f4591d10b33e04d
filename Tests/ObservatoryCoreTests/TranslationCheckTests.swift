import Foundation
import ObservatoryCore
import PropertyBased
import Testing

/// What a translation needs before approval, without HTTP or a database.
@Suite struct TranslationCheckTests {
    static func juana(description: String, spellings: [String] = []) -> Redactor.Person {
        var person = Redactor.Person(name: "Juana Pérez López", consentsToBeNamed: false, description: description)
        person.spellings = spellings
        person.label = "person 1 (Defender) of the case"
        return person
    }

    static func checked(spellings: [String] = []) -> [TranslationCheck.Person] {
        [
            TranslationCheck.Person(
                label: "person 1 (Defender) of the case", name: "Juana Pérez López",
                consentsToBeNamed: false, spellings: spellings)
        ]
    }

    @Test func aPersonNamedWithoutADescriptionInTheLanguageIsNamedByNumberOnly() {
        // setup
        let redactor = Redactor(people: [Self.juana(description: "")], secrets: [])
        // act
        let problems = TranslationCheck.problems(
            language: .fr, text: "Mme López a été menacée.", redactor: redactor,
            people: Self.checked())
        // assert
        #expect(problems == [.missingDescription(person: "person 1 (Defender) of the case", language: .fr)])
        #expect(problems[0].description.contains("in French") && !problems[0].description.contains("López"))
        let described = Redactor(people: [Self.juana(description: "une défenseuse à Oaxaca")], secrets: [])
        #expect(
            TranslationCheck.problems(
                language: .fr, text: "Mme López", redactor: described,
                people: Self.checked()
            ).isEmpty)
        #expect(described.redact("Mme López a été menacée.") == "Mme une défenseuse à Oaxaca a été menacée.")
        // A translation that does not name her needs no description.
        #expect(
            TranslationCheck.problems(
                language: .fr, text: "Une défenseuse a été menacée.", redactor: redactor,
                people: Self.checked()
            ).isEmpty)
    }

    @Test func aLanguageOfAnotherScriptNeedsTheSpelling() {
        let redactor = Redactor(people: [Self.juana(description: "مدافعة")], secrets: [])
        #expect(
            TranslationCheck.problems(language: .ar, text: "تهديدات", redactor: redactor, people: Self.checked())
                == [.missingSpelling(person: "person 1 (Defender) of the case", language: .ar)])
        #expect(
            TranslationCheck.problems(
                language: .ar, text: "تهديدات", redactor: redactor,
                people: Self.checked(spellings: ["خوانا بيريث"])
            ).isEmpty)
        #expect(TranslationCheck.Script.of("خوانا") == .arabic && TranslationCheck.Script.of("Pérez") == .latin)
    }

    @Test func everyRecordedSpellingIsReplacedAndNeverLeaks() async {
        let word = Gen.int(in: 0x0628...0x063A).array(of: 4...7)
            .map { String(String.UnicodeScalarView($0.compactMap { Unicode.Scalar(UInt32($0)) })) }
        await propertyCheck(count: 300, input: word, word) { first, last in
            let spelling = "\(first) \(last)"
            let redactor = Redactor(
                people: [Self.juana(description: "مدافعة عن حقوق الإنسان", spellings: [spelling])],
                secrets: [])
            for text in ["تهديدات ضد \(spelling) اليوم", "و\(first) في خطر", "Juana and \(last)"] {
                let redacted = redactor.redact(text)
                #expect(!redacted.contains(spelling) && redactor.leaks(in: redacted).isEmpty, "\(text) → \(redacted)")
            }
            let undescribed = Redactor(people: [Self.juana(description: "", spellings: [spelling])], secrets: [])
            #expect(undescribed.undescribed(in: "ضد \(last)") == ["person 1 (Defender) of the case"])
        }
    }
}
