import Foundation
import ObservatoryCore

/// What a returned kit may write into a column: the column's kind, the office's vocabulary and the office forms'
/// lengths (review finding 11, kitsafe2 5). A kit is sealed again by whoever holds it, so its values are checked
/// as a form's would be.
enum KitValues {
    typealias Value = KitContents.Value

    /// The vocabularies of clear columns, by "table.column" (nil allowed where the column may be NULL).
    static let vocabularies: [String: (values: Set<String>, nullable: Bool)] = [
        "cases.status": (Set(CaseStatus.allCases.map(\.rawValue)), false),
        "cases.outcome": (Set(ObservatoryCore.Outcome.allCases.map(\.rawValue)), true),
        "cases.risk_level": (Set(RiskLevel.allCases.map(\.rawValue)), false),
        "case_people.kind": (Set(AtRiskKind.allCases.map(\.rawValue)), false),
        "case_acts.type": (Set(ActType.allCases.map(\.rawValue)), false),
        "case_acts.perpetrator": (Set(PerpetratorType.allCases.map(\.rawValue)), false),
        "missions.kind": (Set(MissionKind.allCases.map(\.rawValue)), false),
        "case_person_languages.language": (Set(Language.allCases.map(\.rawValue)), false)
    ]

    /// The highest place of a person in a case's list a kit may give (round 4, finding 3: no overflow).
    static let maxPosition: Int64 = 10_000

    static let countries: Set<String> = ["cases.country_code", "missions.country_code"]
    static let dates: Set<String> = ["case_acts.occurred_on", "missions.starts_on", "missions.ends_on"]

    /// The longest text the office's forms take for a column; 300 where not named, 20,000 for notes and plans.
    static let long: Set<String> = [
        "cases.notes_sealed", "case_sources.description_sealed", "missions.members_sealed",
        "missions.objectives_sealed", "missions.logistics_sealed", "missions.security_plan_sealed",
        "missions.findings_sealed", "mission_cases.concern_sealed", "case_person_languages.description_sealed"
    ]

    /// Why `row` of `table` cannot be written, or nil. `kinds` are the office's columns.
    static func problem(_ table: String, _ row: [String: Value], kinds: [String: KitTables.Kind]) -> String? {
        let sealed = KitMerge.sealedColumns(table)
        for (column, value) in row.sorted(by: { $0.key < $1.key }) {
            guard let kind = kinds[column] else { continue }
            let name = "\(table).\(column)"
            if sealed[column] != nil {
                if column == "data_sealed" {
                    guard case .bytes(let data) = value, data.count <= Upload.maxBytes else {
                        return "\(column) is not a file of at most 5 MB"
                    }
                    continue
                }
                if value == .null, column == "occurred_on" { continue }
                guard case .text(let text) = value else { return "\(column) is not text" }
                if dates.contains(name), !isDate(text) { return "\(column) is not a date (YYYY-MM-DD)" }
                if text.count > (long.contains(name) ? 20_000 : 300) { return "\(column) is too long" }
                continue
            }
            switch (kind, value) {
            case (_, .null): break
            case (.integer, .integer), (.real, .integer), (.real, .real), (.bytes, .bytes): break
            case (.bool, .integer(let number)) where number == 0 || number == 1: break
            case (.text, .text(let text)) where text.count <= 300: break
            default: return "\(column) is not of its column's kind"
            }
            if let vocabulary = vocabularies[name] {
                switch value {
                case .null where vocabulary.nullable: break
                case .text(let text) where vocabulary.values.contains(text): break
                default: return "\(column) is not one of the office's values"
                }
            }
            if name == "case_people.position" {
                guard case .integer(let place) = value, (0...maxPosition).contains(place) else {
                    return "\(column) is not a place from 0 to \(maxPosition)"
                }
            }
            if countries.contains(name) {
                guard case .text(let code) = value, CountryDirectory.shared.country(code: code) != nil else {
                    return "\(column) is not a country code"
                }
            }
            if dates.contains(name) {
                switch value {
                case .null: break
                case .text(let text) where isDate(text): break
                default: return "\(column) is not a date (YYYY-MM-DD)"
                }
            }
        }
        return nil
    }

    /// A day of the calendar (never 30 February), from 1900 to 2199 (round 5, finding 1).
    static func isDate(_ text: String) -> Bool {
        guard let date = CivilDate(text) else { return false }
        return (1900...2199).contains(date.year)
    }
}
