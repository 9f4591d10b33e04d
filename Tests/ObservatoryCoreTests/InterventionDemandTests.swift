import Foundation
import PropertyBased
import Testing

@testable import ObservatoryCore

/// The urgent-appeal template asks for what fits the acts of the case: a release only when someone is detained.
@Suite struct InterventionDemandTests {
    static let release: [Language: String] = [.en: "Release", .fr: "Libérer", .es: "Liberen", .ar: "الإفراج"]

    static func acts(_ mask: Int) -> Set<ActType> {
        Set(ActType.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element))
    }

    static func body(_ acts: Set<ActType>, _ language: Language, kind: InterventionKind = .urgentAppeal) -> String {
        InterventionTemplate.draft(
            kind: kind, language: language, followUp: false, country: "Mexico",
            people: ["Juana Pérez López"], addresses: [], acts: acts
        ).body
    }

    @Test(arguments: ActType.allCases)
    func everyActAsksForItsOwnDemandAndOnlyDetentionForARelease(_ act: ActType) {
        // act
        let demands = InterventionTemplate.demands(for: [act])
        // assert
        #expect(demands.contains(.release) == InterventionTemplate.detention.contains(act), "\(act)")
        #expect(act == .other || !InterventionTemplate.demands(of: act).isEmpty, "\(act) has a demand of its own")
        for demand in InterventionTemplate.demands(of: act) { #expect(demands.contains(demand)) }
        #expect(demands.last == .declaration && demands.contains(.endHarassment))
        for language in Language.allCases {
            let body = Self.body([act], language)
            let detained = InterventionTemplate.detention.contains(act)
            #expect(body.contains(Self.release[language]!) == detained, "\(act) \(language)")
            #expect(!body.contains("template.") && !body.contains("{people}") && !body.contains("{country}"))
        }
    }

    @Test func threatsAskForProtectionAgreedWithTheDefenderNotForARelease() {
        let body = Self.body([.threats], .en)
        #expect(
            body.contains(
                "Take, in agreement with Juana Pérez López, the protection measures they consider "
                    + "appropriate;"))
        #expect(!body.contains("Release") && !body.contains("release"))
        #expect(Self.body([.judicialHarassment], .fr).contains("Abandonner toutes les charges retenues contre Juana"))
        #expect(
            Self.body([.killing], .es).contains(
                """
                investigación pronta, exhaustiva, imparcial y transparente sobre
                """))
        #expect(!Self.body([.killing], .en).contains("integrity"), "no integrity of someone killed")
        #expect(Self.body([.killing, .threats], .en).contains("integrity"))
        #expect(Self.body([.enforcedDisappearance], .ar).contains("الكشف فوراً عن مصير"))
        #expect(Self.body([.travelBan], .en).contains("Lift the travel ban imposed on Juana Pérez López"))
        #expect(
            Self.body([.arbitraryDetention], .en).contains(
                "2. Release Juana Pérez López immediately and "
                    + "unconditionally"))
    }

    @Test func anyCombinationAsksForEachOfItsActsOnceAndForARelease_OnlyWithDetention() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...((1 << ActType.allCases.count) - 1))) { mask in
            // setup
            let acts = Self.acts(mask)
            // act
            let demands = InterventionTemplate.demands(for: acts)
            // assert
            #expect(demands.contains(.release) == !acts.isDisjoint(with: InterventionTemplate.detention), "\(acts)")
            for act in acts {
                for d in InterventionTemplate.demands(of: act) { #expect(demands.contains(d), "\(act)") }
            }
            #expect(Set(demands).count == demands.count, "each demand once")
            let expected = Set(acts.flatMap(InterventionTemplate.demands(of:)))
                .union([.endHarassment, .declaration]).union(acts == [.killing] ? [] : [.integrity])
            #expect(Set(demands) == expected, "nothing no act asks for")
            for kind in InterventionKind.allCases {
                let language = Language.allCases[mask % Language.allCases.count]
                let body = Self.body(acts, language, kind: kind)
                #expect(body.contains(Self.release[language]!) == demands.contains(.release))
                #expect(body.contains("\(demands.count). ") && !body.contains("\(demands.count + 1). "))
            }
        }
    }
}
