/// The demo's case file, so a case officer's first look at the office finds a case like the real ones: the newest
/// demo appeal's story as the office records it, in English (the office's working language). Every text here is
/// confidential once stored: the app seals it like any case's.
public struct DemoCaseFile: Sendable, Equatable {
    public let country: String
    public let label: String, notes: String
    public let atRisk: AtRiskKind, name: String, description: String, contact: String
    public let act: ActType, perpetrator: PerpetratorType, occurredOn: CivilDate, place: String, detail: String
    public let source: String, sourceContact: String

    init(_ story: DemoStory) {
        let v = DemoVoice(language: .en, story: story)
        let group = story.act.targetsOrganisation
        country = story.country.code
        label = DemoVoice.capitalised(v.nominal(story.act))
        notes =
            "Reported by a partner organisation two days after the events. Lawyer in contact with the family; "
            + "ask before naming relatives in any appeal."
        atRisk = group ? .organisation : .defender
        name = group ? story.organisation.name : story.person.name
        description =
            group
            ? "\(DemoVoice.capitalised(v.organisation)), \(v.inCity)."
            : "\(DemoVoice.capitalised(v.aRole)), member of \(v.organisation)."
        contact =
            group
            ? "Its coordinator, by Signal only; never call the office line."
            : "Through \(v.g("his", "her")) lawyer, by Signal only; never call the office line."
        act = Self.type(of: story.act)
        perpetrator = Self.perpetrator(of: story)
        occurredOn = story.incident
        place = story.city.en
        detail = v.sentence(story.act, on: story.incident)
        source = "A partner organisation of the network \(v.inCity)"
        sourceContact = "The partner's coordinator, by encrypted e-mail"
    }

    static func type(of act: DemoAct) -> ActType {
        switch act {
        case .detention: .arbitraryDetention
        case .judicialHarassment, .membersProsecuted: .judicialHarassment
        case .deathThreats: .threats
        case .attack: .physicalAttack
        case .torture: .torture
        case .disappearance: .enforcedDisappearance
        case .sentencing: .sentencing
        case .travelBan: .travelBan
        case .smear: .defamation
        case .raid: .raid
        case .dissolution: .closureOfOrganisation
        }
    }

    /// Who the appeal says acted: the courts for prosecutions, else the story's perpetrator.
    static func perpetrator(of story: DemoStory) -> PerpetratorType {
        switch story.act {
        case .judicialHarassment, .sentencing, .membersProsecuted, .dissolution: return .judiciary
        case .smear: return .otherState
        default: return [.police, .military, .intelligence, .unidentified, .intelligence][story.perpetrator]
        }
    }
}
