/// The kinds of mission the Observatory sends.
public enum MissionKind: String, CaseIterable, Sendable, Codable {
    case factFinding = "fact-finding"
    case trialObservation = "trial-observation"
    case solidarity

    public var label: String {
        switch self {
        case .factFinding: "Fact-finding mission"
        case .trialObservation: "Trial observation (judicial observation and support)"
        case .solidarity: "Solidarity mission"
        }
    }
}

/// Where a mission stands on a given day, from its dates.
public enum MissionPhase: String, Sendable {
    case upcoming, underWay = "under-way", past

    public static func of(starts: CivilDate, ends: CivilDate, today: CivilDate) -> MissionPhase {
        if today < starts { return .upcoming }
        return today > ends ? .past : .underWay
    }

    public var label: String {
        switch self {
        case .upcoming: "Upcoming"
        case .underWay: "Under way"
        case .past: "Past"
        }
    }
}

/// A mission's dates as typed in a form, checked: both real days, the end not before the start, at most a year long.
public struct MissionDates: Sendable, Equatable {
    public let starts: CivilDate, ends: CivilDate

    /// Dates already checked (as stored); a form's go through `check`.
    public init(starts: CivilDate, ends: CivilDate) { self.starts = starts; self.ends = max(starts, ends) }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case notADate(field: String), endsBeforeStart, tooLong

        public var description: String {
            switch self {
            case .notADate(let field): Translations.current.text("missions.error.\(field)-not-a-date")
            case .endsBeforeStart: Translations.current.text("missions.error.ends-before")
            case .tooLong: Translations.current.text("missions.error.too-long")
            }
        }
    }

    public static func check(starts: String, ends: String) -> Result<MissionDates, Problem> {
        guard let s = CivilDate(starts) else { return .failure(.notADate(field: "start")) }
        guard let e = CivilDate(ends) else { return .failure(.notADate(field: "end")) }
        guard s <= e else { return .failure(.endsBeforeStart) }
        guard e.daysSinceEpoch - s.daysSinceEpoch <= 366 else { return .failure(.tooLong) }
        return .success(MissionDates(starts: s, ends: e))
    }
}
