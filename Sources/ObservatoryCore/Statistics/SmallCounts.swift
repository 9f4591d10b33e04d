/// A count as the public may see it. Built only by `SmallCounts` (and by adding figures so built), never from a
/// raw number, so a public page cannot show a count that was not protected.
public enum PublicFigure: Sendable, Hashable {
    /// 0, 3 or more, or a sum of exact figures.
    case exact(Int)
    /// 1 or 2: "fewer than 3".
    case fewerThan3
    /// 3 or more, hidden so that a figure under 3 cannot be worked out from the others and a shown total.
    case withheld
    /// A sum of figures some of which are hidden: at least this much (the shown parts, 1 for each "fewer than 3",
    /// 3 for each withheld one). It says nothing that the parts do not already say.
    case atLeast(Int)

    /// The least the figure can be, as a reader of the published parts can tell.
    public var lowerBound: Int {
        switch self {
        case .exact(let n), .atLeast(let n): n
        case .fewerThan3: 1
        case .withheld: SmallCounts.threshold
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
/// 1. **Primary.** Every count of 1 or 2 — a cell for a country and year, or the total it belongs to — is shown as
///    "fewer than 3". 0 is shown (it points at no one), and so is every count of 3 or more unless rule 2 hides it.
/// 2. **Secondary.** Within a country and year, a total and the ways it is divided (acts by type *and* by
///    perpetrator both add up to the acts) are published together. If a hidden figure could be worked out from the
///    total and the shown parts — exactly, using that hidden figures are 1–2 ("fewer than 3") or at least 3
///    ("withheld"), as anyone reading this code knows — the smallest shown part of the same division is withheld
///    too, else the total, else the smallest shown part of another division; and again until nothing can be
///    worked out.
/// 3. **Aggregates.** Every other public figure (a year for a region or the world, a range of years, a country over
///    all years) is the sum of the published cells it covers (`PublicFigure.+`): exact when all are, otherwise
///    "at least N". So comparing two pages (a range with a longer range, a region with the world) or subtracting
///    anything from anything gives only what the protected cells already say.
public enum SmallCounts {
    public static let threshold = 3

    /// Rule 1 alone, for a count that is not part of a division (interventions of a country in a year).
    public static func primary(_ n: Int) -> PublicFigure {
        n > 0 && n < threshold ? .fewerThan3 : .exact(n)
    }

    /// A total and its divisions, protected by rules 1 and 2. Each division's parts add up to `total`.
    public struct Protected: Sendable, Equatable {
        public let total: PublicFigure
        public let divisions: [[PublicFigure]]
    }

    enum Mark { case shown, primary, secondary }
    static let unbounded = Int.max / 8

    static func domain(_ value: Int, _ mark: Mark) -> ClosedRange<Int> {
        switch mark {
        case .shown: value...value
        case .primary: 1...(threshold - 1)
        case .secondary: threshold...unbounded
        }
    }

    static func add(_ a: ClosedRange<Int>, _ b: ClosedRange<Int>) -> ClosedRange<Int> {
        min(a.lowerBound + b.lowerBound, unbounded)...min(a.upperBound + b.upperBound, unbounded)
    }

    /// The values a hidden figure can take given everything published about the same total (exact: the domains are
    /// whole ranges of integers, the divisions share only their total). `nil` target: the total itself.
    static func feasible(_ target: (division: Int, part: Int)?, total: Int, totalMark: Mark,
                         divisions: [[Int]], marks: [[Mark]]) -> ClosedRange<Int>? {
        func sumRange(_ d: Int, except part: Int? = nil) -> ClosedRange<Int> {
            var range = 0...0
            for (i, value) in divisions[d].enumerated() where i != part { range = add(range, domain(value, marks[d][i])) }
            return range
        }
        var sum = domain(total, totalMark)
        for d in divisions.indices where d != target?.division {
            let r = sumRange(d)
            guard sum.overlaps(r) else { return nil }
            sum = max(sum.lowerBound, r.lowerBound)...min(sum.upperBound, r.upperBound)
        }
        guard let target else { return sum }
        let rest = sumRange(target.division, except: target.part)
        let own = domain(divisions[target.division][target.part], marks[target.division][target.part])
        let low = rest.upperBound >= unbounded ? Int.min / 8 : sum.lowerBound - rest.upperBound
        let high = sum.upperBound >= unbounded ? unbounded : sum.upperBound - rest.lowerBound
        let from = max(low, own.lowerBound), to = min(high, own.upperBound)
        return from <= to ? from...to : nil
    }

    /// Rules 1 and 2 on one total and its divisions (each division's parts add up to the total).
    public static func protect(total: Int, divisions: [[Int]]) -> Protected {
        var totalMark: Mark = primary(total) == .fewerThan3 ? .primary : .shown
        var marks = divisions.map { $0.map { primary($0) == .fewerThan3 ? Mark.primary : .shown } }
        func determined() -> Int?? {
            if totalMark == .primary, let r = feasible(nil, total: total, totalMark: totalMark, divisions: divisions,
                                                       marks: marks), r.count <= 1 { return .some(nil) }
            for d in divisions.indices {
                for p in divisions[d].indices where marks[d][p] == .primary {
                    let r = feasible((d, p), total: total, totalMark: totalMark, divisions: divisions, marks: marks)
                    if r.map({ $0.count <= 1 }) ?? true { return .some(d) }
                }
            }
            return nil
        }
        func withholdSmallest(in d: Int) -> Bool {
            let candidates = divisions[d].indices.filter { marks[d][$0] == .shown && divisions[d][$0] > 0 }
            guard let p = candidates.min(by: { divisions[d][$0] < divisions[d][$1] }) else { return false }
            marks[d][p] = .secondary
            return true
        }
        var guardCount = 0
        while let found = determined(), guardCount < 1_000 {
            guardCount += 1
            if let d = found, withholdSmallest(in: d) { continue }
            if totalMark == .shown { totalMark = .secondary; continue }
            if divisions.indices.contains(where: { withholdSmallest(in: $0) }) { continue }
            break
        }
        func figure(_ value: Int, _ mark: Mark) -> PublicFigure {
            switch mark { case .shown: .exact(value); case .primary: .fewerThan3; case .secondary: .withheld }
        }
        return Protected(total: figure(total, totalMark),
                         divisions: divisions.indices.map { d in divisions[d].indices.map { figure(divisions[d][$0], marks[d][$0]) } })
    }
}
