import Foundation
import Testing

/// Issue 18: every public, office and mailed address is made by a route enum (`SiteRoute`, `OfficeRoute`,
/// `ApiRoutes`). This walk of the sources finds what is still typed by hand: a path literal such as
/// `"/office/…"` or `"/campaigns/…"`, and a route registered by strings (`routes.get("health")`,
/// `localizedGet(["missions"])`). What is left may only shrink: a file may not gain any, and no other file may start.
@Suite struct RouteSourceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Still typed by hand, per file (to be moved into the route enums).
    static let leftAtMost: [String: Int] = [
        "AccountLanguage.swift": 2, "AccountPages.swift": 1, "ApiWrites.swift": 1, "EvidenceController.swift": 2,
        "HealthController.swift": 1, "Layout.swift": 1, "Localization.swift": 1, "Sitemap.swift": 5,
        "StatisticsController.swift": 1, "TokenController.swift": 2
    ]

    /// The files that define the addresses, and the migrations (which name tables, not addresses).
    static let enums: Set<String> = ["SiteRoute.swift", "OfficeRoute.swift", "ApiRoutes.swift"]

    static var pathLiteral: Regex<AnyRegexOutput> {
        try! Regex(
            #""/(office|account|partner|api|organisations|campaigns|calls|missions|bulletins|statistics|"#
                + #"subscribe|subscription|unsubscribe|report|publications|countries|map|search|login|logout|"#
                + #"take-action|reports|static|language|portraits|fr|es|ar)(?=[/"?.\\])"#)
    }
    static var registration: Regex<AnyRegexOutput> {
        try! Regex(#"localizedGet\(\["|\.(?:get|post)\("[a-z]"#)
    }

    static func handTyped() throws -> [String: [String]] {
        let sources = root.appendingPathComponent("Sources/App")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" && !$0.path.contains("/Migrations/") }
        var found: [String: [String]] = [:]
        for file in files where !enums.contains(file.lastPathComponent) {
            let lines = try String(contentsOf: file, encoding: .utf8).split(
                separator: "\n", omittingEmptySubsequences: false)
            for (n, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                // A route parameter read (`req.parameters.get("id")`) is not a registration.
                let code = line.replacingOccurrences(of: "parameters.get(", with: "")
                let hits = code.matches(of: pathLiteral).count + code.matches(of: registration).count
                for _ in 0..<hits {
                    found[file.lastPathComponent, default: []].append(
                        "\(n + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        return found
    }

    @Test func addressesTypedByHandOnlyDecrease() throws {
        let found = try Self.handTyped()
        let total = found.values.map(\.count).reduce(0, +)
        print("Addresses still typed by hand: \(total) in \(found.count) files")
        for (file, lines) in found.sorted(by: { $0.key < $1.key }) {
            for line in lines { print("  \(file):\(line.prefix(110))") }
            let allowed = Self.leftAtMost[file] ?? 0
            #expect(lines.count <= allowed, "\(file) types \(lines.count) addresses by hand (at most \(allowed))")
        }
        #expect(total <= Self.leftAtMost.values.reduce(0, +))
    }

    /// The walk finds what it is meant to find (so the test above cannot pass by finding nothing).
    @Test func theWalkRecognisesHandTypedAddresses() {
        #expect("x = \"/office/cases/\\(id)\"".contains(Self.pathLiteral))
        #expect("routes.get(\"health\") { req in".contains(Self.registration))
        #expect("routes.localizedGet([\"missions\"]) {".contains(Self.registration))
        #expect("req.parameters.get(\"id\")".contains(Self.registration), "removed before the walk matches")
        #expect(!"\"/office\"".isEmpty && "\"/office\"".contains(Self.pathLiteral))
        #expect(!"SELECT id FROM cases".contains(Self.pathLiteral))
    }
}
