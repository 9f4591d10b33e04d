import Foundation
import PropertyBased
import Testing

@testable import ObservatoryCore

/// The ceiling flag: raised exactly when the amount in the ceiling's currency is above it, naming both.
@Suite struct CeilingFlagTests {
    @Test func atUnderAndJustOver() {
        let ceiling = Money(minorUnits: 750_000, currency: "EUR")
        func flag(_ units: Int64) -> String? {
            AssistanceRules.ceilingFlag(
                amount: Money(minorUnits: units, currency: "EUR"),
                referenceAmount: Money(minorUnits: units, currency: "EUR"), ceiling: ceiling)
        }
        #expect(flag(750_000) == nil && flag(749_999) == nil)
        #expect(
            flag(750_001) == "Above the ceiling: EUR 7,500.01 requested, EUR 0.01 more than the ceiling of "
                + "EUR 7,500.00 a grant.")
        let usd = AssistanceRules.ceilingFlag(
            amount: Money(minorUnits: 900_000, currency: "USD"),
            referenceAmount: Money(minorUnits: 800_000, currency: "EUR"),
            ceiling: ceiling)
        #expect(usd?.hasPrefix("Above the ceiling: USD 9,000.00 (EUR 8,000.00) requested, EUR 500.00 more") == true)
    }

    @Test func flaggedExactlyAboveTheCeiling() async {
        let currencies = Gen<String?>.element(of: ["EUR", "USD", "JPY", "KWD", "KES"]).map { $0! }
        await propertyCheck(count: 500, input: Gen.int(in: 1...2_000_000), Gen.int(in: -3...3), currencies) {
            ceilingUnits, delta, currency in
            // setup
            let ceiling = Money(minorUnits: Int64(ceilingUnits), currency: "EUR")
            let reference = Money(minorUnits: max(1, Int64(ceilingUnits + delta)), currency: "EUR")
            let amount = Money(minorUnits: reference.minorUnits * 3, currency: currency)
            // act
            let flag = AssistanceRules.ceilingFlag(amount: amount, referenceAmount: reference, ceiling: ceiling)
            // assert
            #expect((flag != nil) == (reference.minorUnits > ceiling.minorUnits))
            if let flag {
                #expect(flag.contains(amount.formatted) && flag.contains(ceiling.formatted))
                #expect(currency == "EUR" || flag.contains("(\(reference.formatted))"), "in the ceiling's currency too")
            }
        }
    }
}
