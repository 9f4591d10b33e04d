import ObservatoryCore

/// The world map's country outlines as one SVG document, each outline a `<symbol id="CODE">` with the whole map's
/// view box (and the EU's marker over Brussels as `<symbol id="EU">`): every country of a map page carries a small
/// `<svg><use>` referencing its symbol, laid over the others, so the 50 KB of outlines travel once and stay
/// cached, and a map page carries only its links, shades and counts. Colours come from the page (inherited fill).
enum WorldMapOutlines {
    static let text: String = {
        let box = "0 0 \(WorldMap.width) \(WorldMap.height)"
        let symbols = WorldMap.shared.outlines.map {
            "<symbol id=\"\($0.code)\" viewBox=\"\(box)\"><path d=\"\($0.path)\"/></symbol>"
        }
        let marker = WorldMap.europeanUnionMarker
        let eu =
            "<symbol id=\"EU\" viewBox=\"\(box)\"><circle cx=\"\(marker.x)\" cy=\"\(marker.y)\" r=\"7\" "
            + "stroke=\"#039\" stroke-width=\"2.5\"/></symbol>"
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"\(box)\">"
            + (symbols + [eu]).joined(separator: "\n") + "</svg>\n"
    }()

    /// A short hash of the content, so changed outlines get a new URL (short: every map page repeats it).
    static let version: String = {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash % 60_466_176, radix: 36)  // five characters at most (36^5)
    }()

    /// The reference to one country's outline (or the EU's marker).
    static func reference(_ code: String) -> String { SiteRoute.mapOutlines.path + "#" + code }
}
