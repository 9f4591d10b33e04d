/// The case file's vocabulary as an office page shows it in its language (`label`, English, stays what the timeline
/// and the command line store and print).
extension ActType {
    public var localizedLabel: String { Translations.current.texts["case.act.\(rawValue)"] ?? label }
}

extension PerpetratorType {
    public var localizedLabel: String { Translations.current.texts["case.perpetrator.\(rawValue)"] ?? label }
}

extension AtRiskKind {
    public var localizedLabel: String { Translations.current.texts["case.kind.\(rawValue)"] ?? label }
}

extension InterventionStatus {
    public var localizedLabel: String { Translations.current.texts["intervention.status.\(rawValue)"] ?? label }
}

extension MissionKind {
    public var localizedLabel: String { Translations.current.texts["office.mission-kind.\(rawValue)"] ?? label }
}

extension AssistanceKind {
    public var localizedLabel: String { Translations.current.texts["office.assistance-kind.\(rawValue)"] ?? label }
}

extension AssistanceStatus {
    public var localizedLabel: String { Translations.current.texts["office.assistance-status.\(rawValue)"] ?? label }
}

extension Language {
    /// The language's name as the current office page writes it ("French" · "français" · "francés" ·
    /// "الفرنسية").
    public var nameInPage: String { Translations.current.texts["office.language-name.\(rawValue)"] ?? englishName }
}

extension MissionPhase {
    public var localizedLabel: String { Translations.current.texts["missions.phase.\(rawValue)"] ?? label }
}
