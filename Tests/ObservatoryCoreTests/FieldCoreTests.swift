import Foundation
import Testing

@testable import ObservatoryCore

@Suite struct MissionRulesTests {
    @Test func datesAreCheckedAndNamed() {
        #expect(
            MissionDates.check(starts: "2026-03-01", ends: "2026-03-05")
                == .success(MissionDates(starts: CivilDate("2026-03-01")!, ends: CivilDate("2026-03-05")!)))
        #expect(
            MissionDates.check(starts: "2026-03-01", ends: "2026-03-01").map(\.ends)
                == .success(CivilDate("2026-03-01")!))
        #expect(MissionDates.check(starts: "2026-3-1x", ends: "2026-03-05") == .failure(.notADate(field: "start")))
        #expect(MissionDates.check(starts: "2026-03-01", ends: "2026-02-30") == .failure(.notADate(field: "end")))
        #expect(MissionDates.check(starts: "2026-03-05", ends: "2026-03-01") == .failure(.endsBeforeStart))
        #expect(MissionDates.check(starts: "2026-01-01", ends: "2027-06-01") == .failure(.tooLong))
    }

    @Test func thePhaseFollowsTheDays() {
        let s = CivilDate("2026-03-01")!, e = CivilDate("2026-03-05")!
        #expect(MissionPhase.of(starts: s, ends: e, today: CivilDate("2026-02-28")!) == .upcoming)
        #expect(MissionPhase.of(starts: s, ends: e, today: s) == .underWay)
        #expect(MissionPhase.of(starts: s, ends: e, today: e) == .underWay)
        #expect(MissionPhase.of(starts: s, ends: e, today: CivilDate("2026-03-06")!) == .past)
    }
}

@Suite struct MoneyTests {
    @Test(
        arguments: [
            ("1250", "EUR", 125_000), ("1 250,50", "EUR", 125_050), ("1,250.50", "EUR", 125_050),
            ("1.250,50", "EUR", 125_050),
            ("1,250", "USD", 125_000), ("1.250", "EUR", 125_000), ("12,5", "EUR", 1_250), ("0.99", "EUR", 99),
            ("1,000,000", "USD", 100_000_000),
            ("150000", "XOF", 150_000), ("150 000", "XOF", 150_000), ("1.250", "KWD", 1_250),
            ("1'250.00", "CHF", 125_000)
        ] as [(String, String, Int64)])
    func amountsAreReadAsPeopleWriteThem(_ text: String, _ currency: String, _ units: Int64) {
        #expect(Money.parse(text, currency: currency) == Money(minorUnits: units, currency: currency))
    }

    @Test(arguments: [
        "", "0", "0,00", "-5", "12a", "1,2,3", "1.2345", "10.5", "1,25,000", "99999999999999", "١٢٣", "1e5", ".", "5,"
    ])
    func anythingElseIsRefused(_ text: String) {
        #expect(Money.parse(text, currency: text == "10.5" ? "XOF" : "EUR") == nil)
    }

    @Test func currenciesAndFormatting() {
        #expect(Money.currency(" eur ") == "EUR")
        #expect(Money.currency("EURO") == nil && Money.currency("E1R") == nil && Money.currency("") == nil)
        #expect(Money(minorUnits: 125_050, currency: "EUR").formatted == "EUR 1,250.50")
        #expect(Money(minorUnits: 5, currency: "EUR").formatted == "EUR 0.05")
        #expect(Money(minorUnits: 1_500_000, currency: "XOF").formatted == "XOF 1,500,000")
        #expect(Money(minorUnits: 1_250, currency: "KWD").formatted == "KWD 1.250")
    }

    @Test func formattingAndParsingRoundTrip() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("formattingAndParsingRoundTrip seed: \(seed)")
        var generator = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let currency = ["EUR", "XOF", "KWD"].randomElement(using: &generator)!
            let money = Money(minorUnits: Int64.random(in: 1...9_999_999_999, using: &generator), currency: currency)
            let text = String(money.formatted.dropFirst(4))
            #expect(Money.parse(text, currency: currency) == money, "\(text)")
        }
    }
}

@Suite struct AssistanceRulesTests {
    let criteria = [
        AssistanceRules.Criterion(id: "peaceful", text: "Defends rights peacefully"),
        AssistanceRules.Criterion(id: "urgent", text: "The need is urgent")
    ]
    let ceiling = Money(minorUnits: 500_000, currency: "EUR")

    @Test func eligibilityNamesEachProblem() {
        let ok = AssistanceRules.eligibilityProblems(
            amount: Money(minorUnits: 500_000, currency: "EUR"), ceiling: ceiling, criteria: criteria,
            met: ["peaceful", "urgent"])
        #expect(ok.isEmpty)
        let problems = AssistanceRules.eligibilityProblems(
            amount: Money(minorUnits: 500_001, currency: "EUR"), ceiling: ceiling, criteria: criteria, met: ["urgent"])
        #expect(
            problems == [
                "EUR 5,000.01 is above the ceiling of EUR 5,000.00 a grant.",
                "Criterion not met: Defends rights peacefully"
            ])
        #expect(
            AssistanceRules.eligibilityProblems(
                amount: Money(minorUnits: 1, currency: "USD"), ceiling: ceiling, criteria: [], met: []
            ).count == 1)
    }

    @Test func twoPeopleOtherThanTheRequesterApprove() {
        typealias R = AssistanceRules
        #expect(
            R.approve(by: "a@x", requester: "a@x", status: .requested, approvals: [], eligibilityProblems: [])
                == .failure(.requesterCannotApprove))
        #expect(
            R.approve(by: "b@x", requester: "a@x", status: .requested, approvals: [], eligibilityProblems: [])
                == .success(false))
        #expect(
            R.approve(by: "B@x", requester: "a@x", status: .requested, approvals: ["b@x"], eligibilityProblems: [])
                == .failure(.alreadyApproved))
        #expect(
            R.approve(by: "c@x", requester: "a@x", status: .requested, approvals: ["b@x"], eligibilityProblems: [])
                == .success(true))
        #expect(
            R.approve(by: "c@x", requester: "a@x", status: .requested, approvals: ["b@x"], eligibilityProblems: ["no"])
                == .failure(.notEligible(["no"])))
        #expect(
            R.approve(
                by: "c@x", requester: "a@x", status: .approved, approvals: ["b@x", "d@x"], eligibilityProblems: [])
                == .failure(.notAwaitingApproval(.approved)))
    }

    @Test func paymentsNeverExceedTheGrant() {
        let grant = Money(minorUnits: 100_000, currency: "USD")
        #expect(
            AssistanceRules.pay(
                Money(minorUnits: 40_000, currency: "USD"), approved: grant, alreadyPaid: 0, status: .approved)
                == .success(false))
        #expect(
            AssistanceRules.pay(
                Money(minorUnits: 60_000, currency: "USD"), approved: grant, alreadyPaid: 40_000, status: .approved)
                == .success(true))
        #expect(
            AssistanceRules.pay(
                Money(minorUnits: 60_001, currency: "USD"), approved: grant, alreadyPaid: 40_000, status: .approved)
                == .failure(.aboveApproved(remaining: Money(minorUnits: 60_000, currency: "USD"))))
        #expect(
            AssistanceRules.pay(
                Money(minorUnits: 1, currency: "USD"), approved: grant, alreadyPaid: 0, status: .requested)
                == .failure(.notApproved(.requested)))
        #expect(AssistanceRules.inReference(50_000, amount: 100_000, referenceAmount: 92_000) == 46_000)
        #expect(AssistanceRules.inReference(1, amount: 3, referenceAmount: 2) == 1)
    }
}
