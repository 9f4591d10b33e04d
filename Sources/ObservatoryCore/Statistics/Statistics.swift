/// The raw counts of one country and year (or of any sum of them): for the office only. The public sees
/// `PublicCell`, which only `PublicCell(protecting:)` makes.
public struct StatisticsCounts: Sendable, Equatable {
    public var interventions = 0, followUps = 0, defenders = 0, organisations = 0, missions = 0, grants = 0
    /// Assistance paid, in the reference currency's smallest unit.
    public var paid: Int64 = 0
    public var acts: [ActType: Int] = [:]
    public var stateActs = 0, nonStateActs = 0
    public var outcomes: [Outcome: Int] = [:]

    public init() {}

    public var actsTotal: Int { acts.values.reduce(0, +) }
    public var closed: Int { outcomes.values.reduce(0, +) }

    public static func + (a: StatisticsCounts, b: StatisticsCounts) -> StatisticsCounts {
        var c = a
        c.interventions += b.interventions; c.followUps += b.followUps; c.defenders += b.defenders
        c.organisations += b.organisations; c.missions += b.missions; c.grants += b.grants; c.paid += b.paid
        c.acts.merge(b.acts, uniquingKeysWith: +); c.stateActs += b.stateActs; c.nonStateActs += b.nonStateActs
        c.outcomes.merge(b.outcomes, uniquingKeysWith: +)
        return c
    }
}

/// An amount as the public may see it: hidden wherever the number of grants it sums is hidden.
public enum PublicAmount: Sendable, Hashable {
    case exact(Int64)
    case withheld
    case atLeast(Int64)

    public var lowerBound: Int64 {
        switch self {
        case .exact(let n), .atLeast(let n): n;
        case .withheld: 0
        }
    }

    public static func + (a: PublicAmount, b: PublicAmount) -> PublicAmount {
        if case .exact(let x) = a, case .exact(let y) = b { return .exact(x + y) }
        return .atLeast(a.lowerBound + b.lowerBound)
    }
}

/// The figures of one country and year as the public may see them (`SmallCounts`), or the sum of such cells.
/// Holds counts only — no text, no name, nothing from a case but how many.
public struct PublicCell: Sendable, Equatable {
    public private(set) var interventions: PublicFigure = .exact(0), followUps: PublicFigure = .exact(0)
    public private(set) var defenders: PublicFigure = .exact(0), organisations: PublicFigure = .exact(0)
    /// Missions are public one by one (`/missions`): not hidden.
    public private(set) var missions = 0
    public private(set) var grants: PublicFigure = .exact(0)
    public private(set) var paid: PublicAmount = .exact(0)
    public private(set) var actsTotal: PublicFigure = .exact(0)
    public private(set) var acts: [ActType: PublicFigure] = [:]
    public private(set) var stateActs: PublicFigure = .exact(0), nonStateActs: PublicFigure = .exact(0)
    public private(set) var closed: PublicFigure = .exact(0)
    public private(set) var outcomes: [Outcome: PublicFigure] = [:]

    public static let zero = PublicCell()
    private init() {}

    /// One country and year, protected by the small-count rule.
    public init(protecting c: StatisticsCounts) {
        interventions = SmallCounts.primary(c.interventions)
        followUps = SmallCounts.primary(c.followUps)
        defenders = SmallCounts.primary(c.defenders)
        organisations = SmallCounts.primary(c.organisations)
        missions = c.missions
        grants = SmallCounts.primary(c.grants)
        paid = grants.exactValue == nil ? .withheld : .exact(c.paid)
        let types = ActType.allCases
        let acts = SmallCounts.protect(
            total: c.actsTotal,
            divisions: [
                types.map { c.acts[$0] ?? 0 },
                [c.stateActs, c.nonStateActs]
            ])
        actsTotal = acts.total
        self.acts = Dictionary(uniqueKeysWithValues: zip(types, acts.divisions[0]))
        stateActs = acts.divisions[1][0]; nonStateActs = acts.divisions[1][1]
        let kinds = Outcome.allCases
        let outcomes = SmallCounts.protect(total: c.closed, divisions: [kinds.map { c.outcomes[$0] ?? 0 }])
        closed = outcomes.total
        self.outcomes = Dictionary(uniqueKeysWithValues: zip(kinds, outcomes.divisions[0]))
    }

    public func act(_ type: ActType) -> PublicFigure { acts[type] ?? .exact(0) }
    public func outcome(_ kind: Outcome) -> PublicFigure { outcomes[kind] ?? .exact(0) }

    /// The sum of published cells: rule 3 of `SmallCounts`.
    public static func + (a: PublicCell, b: PublicCell) -> PublicCell {
        var c = a
        c.interventions = a.interventions + b.interventions; c.followUps = a.followUps + b.followUps
        c.defenders = a.defenders + b.defenders; c.organisations = a.organisations + b.organisations
        c.missions = a.missions + b.missions; c.grants = a.grants + b.grants; c.paid = a.paid + b.paid
        c.actsTotal = a.actsTotal + b.actsTotal
        c.acts = Dictionary(uniqueKeysWithValues: ActType.allCases.map { ($0, a.act($0) + b.act($0)) })
        c.stateActs = a.stateActs + b.stateActs; c.nonStateActs = a.nonStateActs + b.nonStateActs
        c.closed = a.closed + b.closed
        c.outcomes = Dictionary(uniqueKeysWithValues: Outcome.allCases.map { ($0, a.outcome($0) + b.outcome($0)) })
        return c
    }

    public static func sum(_ cells: some Sequence<PublicCell>) -> PublicCell { cells.reduce(.zero, +) }
}

/// Where a cell is: a country (nil: publications about no country) and a year.
public struct StatisticsKey: Sendable, Hashable {
    public let country: String?
    public let year: Int
    public init(country: String?, year: Int) { self.country = country; self.year = year }
}
