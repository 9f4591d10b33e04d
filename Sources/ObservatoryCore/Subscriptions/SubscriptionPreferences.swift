/// What a subscriber asked to receive, and in which languages.
public struct SubscriptionPreferences: Sendable, Equatable {
    public enum Scope: String, Sendable, CaseIterable {
        /// Every urgent intervention.
        case all
        /// Only publications of some countries, programmes or types.
        case selected
        /// No publication (the bulletin only).
        case none
    }

    /// The types a subscriber may receive by e-mail.
    public static let mailedTypes: [PublicationType] = [.urgentIntervention, .statement, .report]

    public var languages: [Language]
    public var scope: Scope
    public var countries: [String]
    public var programmes: [Programme]
    public var types: [PublicationType]
    public var bulletin: Bool

    public init(
        languages: [Language], scope: Scope, countries: [String] = [], programmes: [Programme] = [],
        types: [PublicationType] = [], bulletin: Bool = false
    ) {
        self.languages = languages; self.scope = scope; self.countries = countries; self.programmes = programmes
        self.types = types; self.bulletin = bulletin
    }

    /// Whether a publication with these facets is for this subscriber.
    public func wants(type: PublicationType, countries: [String], programmes: [Programme]) -> Bool {
        switch scope {
        case .none: return false
        case .all: return type == .urgentIntervention
        case .selected:
            guard Self.mailedTypes.contains(type) else { return false }
            if !types.isEmpty && !types.contains(type) { return false }
            if !self.countries.isEmpty && Set(self.countries).isDisjoint(with: countries) { return false }
            if !self.programmes.isEmpty && Set(self.programmes).isDisjoint(with: programmes) { return false }
            return true
        }
    }

    /// The version to send: the first of the subscriber's languages that exists, else the original.
    public func language(among available: [Language], original: Language) -> Language {
        languages.first(where: available.contains) ?? original
    }

    /// What is wrong with these preferences, if anything (for the form).
    public var problem: String? {
        if languages.isEmpty { return "languages" }
        if scope == .selected && countries.isEmpty && programmes.isEmpty && types.isEmpty { return "selection" }
        if scope == .none && !bulletin { return "nothing" }
        return nil
    }

    // Stored as comma-separated slugs.
    public var storedLanguages: String { languages.map(\.rawValue).joined(separator: ",") }
    public var storedCountries: String { countries.joined(separator: ",") }
    public var storedProgrammes: String { programmes.map(\.rawValue).joined(separator: ",") }
    public var storedTypes: String { types.map(\.rawValue).joined(separator: ",") }

    public init(
        storedLanguages: String, scope: String, countries: String, programmes: String, types: String, bulletin: Bool
    ) {
        func list(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }
        self.init(
            languages: list(storedLanguages).compactMap(Language.init(rawValue:)),
            scope: Scope(rawValue: scope) ?? .none,
            countries: list(countries), programmes: list(programmes).compactMap(Programme.init(rawValue:)),
            types: list(types).compactMap(PublicationType.init(rawValue:)), bulletin: bulletin)
    }
}

/// When to try a message again after a temporary failure: 1 minute, then 5, 30, 2 hours, 6 hours…; nil: give up.
public enum RetrySchedule {
    public static let delays: [Int64] = [60, 300, 1_800, 7_200, 21_600, 43_200, 86_400]

    public static func delay(afterAttempt attempt: Int) -> Int64? {
        attempt >= 1 && attempt <= delays.count ? delays[attempt - 1] : nil
    }
}
