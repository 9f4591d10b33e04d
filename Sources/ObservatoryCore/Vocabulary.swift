/// The words of the archive: publication types, intervention kinds, languages and programmes.
/// Raw values are the slugs of the interchange format (FORMAT.md) and of URLs.
public enum PublicationType: String, CaseIterable, Sendable, Codable {
    case urgentIntervention = "urgent-intervention"
    case statement, report, event, link, news

    /// The label readers know from the site ("Urgent Interventions").
    public var label: String { Translations.current.texts["type.\(rawValue)"] ?? englishLabel }

    /// The English label, as the archive and the back office use it.
    public var englishLabel: String {
        switch self {
        case .urgentIntervention: "Urgent Interventions"
        case .statement: "Statements"
        case .report: "Reports and Publications"
        case .event: "Events"
        case .link: "Links"
        case .news: "News"
        }
    }
}

public enum InterventionKind: String, CaseIterable, Sendable, Codable {
    case urgentAppeal = "urgent-appeal"
    case pressRelease = "press-release"
    case openLetter = "open-letter"

    public var label: String { Translations.current.texts["kind.\(rawValue)"] ?? englishLabel }

    /// The English label, as the archive and the back office use it.
    public var englishLabel: String {
        switch self {
        case .urgentAppeal: "Urgent Appeal"
        case .pressRelease: "Press Release"
        case .openLetter: "Open Letter"
        }
    }
}

public enum Language: String, CaseIterable, Sendable, Codable {
    case en, fr, es, ar

    /// The language's name in itself, as a language switcher shows it.
    public var endonym: String {
        switch self {
        case .en: "English"
        case .fr: "Français"
        case .es: "Español"
        case .ar: "العربية"
        }
    }
    public var isRightToLeft: Bool { self == .ar }
}

public enum Programme: String, CaseIterable, Sendable, Codable {
    case humanRightsDefenders = "human-rights-defenders"
    case monitoringProtectionMechanisms = "monitoring-protection-mechanisms"
    case urgentCampaigns = "urgent-campaigns"
    case economicSocialCulturalRights = "economic-social-cultural-rights"
    case childrenRights = "children-rights"
    case violenceAgainstWomen = "violence-against-women"

    public var label: String { Translations.current.texts["programme.\(rawValue)"] ?? englishLabel }

    /// The English label, as the archive and the back office use it.
    public var englishLabel: String {
        switch self {
        case .humanRightsDefenders: "Human Rights Defenders"
        case .monitoringProtectionMechanisms: "Monitoring Protection Mechanisms"
        case .urgentCampaigns: "Urgent campaigns"
        case .economicSocialCulturalRights: "Economic, Social and Cultural Rights"
        case .childrenRights: "Children's rights"
        case .violenceAgainstWomen: "Violence against women"
        }
    }
}

public enum OrganisationType: String, CaseIterable, Sendable, Codable {
    case ngo, network, union
    case lawyersAssociation = "lawyers-association"
    case victimsAssociation = "victims-association"

    public var label: String {
        switch self {
        case .ngo: "Non Governmental organization"
        case .network: "Network"
        case .union: "Union"
        case .lawyersAssociation: "Lawyers' association"
        case .victimsAssociation: "Victims' association"
        }
    }
}
