import Foundation
import PropertyBased
import Testing
@testable import ObservatoryCore

/// The small-count rule (`SmallCounts`): no published figure under 3, and none that can be worked out from the
/// others — checked by an attacker who knows the rule and tries every table that would publish the same figures.
struct SmallCountsTests {
    @Test func countsUnderThreeShowFewerThanThreeAndZeroIsShown() {
        #expect(SmallCounts.primary(0) == .exact(0))
        #expect(SmallCounts.primary(1) == .fewerThan3)
        #expect(SmallCounts.primary(2) == .fewerThan3)
        #expect(SmallCounts.primary(3) == .exact(3))
    }

    @Test func aHiddenPartIsNotLeftAloneBesideAShownTotal() {
        // 7 acts: 6 arrests and 1 threat. Showing 7 and 6 would give the 1 away.
        let p = SmallCounts.protect(total: 7, divisions: [[6, 1]])
        #expect(p.divisions[0][1] == .fewerThan3)
        #expect(p.divisions[0][0] != .exact(6) || p.total != .exact(7))
    }

    @Test func sumsOfHiddenFiguresSayOnlyAtLeast() {
        #expect(PublicFigure.exact(4) + .exact(5) == .exact(9))
        #expect(PublicFigure.exact(4) + .fewerThan3 == .atLeast(5))
        #expect(PublicFigure.exact(0) + .fewerThan3 == .fewerThan3)
        #expect(PublicFigure.withheld + .fewerThan3 == .atLeast(4))
    }

    /// A total, one division into 1–5 parts (acts by type) and one into 2 (state, non-state), small values.
    static let families = Generator<(Int, [[Int]]), Shrink.None<(Int, [[Int]])>>(run: { rng in
        let total = Int.random(in: 0...12, using: &rng)
        func split(_ n: Int, into parts: Int) -> [Int] {
            var cuts = (0..<(parts - 1)).map { _ in Int.random(in: 0...n, using: &rng) }.sorted()
            cuts = [0] + cuts + [n]
            return (0..<parts).map { cuts[$0 + 1] - cuts[$0] }
        }
        let first = split(total, into: Int.random(in: 1...5, using: &rng))
        let divisions = Bool.random(using: &rng) ? [first, split(total, into: 2)] : [first]
        return (total, divisions)
    })

    /// Every value a figure could have, given the published figures and the rule's meaning of each mark.
    static func candidates(_ f: PublicFigure, cap: Int) -> [Int] {
        switch f {
        case .exact(let n): [n]
        case .fewerThan3: [1, 2]
        case .withheld: Array(3...cap)
        case .atLeast(let n): Array(n...max(n, cap))
        }
    }

    /// For each division, the sums it can reach and, for each part, the values it takes in each sum.
    static func solutions(_ parts: [PublicFigure], cap: Int) -> [Int: [Set<Int>]] {
        var result: [Int: [Set<Int>]] = [:]
        func walk(_ i: Int, _ chosen: [Int]) {
            if i == parts.count {
                let sum = chosen.reduce(0, +)
                guard sum <= cap else { return }
                var sets = result[sum] ?? Array(repeating: Set<Int>(), count: parts.count)
                for (j, v) in chosen.enumerated() { sets[j].insert(v) }
                result[sum] = sets
                return
            }
            for v in candidates(parts[i], cap: cap) where chosen.reduce(0, +) + v <= cap { walk(i + 1, chosen + [v]) }
        }
        walk(0, [])
        return result
    }

    @Test func noPublishedFigureUnderThreeCanBeWorkedOutFromTheOthers() async {
        await propertyCheck(count: 400, input: Self.families) { (total, divisions) in
            let p = SmallCounts.protect(total: total, divisions: divisions)
            let cap = 16
            // Rule 1 holds: nothing under 3 is shown.
            for f in [p.total] + p.divisions.flatMap({ $0 }) {
                if let n = f.exactValue { #expect(n == 0 || n >= 3, "\(total) \(divisions) → \(p)") }
            }
            // The divisions are parts of the same total: try every table that publishes the same figures.
            let each = p.divisions.map { Self.solutions($0, cap: cap) }
            let sums = Set(Self.candidates(p.total, cap: cap)).filter { s in each.allSatisfy { $0[s] != nil } }
            #expect(sums.contains(total), "the true table is one of them")
            if p.total == .fewerThan3 { #expect(sums.count > 1, "the total \(total) of \(divisions) is found: \(p)") }
            for (d, division) in p.divisions.enumerated() {
                for (i, figure) in division.enumerated() where figure == .fewerThan3 {
                    let values = sums.reduce(into: Set<Int>()) { $0.formUnion(each[d][$1]![i]) }
                    #expect(values.count > 1, "\(divisions[d][i]) in \(divisions) (total \(total)) is found: \(p)")
                }
            }
        }
    }

    @Test func cellsAreProtectedBeforeTheyAreAdded() {
        var a = StatisticsCounts(), b = StatisticsCounts()
        a.interventions = 1; a.defenders = 5
        b.interventions = 4; b.defenders = 5
        let sum = PublicCell(protecting: a) + PublicCell(protecting: b)
        #expect(sum.interventions == .atLeast(5), "a region's 5 does not give away its country's 1")
        #expect(sum.defenders == .exact(10))
        a.grants = 1; a.paid = 50_000
        #expect(PublicCell(protecting: a).paid == .withheld, "one grant's amount is hidden with it")
    }
}
