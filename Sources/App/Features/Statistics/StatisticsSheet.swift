import Foundation
import ObservatoryCore

/// One figure of the statistics.
enum StatisticsMeasure: Hashable, Sendable {
    case interventions, followUps, defenders, organisations, grants, actsTotal, stateActs, nonStateActs, closed
    case act(ActType)
    case outcome(Outcome)

    var key: String {
        switch self {
        case .interventions: "interventions"
        case .followUps: "follow-ups"
        case .defenders: "defenders"
        case .organisations: "organisations"
        case .grants: "assistance-grants"
        case .actsTotal: "acts"
        case .stateActs: "acts-state"
        case .nonStateActs: "acts-non-state"
        case .closed: "cases-closed"
        case .act(let type): "act-" + type.rawValue
        case .outcome(let outcome): "outcome-" + outcome.rawValue
        }
    }

    var label: String {
        switch self {
        case .act(let type): t("stats.act.\(type.rawValue)")
        case .outcome(let outcome): t("case.outcome.\(outcome.rawValue)")
        default: t("stats.measure.\(key)")
        }
    }

    static let all: [StatisticsMeasure] =
        [.interventions, .followUps, .defenders, .organisations, .actsTotal]
        + ActType.allCases.map { .act($0) } + [.stateActs, .nonStateActs, .closed]
        + Outcome.allCases.map { .outcome($0) }
        + [.grants]
}

/// A cell the pages can show: public cells (protected) on `/statistics`, raw counts in the office.
protocol StatisticsFigures: Sendable {
    func figure(_ measure: StatisticsMeasure) -> PublicFigure
    var missions: Int { get }
    var paidAmount: PublicAmount { get }
    static func sum(_ cells: [Self]) -> Self
}

extension PublicCell: StatisticsFigures {
    func figure(_ m: StatisticsMeasure) -> PublicFigure {
        switch m {
        case .interventions: interventions
        case .followUps: followUps
        case .defenders: defenders
        case .organisations: organisations
        case .grants: grants
        case .actsTotal: actsTotal
        case .stateActs: stateActs
        case .nonStateActs: nonStateActs
        case .closed: closed
        case .act(let type): act(type)
        case .outcome(let o): outcome(o)
        }
    }
    var paidAmount: PublicAmount { paid }
    static func sum(_ cells: [PublicCell]) -> PublicCell { cells.reduce(.zero, +) }
}

/// The office's view: the same figures, unsuppressed.
extension StatisticsCounts: StatisticsFigures {
    func figure(_ m: StatisticsMeasure) -> PublicFigure {
        let n: Int =
            switch m {
            case .interventions: interventions
            case .followUps: followUps
            case .defenders: defenders
            case .organisations: organisations
            case .grants: grants
            case .actsTotal: actsTotal
            case .stateActs: stateActs
            case .nonStateActs: nonStateActs
            case .closed: closed
            case .act(let type): acts[type] ?? 0
            case .outcome(let o): outcomes[o] ?? 0
            }
        return .exact(n)
    }
    var paidAmount: PublicAmount { .exact(paid) }
    static func sum(_ cells: [StatisticsCounts]) -> StatisticsCounts { cells.reduce(StatisticsCounts(), +) }
}

/// Everything a statistics page shows for a filter.
struct StatisticsSheet<Cell: StatisticsFigures>: Sendable {
    let filter: StatisticsFilter
    /// Every year from the first record to the last (for the places and programme chosen).
    let years: [Int]
    let byYear: [Int: Cell]
    /// The years chosen.
    let range: Cell
    /// The years chosen, by country (nil: publications about no country), most interventions first.
    let byCountry: [(code: String?, cell: Cell)]
    let countriesByYear: [Int: Int]
    let countries: Int
    let currency: String
    let withCaseFile: Int

    var chosenYears: [Int] { years.filter { filter.covers(year: $0) } }

    /// Builds the sheet from one cell per country and year (`protect` makes each one what the page may show).
    init(filter: StatisticsFilter, counts: StatisticsQueries.Counts, cell protect: (StatisticsCounts) -> Cell) {
        self.filter = filter
        currency = counts.currency
        withCaseFile = counts.withCaseFile
        let inPlace = counts.cells.filter { filter.covers(country: $0.key.country) }
        // Since the first record anywhere (for the programme chosen), so every place's series has the same years.
        let active = counts.cells.filter { $0.value != StatisticsCounts() }
        if let first = active.keys.map(\.year).min(), let last = active.keys.map(\.year).max() {
            years = Array(first...last)
        } else {
            years = []
        }
        let cells = inPlace.mapValues(protect)
        var byYear: [Int: [Cell]] = [:], byCountry: [String: [Cell]] = [:], countryYears: [Int: Set<String>] = [:]
        var rangeCells: [Cell] = [], rangeCountries: Set<String> = []
        for (key, cell) in cells {
            byYear[key.year, default: []].append(cell)
            let active = cell.figure(.interventions).lowerBound + cell.figure(.followUps).lowerBound > 0
            if active, let code = key.country { countryYears[key.year, default: []].insert(code) }
            guard filter.covers(year: key.year) else { continue }
            rangeCells.append(cell)
            byCountry[key.country ?? "", default: []].append(cell)
            if active, let code = key.country { rangeCountries.insert(code) }
        }
        self.byYear = byYear.mapValues { Cell.sum($0) }
        range = Cell.sum(rangeCells)
        self.byCountry = byCountry.map { (code: $0.key.isEmpty ? nil : $0.key, cell: Cell.sum($0.value)) }
            .sorted { a, b in
                let x = a.cell.figure(.interventions).lowerBound, y = b.cell.figure(.interventions).lowerBound
                return x != y ? x > y : (a.code ?? "~") < (b.code ?? "~")
            }
        countriesByYear = countryYears.mapValues(\.count)
        countries = rangeCountries.count
    }

    func year(_ y: Int) -> Cell { byYear[y] ?? Cell.sum([]) }
}
