import Foundation
import ObservatoryCore
import PropertyBased
import Testing

/// The account's language: what a form may send, who may change it, what a browser asks for, what a page uses.
@Suite struct OfficeLanguageCoreTests {
    @Test func exactlyTheFourCodesAreAccepted() throws {
        for language in Language.allCases { #expect(try OfficeLanguage.choice(language.rawValue).get() == language) }
        let nearMisses = [
            "", "EN", "Fr", " ar", "es ", "fr-FR", "fr_FR", "ar\u{0}", "es\n", "frr", "de", "english",
            "Français", "ﬀr", "ｆｒ", "e\u{301}s", "fr;", "en,fr", "../en", "<script>"
        ]
        for raw in nearMisses {
            guard case .failure(let refusal) = OfficeLanguage.choice(raw) else {
                Issue.record("“\(raw.debugDescription)” was accepted"); continue
            }
            #expect(refusal.description.contains("English, Français, Español"), "the message names the choices")
            #expect(refusal.description.contains("Nothing was changed"))
        }
    }

    /// Whatever a crafted form sends: one of the four, or a refusal whose message shows at most 40 characters of
    /// it and never a control or invisible formatting character (the value is echoed on the page).
    @Test func generatedValuesAreAcceptedOnlyWhenExact() async {
        let anyScalar = Gen<UInt32>.value(in: 0...0x10FFFF).map { Unicode.Scalar($0) ?? "\u{202E}" }
        let near = Gen.oneOf(Gen.letterOrNumber.string(of: 0...4), Gen.latin1.string(of: 0...6))
        await propertyCheck(
            count: 1_000,
            input: Gen.oneOf(
                near,
                anyScalar.array(of: 0...80).map {
                    var text = String.UnicodeScalarView(); text.append(contentsOf: $0); return String(text)
                })
        ) { raw in
            switch OfficeLanguage.choice(raw) {
            case .success(let language): #expect(language.rawValue == raw)
            case .failure(let refusal):
                #expect(Language(rawValue: raw) == nil)
                #expect(refusal.sent.unicodeScalars.count <= 40)
                #expect(
                    refusal.sent.unicodeScalars.allSatisfy {
                        $0.properties.generalCategory != .control && $0.properties.generalCategory != .format
                    }, "\(raw.debugDescription)")
            }
        }
    }

    @Test func onlyThePersonOrAnAdministratorMayChangeIt() async {
        #expect(OfficeLanguage.mayChange(actorID: "a", actorRoles: [.partner], targetID: "a"))
        #expect(OfficeLanguage.mayChange(actorID: "a", actorRoles: [.administrator], targetID: "b"))
        await propertyCheck(
            count: 200, input: Gen.letterOrNumber.string(of: 1...8),
            Gen.letterOrNumber.string(of: 1...8),
            Gen.int(in: 0...15)
        ) { actor, target, mask in
            let roles = Set(Role.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element))
            #expect(
                OfficeLanguage.mayChange(actorID: actor, actorRoles: roles, targetID: target)
                    == (actor == target || roles.contains(.administrator)))
        }
    }

    @Test func theBrowsersPreferenceIsReadAsItsHeaderSays() {
        #expect(OfficeLanguage.preferred(acceptLanguage: "fr-CH, fr;q=0.9, en;q=0.8") == .fr)
        #expect(OfficeLanguage.preferred(acceptLanguage: "de-DE, ar;q=0.5, en;q=0.4") == .ar)
        #expect(OfficeLanguage.preferred(acceptLanguage: "en;q=0.2, es;q=0.9") == .es)
        #expect(OfficeLanguage.preferred(acceptLanguage: "fr;q=0, de") == nil)
        #expect(OfficeLanguage.preferred(acceptLanguage: "french, arabic") == nil, "not a language tag")
        #expect(OfficeLanguage.preferred(acceptLanguage: nil) == nil)
        #expect(OfficeLanguage.preferred(acceptLanguage: "es;q=7") == nil, "a quality above 1 is not a preference")
    }

    @Test func theAccountsChoiceComesFirst() {
        #expect(OfficeLanguage.resolve(account: "ar", siteCookie: "fr", acceptLanguage: "es") == .ar)
        #expect(OfficeLanguage.resolve(account: nil, siteCookie: "fr", acceptLanguage: "es") == .fr)
        #expect(OfficeLanguage.resolve(account: "xx", siteCookie: nil, acceptLanguage: "es") == .es)
        #expect(OfficeLanguage.resolve(account: nil, siteCookie: "zz", acceptLanguage: nil) == .en)
    }

    @Test func partnersReadTheirWordsInTheirLanguage() {
        Translations.$current.withValue(.of(.fr)) {
            #expect(VerificationAnswer.moreInformation.localizedLabel == "Plus d’informations nécessaires")
            #expect(Role.caseOfficer.localizedLabel == "Chargé de dossiers")
            #expect(Translations.current.day(seconds: 1_763_424_000) == "18 novembre 2025")
        }
        Translations.$current.withValue(.of(.ar)) {
            #expect(Translations.current.list(["أ", "ب"]) == "أ، ب")
            #expect(
                PasswordPolicy.problem(with: "short")
                    == """
                    استخدم ١٢ حرفاً على الأقل (بضع كلمات لا رابط بينها \
                    تصنع كلمة مرور قوية يسهل تذكّرها).
                    """)
        }
        #expect(
            VerificationAnswer.moreInformation.label == "More information needed",
            "the timeline's words stay English")
    }
}
