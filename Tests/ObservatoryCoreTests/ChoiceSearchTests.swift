import Foundation
import PropertyBased
import Testing

@testable import ObservatoryCore

/// Choice lists are found by words people know, ignoring case and accents; any query is safe.
@Suite struct ChoiceSearchTests {
    @Test func wordsMatchNamesCodesTitlesAndCountriesWhateverTheirCaseAndAccents() {
        let texts = ["Juana Pérez López", "MEX 001 / 1126 / OBS 001", "Mexico"]
        #expect(ChoiceSearch.matches("perez", texts) && ChoiceSearch.matches("JUANA mex", texts))
        #expect(ChoiceSearch.matches("obs 001", texts) && ChoiceSearch.matches("  ", texts))
        #expect(!ChoiceSearch.matches("perez kenya", texts), "every word must match")
        #expect(ChoiceSearch.matches("lópez", ["LOPEZ"]) && ChoiceSearch.matches("Ｍｅｘｉｃｏ", texts))
        let many = (0..<100).map { "Case \($0)" }
        let (found, more) = ChoiceSearch.filter(many, query: "case", texts: { [$0] })
        #expect(found.count == ChoiceSearch.limit && more && found.first == "Case 0")
        #expect(ChoiceSearch.filter(many, query: "case 42", texts: { [$0] }).found == ["Case 42"])
    }

    @Test func anyQueryIsReadWithoutFailingAndARecordIsFoundByItsOwnWords() async {
        let text = Gen.character(in: " "..."\u{2FF}").string(of: 0...60)
        await propertyCheck(count: 500, input: text, text) { name, query in
            // act
            let words = ChoiceSearch.words(query)
            // assert
            #expect(words.joined().count <= ChoiceSearch.maxQueryLength)
            #expect(words.allSatisfy { !$0.isEmpty })
            #expect(ChoiceSearch.matches(name, [name]), "a record is found by its own words")
            _ = ChoiceSearch.matches(query, [name])
        }
    }
}
