import Foundation
import ObservatoryCore
import PropertyBased
import Testing

/// Who receives which alert, and how: the rule alone, without HTTP.
@Suite struct StaffAlertRuleTests {
    static let events = Gen.int(in: 0...(1 << AlertEvent.allCases.count) - 1).map { mask in
        Set(AlertEvent.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element))
    }

    /// Whatever a person chose: someone without access to cases (an editor, a partner, an administrator only) and a
    /// disabled account never get an alert; the on-call person gets a new report at once; otherwise only chosen
    /// events, in the chosen way.
    @Test func onlyEnabledCaseOfficersAndOnlyWhatTheyChose() async {
        await propertyCheck(
            count: 500, input: Self.events, Gen.int(in: 0...15),
            Gen.int(in: 0...5)
        ) { chosen, bits, e in
            let event = AlertEvent.allCases[e]
            let preferences = AlertPreferences(
                events: chosen, delivery: bits & 1 == 0 ? .now : .digest,
                onCall: bits & 2 != 0)
            let officer = bits & 4 != 0, disabled = bits & 8 != 0
            let got = preferences.delivery(of: event, isCaseOfficer: officer, disabled: disabled)
            if !officer || disabled {
                #expect(got == nil)
            } else if preferences.onCall && event == .reportNew {
                #expect(got == .now)
            } else {
                #expect(got == (chosen.contains(event) ? preferences.delivery : nil))
            }
        }
        #expect(
            AlertPreferences().delivery(of: .reportNew, isCaseOfficer: true, disabled: false) == .now,
            "someone who never chose gets every alert at once")
    }

    @Test func theChoicesSurviveStorageAndUnknownValuesAreRefusedByName() async {
        await propertyCheck(count: 300, input: Self.events) { chosen in
            let stored = AlertPreferences(events: chosen).storedEvents
            #expect(AlertPreferences.events(stored: stored) == chosen)
        }
        let junk = Gen.oneOf(Gen.letterOrNumber.string(of: 0...12), Gen.latin1.string(of: 0...90))
        await propertyCheck(count: 500, input: junk, Gen.int(in: 0...5), Gen.int(in: 0...2)) { raw, e, d in
            let delivery = ["now", "digest", raw][d]
            let names = [AlertEvent.allCases[e].rawValue, raw]
            switch AlertPreferences.parse(events: names, delivery: delivery, onCall: false) {
            case .success(let preferences):
                #expect(AlertEvent(rawValue: raw) != nil)
                #expect(preferences.delivery.rawValue == delivery)
            case .failure(let refusal):
                #expect(AlertEvent(rawValue: raw) == nil || AlertDelivery(rawValue: delivery) == nil)
                #expect(refusal.value == String(raw.prefix(60)) && refusal.description.hasPrefix(refusal.field + ":"))
                #expect(refusal.field == (AlertEvent(rawValue: raw) == nil ? "event" : "delivery"))
            }
        }
    }

    @Test func aDayIsOverOnlyAtMidnightUTC() {
        let day = AlertPreferences.day(seconds: 1_795_000_000)
        #expect(!AlertPreferences.digestDue(day: day, now: (day + 1) * 86_400 - 1))
        #expect(AlertPreferences.digestDue(day: day, now: (day + 1) * 86_400))
        #expect(AlertPreferences.day(seconds: -1) == -1 && AlertPreferences.day(seconds: 0) == 0)
    }
}
