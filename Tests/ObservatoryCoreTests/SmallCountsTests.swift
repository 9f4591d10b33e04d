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

    @Test func aSmallPartHidesItsWholeTotal() {
        // 7 acts: 6 arrests and 1 threat. Showing 7 and 6 would give the 1 away.
        let p = SmallCounts.protect(total: 7, divisions: [[6, 1, 0]])
        #expect(p == .init(total: .withheld, divisions: [[.withheld, .withheld, .exact(0)]]))
        let shown = SmallCounts.protect(total: 7, divisions: [[4, 3], [7, 0]])
        #expect(shown == .init(total: .exact(7), divisions: [[.exact(4), .exact(3)], [.exact(7), .exact(0)]]))
    }

    @Test func sumsOfHiddenFiguresSayOnlyAtLeast() {
        #expect(PublicFigure.exact(4) + .exact(5) == .exact(9))
        #expect(PublicFigure.exact(4) + .fewerThan3 == .atLeast(5))
        #expect(PublicFigure.exact(0) + .fewerThan3 == .fewerThan3)
        #expect(PublicFigure.withheld + .fewerThan3 == .atLeast(2))
    }

    /// Every table of a shape (parts per division) with totals up to `limit`, by what the rule publishes for it.
    static func published(shape: [Int], limit: Int) -> [SmallCounts.Protected: [(Int, [[Int]])]] {
        var out: [SmallCounts.Protected: [(Int, [[Int]])]] = [:]
        func compositions(_ n: Int, _ parts: Int) -> [[Int]] {
            parts == 1 ? [[n]] : (0...n).flatMap { first in compositions(n - first, parts - 1).map { [first] + $0 } }
        }
        for total in 0...limit {
            var tables: [[[Int]]] = [[]]
            for parts in shape { tables = tables.flatMap { t in compositions(total, parts).map { t + [$0] } } }
            for t in tables { out[SmallCounts.protect(total: total, divisions: t), default: []].append((total, t)) }
        }
        return out
    }

    /// The attacker who knows the rule: every table that publishes exactly the same figures is a candidate, and a
    /// value under 3 (a part or the total) must not be the same in all of them.
    @Test(arguments: [[1], [2], [3], [5], [1, 1], [2, 2], [3, 2], [4, 2], [5, 2], [2, 2, 2]])
    func noValueUnderThreeIsTheSameInEveryTableThatPublishesTheSameFigures(_ shape: [Int]) {
        for (output, tables) in Self.published(shape: shape, limit: shape.count > 2 ? 8 : 10) {
            for (d, parts) in shape.enumerated() {
                for i in 0..<parts {
                    let values = Set(tables.map { $0.1[d][i] })
                    if values.count == 1, let v = values.first, SmallCounts.isSmall(v) {
                        Issue.record(
                            """
                            shape \(shape): part \(d).\(i) is always \(v) in \(tables.prefix(3)) → \(output)
                            """)
                    }
                }
            }
            let totals = Set(tables.map(\.0))
            if totals.count == 1, let v = totals.first, SmallCounts.isSmall(v) {
                Issue.record("shape \(shape): the total is always \(v) → \(output)")
            }
        }
    }

    /// Acts of a country and year as they come: a total up to 60, divided by 18 types and by 2 perpetrators.
    static let families = Generator<(Int, [[Int]]), Shrink.None<(Int, [[Int]])>>(run: { rng in
        let total = Int.random(in: 0...60, using: &rng)
        func split(_ n: Int, into parts: Int) -> [Int] {
            var cuts = (0..<(parts - 1)).map { _ in Int.random(in: 0...n, using: &rng) }.sorted()
            cuts = [0] + cuts + [n]
            return (0..<parts).map { cuts[$0 + 1] - cuts[$0] }
        }
        return (total, [split(total, into: 18), split(total, into: 2)])
    })

    /// For larger tables, a witness: another table that publishes the same figures and differs where a value is
    /// under 3 (one moved from a small part to another hidden part of the same division, or one more everywhere).
    @Test func everySmallValueOfALargeTableHasAnotherTableThatPublishesTheSame() async {
        await propertyCheck(count: 300, input: Self.families) { (total, divisions) in
            let p = SmallCounts.protect(total: total, divisions: divisions)
            for f in [p.total] + p.divisions.flatMap({ $0 }) {
                if let n = f.exactValue { #expect(!SmallCounts.isSmall(n), "\(divisions) → \(p)") }
            }
            for (d, parts) in divisions.enumerated() {
                for (i, v) in parts.enumerated() where SmallCounts.isSmall(v) {
                    var witnesses: [(Int, [[Int]])] = []
                    // One more here, in one hidden part of every other division, and in the total.
                    var more = divisions
                    more[d][i] += 1
                    for e in divisions.indices where e != d {
                        if let j = more[e].indices.first(where: { more[e][$0] > 0 }) { more[e][j] += 1 }
                    }
                    witnesses.append((total + 1, more))
                    // One less, when both stay hidden: here, in a hidden part of every other division, and in the
                    // total (a 2 that is the only value of its division, found by CI: [0, 2] and a total of 2).
                    if v > 1 {
                        var less = divisions
                        less[d][i] -= 1
                        for e in divisions.indices where e != d {
                            let hidden = less[e].indices.first { less[e][$0] > 1 && SmallCounts.isSmall(less[e][$0]) }
                            if let j = hidden ?? less[e].indices.first(where: { less[e][$0] > 0 }) { less[e][j] -= 1 }
                        }
                        witnesses.append((total - 1, less))
                    }
                    for j in parts.indices where j != i && parts[j] > 1 {
                        var moved = divisions
                        moved[d][i] += 1; moved[d][j] -= 1
                        witnesses.append((total, moved))
                    }
                    #expect(
                        witnesses.contains { SmallCounts.protect(total: $0.0, divisions: $0.1) == p },
                        "\(v) at \(d).\(i) of \(divisions) is found: \(p)")
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
