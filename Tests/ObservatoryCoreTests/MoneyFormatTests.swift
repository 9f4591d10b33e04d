import PropertyBased
import Testing

@testable import ObservatoryCore

/// Amounts in the annual report are written as each language writes them.
@Suite struct MoneyFormatTests {
    @Test func amountsFollowEachLanguagesMarksAndTheCurrencysDecimals() {
        // setup
        let euros = Money(minorUnits: 1_250_050, currency: "EUR")
        // act
        let written = Language.allCases.map { Translations.of($0).money(euros) }
        // assert
        #expect(
            written == [
                "EUR 12,500.50", "12\u{202F}500,50\u{00A0}EUR", "12.500,50\u{00A0}EUR",
                "١٢٬٥٠٠٫٥٠\u{00A0}EUR"
            ])
        #expect(Translations.of(.fr).money(Money(minorUnits: 7_500, currency: "JPY")) == "7\u{202F}500\u{00A0}JPY")
        #expect(Translations.of(.en).money(Money(minorUnits: 5, currency: "TND")) == "TND 0.005")
        #expect(Translations.of(.es).money(Money(minorUnits: 99, currency: "USD")) == "0,99\u{00A0}USD")
    }

    @Test func everyAmountReadsBackToItsValueInEveryLanguage() async {
        let amounts = Generator<Int64, Shrink.None<Int64>>(run: { rng in
            let top: [Int64] = [9, 999, 99_999, 9_999_999, 999_999_999_999]
            return Int64.random(in: 0...top[Int.random(in: 0...4, using: &rng)], using: &rng)
        })
        await propertyCheck(count: 500, input: amounts) { units in
            for language in Language.allCases {
                let text = Translations.of(language).money(Money(minorUnits: units, currency: "EUR"))
                let digits = text.unicodeScalars.compactMap { s -> Int? in
                    if (0x0660...0x0669).contains(s.value) { return Int(s.value - 0x0660) }
                    return s.isASCII ? Int(String(s)) : nil
                }
                #expect(digits.reduce(Int64(0)) { $0 * 10 + Int64($1) } == units, "\(language): \(text)")
            }
        }
    }
}
