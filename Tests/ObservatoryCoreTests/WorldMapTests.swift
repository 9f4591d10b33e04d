import ObservatoryCore
import Testing

@Suite struct WorldMapTests {
    @Test func outlinesCoverTheWorldWithKnownCodesAndPlainPathData() {
        let map = WorldMap.shared
        #expect(map.outlines.count >= 170)
        for outline in map.outlines {
            #expect(CountryDirectory.shared.country(code: outline.code) != nil, "\(outline.code)")
            #expect(
                outline.path.hasPrefix("M") && outline.path.allSatisfy { "Mlz0123456789.- ".contains($0) },
                "\(outline.code)")
        }
        for code in ["MX", "FR", "CD", "RU", "CN", "BR", "AU", "EG"] { #expect(map.hasOutline(code), "\(code)") }
        #expect(!map.hasOutline("EU") && !map.hasOutline("AQ"))
    }

    @Test func shadesAreLogarithmicFromOneToTheMaximum() {
        #expect(WorldMap.shade(0, maximum: 100) == 0)
        #expect(WorldMap.shade(1, maximum: 100) == 1)
        #expect(WorldMap.shade(100, maximum: 100) == 5)
        #expect(WorldMap.shade(1, maximum: 1) == 5)
        let shades = (1...1000).map { WorldMap.shade($0, maximum: 1000) }
        #expect(shades == shades.sorted(), "more publications never means a lighter shade")
        #expect(WorldMap.classFloors(maximum: 130) == [1, 4, 12, 39, 130])
    }
}
