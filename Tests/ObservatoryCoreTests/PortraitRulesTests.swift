import Foundation
import PropertyBased
import Testing

@testable import ObservatoryCore

/// Issue 19: a portrait shows only a person who consents, and a page shows only its own language's text.
@Suite struct PortraitRulesTests {
    let today = CivilDate("2026-12-01")!

    @Test func onlyARecordedPastConsentNotWithdrawnAndPublishedIsPublic() {
        // act, assert
        #expect(
            PortraitRules.standing(consentOn: "2026-11-30", withdrawn: false, published: true, today: today)
                == .public)
        #expect(PortraitRules.standing(consentOn: nil, withdrawn: false, published: true, today: today) == .noConsent)
        #expect(
            PortraitRules.standing(consentOn: "2026-12-02", withdrawn: false, published: true, today: today)
                == .noConsent, "a consent dated tomorrow is not a consent")
        #expect(
            PortraitRules.standing(consentOn: "2026-02-30", withdrawn: false, published: true, today: today)
                == .noConsent)
        #expect(
            PortraitRules.standing(consentOn: "2026-11-30", withdrawn: true, published: true, today: today)
                == .withdrawn, "a withdrawal wins over everything")
        #expect(
            PortraitRules.standing(consentOn: "2026-11-30", withdrawn: false, published: false, today: today)
                == .notPublished)
        #expect(PortraitRules.consentProblem("2026-12-01", today: today) == nil)
        #expect(PortraitRules.consentProblem("1/12/2026", today: today) != nil)
        #expect(PortraitRules.consentProblem("2027-01-01", today: today) != nil)
    }

    @Test func aWithdrawnConsentIsNeverPublicWhateverElseIsTrue() async {
        let day = Gen.int(in: 0...40_000).map { CivilDate(daysSinceEpoch: $0).description }
        await propertyCheck(count: 500, input: day, Gen.bool) { consent, published in
            // act
            let standing = PortraitRules.standing(
                consentOn: consent, withdrawn: true, published: published,
                today: today)
            // assert
            #expect(standing == .withdrawn)
        }
    }

    @Test func aPageShowsItsOwnLanguagesTextOrNothingNeverAnothers() async {
        let text = Gen.oneOf(
            Gen.always(""), Gen.always("  \n"),
            Gen.character(in: " "..."\u{6FF}").string(of: 0...30))
        await propertyCheck(count: 1_000, input: text, text, text, text) { en, fr, es, ar in
            // setup
            let texts: [Language: String] = [.en: "EN:" + en, .fr: fr, .es: es, .ar: ar]
            for language in [Language.fr, .es, .ar] {
                // act
                let shown = PortraitRules.text(in: language, texts: texts)
                // assert
                let own = texts[language]!.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(shown == (own.isEmpty ? nil : own), "\(language): \(String(describing: shown))")
                #expect(shown?.hasPrefix("EN:") != true || own.hasPrefix("EN:"), "never the English text")
            }
        }
    }

    @Test func addressesAreShortLowerCaseAndNeverAPathOfThePortraitPages() {
        #expect(PortraitRules.isValidID("ana-lopez-2026"))
        let long = String(repeating: "a", count: 61)
        for bad in ["series", "photo", "new", "ab", "Ana", "ana lopez", "ana/x", "ána", long] {
            #expect(!PortraitRules.isValidID(bad), "\(bad)")
        }
    }
}
