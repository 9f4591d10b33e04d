import Foundation

/// Country outlines for the server-drawn world map: Natural Earth 1:110m (public domain) in the Equal Earth
/// projection, 1000 × 487 units, generated once by tools/gen-map.py. Countries too small for this scale have
/// no outline; the European Union has a marker over Brussels.
public struct WorldMap: Sendable {
    public static let width = 1000
    public static let height = 487
    /// Brussels, projected like the outlines.
    public static let europeanUnionMarker = (x: 509.9, y: 66.9)

    /// ISO 3166-1 alpha-2 code → SVG path data.
    public let outlines: [(code: String, path: String)]

    public static let shared: WorldMap = {
        let text = bundledText("world-map", "tsv")
        return WorldMap(tsv: text)
    }()

    public init(tsv: String) {
        outlines = tsv.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let tab = line.firstIndex(of: "\t") else { return nil }
            return (String(line[..<tab]), String(line[line.index(after: tab)...]))
        }
    }

    public func hasOutline(_ code: String) -> Bool { outlines.contains { $0.code == code } }

    /// Shading class 0 (none) to 5 (the most), on a logarithmic scale up to `maximum`.
    public static func shade(_ count: Int, maximum: Int) -> Int {
        guard count > 0, maximum > 0 else { return 0 }
        guard maximum > 1 else { return 5 }
        return 1 + min(4, Int(4 * log(Double(count)) / log(Double(maximum)) + 0.0001))
    }

    /// The smallest count of each class 1–5, for the legend.
    public static func classFloors(maximum: Int) -> [Int] {
        (1...5).map { level in
            (1...max(1, maximum)).first { shade($0, maximum: maximum) >= level } ?? maximum
        }
    }
}
