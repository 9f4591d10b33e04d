/// A count as the public may see it. Built only by `SmallCounts` (and by adding figures so built), never from a
/// raw number, so a public page cannot show a count that was not protected.
public enum PublicFigure: Sendable, Hashable {
    /// 0, 3 or more, or a sum of exact figures.
    case exact(Int)
    /// 1 or 2: "fewer than 3".
    case fewerThan3
    /// 1 or more, hidden with the rest of its total because a figure of it is under 3 (`SmallCounts`, rule 2).
    case withheld
    /// A sum of figures some of which are hidden: at least this much (the shown parts, 1 for each hidden one).
    /// It says nothing that the parts do not already say.
    case atLeast(Int)

    /// The least the figure can be, as a reader of the published parts can tell.
    public var lowerBound: Int {
        switch self {
        case .exact(let n), .atLeast(let n): n
        case .fewerThan3, .withheld: 1
        }
    }

    public var exactValue: Int? { if case .exact(let n) = self { n } else { nil } }

    /// The sum of published figures, from the published figures alone: exact when every part is.
    public static func + (a: PublicFigure, b: PublicFigure) -> PublicFigure {
        switch (a, b) {
        case (.exact(let x), .exact(let y)): return .exact(x + y)
        case (.exact(0), let other), (let other, .exact(0)): return other
        default: return .atLeast(a.lowerBound + b.lowerBound)
        }
    }

    public static func sum(_ figures: some Sequence<PublicFigure>) -> PublicFigure {
        figures.reduce(.exact(0), +)
    }
}

/// The small-count rule of every public figure. A figure can never point at a person:
///
/// 1. **Alone.** A count that is not divided on the page (urgent interventions, defenders of a country in a year)
///    shows "fewer than 3" when it is 1 or 2; 0 and 3 or more are shown.
/// 2. **Divided.** A total published with the ways it divides (a country's acts in a year, by type *and* by
///    perpetrator; its closed cases by outcome) is shown whole only when neither the total nor any part is 1 or 2.
///    Otherwise every non-zero figure of that total — the total and all its parts, in every division — is withheld
///    (0 stays 0): showing "fewer than 3" on the small parts only would let them be worked out from the others
///    (7 acts, 6 arrests: the threat is 1; 4 acts as 3 + 1 by type and 2 + 2 by perpetrator: all are found).
///    `SmallCountsTests` tries every table that publishes the same figures, as an attacker who knows this rule would.
/// 3. **Sums.** Every other public figure (a region or the world in a year, a range of years, a country over all
///    years) is the sum of the published cells it covers (`PublicFigure.+`): exact when all are, otherwise
///    "at least N". So comparing two pages (a range with a longer one, a region with the world) or subtracting
///    anything from anything gives only what the protected cells already say.
public enum SmallCounts {
    public static let threshold = 3

    static func isSmall(_ n: Int) -> Bool { n > 0 && n < threshold }

    /// Rule 1, for a count that is not part of a division.
    public static func primary(_ n: Int) -> PublicFigure { isSmall(n) ? .fewerThan3 : .exact(n) }

    /// A total and its divisions, protected by rule 2. Each division's parts add up to `total`.
    public struct Protected: Sendable, Hashable {
        public let total: PublicFigure
        public let divisions: [[PublicFigure]]
    }

    /// Rule 2 on one total and its divisions (each division's parts add up to the total).
    public static func protect(total: Int, divisions: [[Int]]) -> Protected {
        guard isSmall(total) || divisions.joined().contains(where: isSmall) else {
            return Protected(total: .exact(total), divisions: divisions.map { $0.map { .exact($0) } })
        }
        func hide(_ n: Int) -> PublicFigure { n == 0 ? .exact(0) : .withheld }
        return Protected(total: hide(total), divisions: divisions.map { $0.map(hide) })
    }
}
