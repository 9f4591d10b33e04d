/// What was done to a defender (the acts of a case).
public enum ActType: String, CaseIterable, Sendable, Codable {
    case threats
    case physicalAttack = "physical-attack"
    case arbitraryArrest = "arbitrary-arrest"
    case arbitraryDetention = "arbitrary-detention"
    case torture
    case judicialHarassment = "judicial-harassment"
    case sentencing, killing
    case enforcedDisappearance = "enforced-disappearance"
    case abduction, raid, arson, defamation, surveillance
    case travelBan = "travel-ban"
    case closureOfOrganisation = "closure-of-organisation"
    case freezingOfAssets = "freezing-of-assets"
    case other

    public var label: String {
        switch self {
        case .threats: "Threats / death threats"
        case .physicalAttack: "Physical attack"
        case .arbitraryArrest: "Arbitrary arrest"
        case .arbitraryDetention: "Arbitrary detention"
        case .torture: "Torture or ill-treatment"
        case .judicialHarassment: "Judicial harassment"
        case .sentencing: "Sentencing"
        case .killing: "Killing"
        case .enforcedDisappearance: "Enforced disappearance"
        case .abduction: "Abduction"
        case .raid: "Raid / search"
        case .arson: "Arson"
        case .defamation: "Defamation / smear campaign"
        case .surveillance: "Surveillance"
        case .travelBan: "Travel ban"
        case .closureOfOrganisation: "Closure or dissolution of an organisation"
        case .freezingOfAssets: "Freezing of assets"
        case .other: "Other"
        }
    }
}

/// Who is alleged to have committed an act.
public enum PerpetratorType: String, CaseIterable, Sendable, Codable {
    case police, military
    case intelligence = "intelligence-services"
    case judiciary
    case otherState = "other-state-authority"
    case paramilitary = "paramilitary-group"
    case privateCompany = "private-company"
    case unidentified

    public var label: String {
        switch self {
        case .police: "Police"
        case .military: "Military"
        case .intelligence: "Intelligence services"
        case .judiciary: "Judiciary"
        case .otherState: "Other state authority"
        case .paramilitary: "Paramilitary group"
        case .privateCompany: "Private company / security"
        case .unidentified: "Unidentified"
        }
    }

    public var isState: Bool { [.police, .military, .intelligence, .judiciary, .otherState].contains(self) }
}

/// Who is at risk in a case: a person or an organisation.
public enum AtRiskKind: String, CaseIterable, Sendable, Codable {
    case defender, organisation
    public var label: String { self == .defender ? "Defender" : "Organisation" }
}

/// A partner organisation's answer to a request for verification.
public enum VerificationAnswer: String, CaseIterable, Sendable, Codable {
    case confirmed
    case notConfirmed = "not-confirmed"
    case moreInformation = "more-information"

    public var label: String {
        switch self {
        case .confirmed: "Confirmed"
        case .notConfirmed: "Not confirmed"
        case .moreInformation: "More information needed"
        }
    }
}

/// An intervention's way to the public: drafted, approved by a second person (code assigned), published.
public enum InterventionStatus: String, CaseIterable, Sendable, Codable {
    case draft, approved, published
    public var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
