import ObservatoryCore

/// The world map's country outlines as one SVG document, each outline a `<path id="CODE">`: every map page
/// draws its countries with `<use>` references into it, so the 50 KB of outlines travel once and stay cached,
/// and a map page carries only its links, shades and counts.
enum WorldMapOutlines {
    static let text: String = {
        let paths = WorldMap.shared.outlines.map { "<path id=\"\($0.code)\" d=\"\($0.path)\"/>" }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(WorldMap.width) \(WorldMap.height)\">"
            + paths.joined(separator: "\n") + "</svg>\n"
    }()

    /// A short hash of the content, so changed outlines get a new URL.
    static let version: String = {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash % 0xFFFF_FFFF, radix: 36)
    }()

    /// The reference to one country's outline.
    static func reference(_ code: String) -> String { SiteRoute.mapOutlines.path + "#" + code }
}
