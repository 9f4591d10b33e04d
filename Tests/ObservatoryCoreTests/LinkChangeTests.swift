import PropertyBased
import Testing

@testable import ObservatoryCore

/// Links change only by records the person was offered; a forged id changes nothing.
@Suite struct LinkChangeTests {
    @Test func addRemoveAndRefuse() {
        let ok = LinkChange.apply(current: ["a", "b"], add: ["c", "a", "c"], remove: ["b"], choosable: ["a", "c"])
        #expect(ok == .success(["a", "c"]))
        let forged = LinkChange.apply(current: ["a"], add: ["x"], remove: [], choosable: ["a"])
        #expect(forged == .failure(.notChoosable("x")))
        let notLinked = LinkChange.apply(current: ["a"], add: [], remove: ["z"], choosable: ["z"])
        #expect(notLinked == .failure(.notChoosable("z")))
        #expect(LinkChange.apply(current: ["a"], add: [], remove: [], choosable: ["a"]) == .failure(.nothingChosen))
        #expect(LinkChange.Refusal.notChoosable("<b>" + String(repeating: "x", count: 200)).description.count < 140)
    }

    @Test func theResultHoldsOnlyCurrentOrChoosableIdsEachOnce() async {
        let id = Gen<String?>.element(of: ["a", "b", "c", "d", "e", "forged", ""]).map { $0! }
        await propertyCheck(count: 500, input: id.array(of: 0...5), id.array(of: 0...5), id.array(of: 0...5)) {
            current, add, remove in
            // setup
            let choosable: Set<String> = ["a", "b", "c"], linked = Array(Set(current))
            // act
            let result = LinkChange.apply(current: linked, add: add, remove: remove, choosable: choosable)
            // assert
            switch result {
            case .success(let list):
                #expect(Set(list).count == list.count)
                #expect(list.allSatisfy { linked.contains($0) || choosable.contains($0) })
                #expect(add.allSatisfy(choosable.contains) && remove.allSatisfy(linked.contains))
                #expect(remove.allSatisfy { !list.contains($0) })
            case .failure:
                #expect(
                    add.contains { !choosable.contains($0) } || remove.contains { !linked.contains($0) }
                        || (add.isEmpty && remove.isEmpty))
            }
        }
    }
}
