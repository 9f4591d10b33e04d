import Foundation

/// The first draft of an intervention: the usual sections of its kind, in its language, with the country,
/// the people at risk and the authorities' addresses filled in, and the demands that fit the acts of the case.
/// The case officer then writes the facts. The texts live in `Resources/i18n-<code>.txt` (`template.*`).
public enum InterventionTemplate {
    public struct Draft: Sendable, Equatable {
        public let title: String
        public let body: String
    }

    /// One numbered request to the authorities. Each act of the case asks for its own; a few are always made.
    public enum Demand: String, CaseIterable, Sendable {
        case integrity, release, whereabouts
        case dropCharges = "drop-charges"
        case quash
        case investigateKilling = "investigate-killing"
        case investigateTorture = "investigate-torture"
        case protection
        case investigateAttacks = "investigate-attacks"
        case returnSeized = "return-seized"
        case liftTravelBan = "lift-travel-ban"
        case reopen, unfreeze
        case endSmear = "end-smear"
        case endSurveillance = "end-surveillance"
        case endHarassment = "end-harassment"
        case declaration

        var key: String { "template.demand.\(rawValue)" }
    }

    /// Acts that deprive a person of liberty: only these ask for a release.
    public static let detention: Set<ActType> = [.arbitraryArrest, .arbitraryDetention]

    /// The demands an act calls for (none of its own for `other`).
    public static func demands(of act: ActType) -> [Demand] {
        switch act {
        case .arbitraryArrest, .arbitraryDetention: [.release]
        case .enforcedDisappearance, .abduction: [.whereabouts]
        case .judicialHarassment: [.dropCharges]
        case .sentencing: [.quash]
        case .killing: [.investigateKilling]
        case .torture: [.investigateTorture]
        case .threats, .physicalAttack, .arson: [.protection, .investigateAttacks]
        case .raid: [.returnSeized]
        case .travelBan: [.liftTravelBan]
        case .closureOfOrganisation: [.reopen]
        case .freezingOfAssets: [.unfreeze]
        case .defamation: [.endSmear]
        case .surveillance: [.endSurveillance]
        case .other: []
        }
    }

    /// The requests to the authorities for a case with these acts, in the order of an appeal: integrity first (unless
    /// the only act is a killing), then what each act calls for, then an end to harassment and the UN Declaration.
    public static func demands(for acts: Set<ActType>) -> [Demand] {
        let own = Set(acts.flatMap(demands(of:)))
        var result: [Demand] = acts == [.killing] ? [] : [.integrity]
        result += Demand.allCases.filter { own.contains($0) }
        return result + [.endHarassment, .declaration]
    }

    public struct Words: Sendable {
        public let newInformation, description, actions, addresses, callOn, writeTo, signature: String
    }

    public static func words(_ language: Language) -> Words {
        let t = Translations.of(language)
        return Words(
            newInformation: t.text("template.new-information"), description: t.text("template.description"),
            actions: t.text("template.actions"), addresses: t.text("template.addresses"),
            callOn: t.text("template.call-on"), writeTo: t.text("template.write-to"),
            signature: t.text("template.signature"))
    }

    /// The numbered requests as they appear in a draft ("1. Guarantee …;").
    public static func requests(
        for acts: Set<ActType>, language: Language, country: String,
        people: String
    ) -> [String] {
        let t = Translations.of(language)
        return demands(for: acts).enumerated().map { n, demand in
            "\(n + 1). " + t.text(demand.key, ["country": country, "people": people])
        }
    }

    /// `people` are named as the case file names them; redaction later replaces whoever did not agree to be named.
    /// `acts` are the types of the case's acts: they choose the demands.
    public static func draft(
        kind: InterventionKind, language: Language, followUp: Bool, country: String,
        people: [String], addresses: [String], acts: Set<ActType> = []
    ) -> Draft {
        let w = words(language)
        let who = people.isEmpty ? "…" : people.joined(separator: language == .ar ? "، " : ", ")
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "{country}", with: country)
        }
        let requests = Self.requests(for: acts, language: language, country: country, people: who)
            .joined(separator: "\n")
        var sections: [String] = []
        if followUp { sections.append("## \(w.newInformation)\n\n…") }
        sections.append("## \(w.description)\n\n…")
        switch kind {
        case .urgentAppeal:
            sections.append("## \(w.actions)\n\n\(fill(w.writeTo))\n\n\(requests)")
            let list =
                addresses.isEmpty
                ? "- …" : addresses.map { "- " + $0.replacingOccurrences(of: "\n", with: ", ") }.joined(separator: "\n")
            sections.append("## \(w.addresses)\n\n\(list)")
        case .pressRelease:
            sections.append("\(fill(w.callOn))\n\n\(requests)")
        case .openLetter:
            sections.append("\(fill(w.callOn))\n\n\(requests)\n\n\(w.signature)")
        }
        return Draft(title: "\(country): …", body: sections.joined(separator: "\n\n"))
    }
}
