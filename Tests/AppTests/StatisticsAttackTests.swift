import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// An adversary against `/statistics`: generated case files under publications of one, two or no programmes, read
/// through the public JSON (and the API and the CSV), with and without a programme. Every figure derived by
/// subtracting one published page from another that covers more cases must not be 1 or 2, and every figure shown
/// must be true (exact, or a true lower bound). Interventions and follow-ups are left out of the differencing: each
/// publication is public with its programmes on `/publications`.
@Suite struct StatisticsAttackTests {
    static let programmeA = Programme.humanRightsDefenders, programmeB = Programme.childrenRights
    static let countries = ["MX", "GT", "RU", "CO", "HN", "BR", "PE", "TR"]

    struct GeneratedCase {
        var programmes: Set<Programme>
        var defenders: Int, organisations: Int
        var acts: [(ActType, PerpetratorType)]

        func count(_ figure: String) -> Int {
            switch figure {
            case "defenders": defenders
            case "organisations": organisations
            case "acts": acts.count
            case "acts-state": acts.filter { $0.1.isState }.count
            case "acts-non-state": acts.filter { !$0.1.isState }.count
            default:
                figure.hasPrefix("act-") ? acts.filter { "act-" + $0.0.rawValue == figure }.count : 0
            }
        }
    }

    static let figures =
        ["defenders", "organisations", "acts", "acts-state", "acts-non-state"]
        + ActType.allCases.map { "act-" + $0.rawValue }

    /// The country's cases: two fixed ones that the old page gave away (4 cases in A and 1 in none: all minus A is
    /// one defender; 3 cases in A only: shown exact), the rest generated.
    static func cases(seed: UInt64) -> [String: [GeneratedCase]] {
        var rng = SeededGenerator(seed: seed)
        var out: [String: [GeneratedCase]] = [:]
        out["MX"] =
            (0..<4).map { _ in
                GeneratedCase(
                    programmes: [programmeA], defenders: 1, organisations: 0,
                    acts: [])
            }
            + [GeneratedCase(programmes: [], defenders: 1, organisations: 0, acts: [])]
        out["GT"] = (0..<3).map { _ in
            GeneratedCase(
                programmes: [programmeA], defenders: 1, organisations: 0,
                acts: [])
        }
        let subsets: [Set<Programme>] = [[], [programmeA], [programmeB], [programmeA, programmeB]]
        for country in countries.dropFirst(2) {
            out[country] = (0..<Int.random(in: 1...7, using: &rng)).map { _ in
                GeneratedCase(
                    programmes: subsets.randomElement(using: &rng)!,
                    defenders: Int.random(in: 1...3, using: &rng),
                    organisations: Int.random(in: 0...2, using: &rng),
                    acts: (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                        (
                            [ActType.arbitraryArrest, .threats].randomElement(using: &rng)!,
                            [PerpetratorType.police, .paramilitary].randomElement(using: &rng)!
                        )
                    })
            }
        }
        return out
    }

    /// The figures of the period `total-2024` of a statistics JSON document: figure → (status, value, at least).
    static func figures(_ body: String) throws -> [String: (status: String, value: Int?, atLeast: Int)] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let periods = try #require(document["periods"] as? [[String: Any]])
        let total = try #require(periods.first { $0["period"] as? String == "total-2024" })
        let figures = try #require(total["figures"] as? [String: [String: Any]])
        return figures.mapValues { f in
            (
                f["status"] as? String ?? "", (f["value"] as? String).flatMap { Int($0) },
                Int(f["at_least"] as? String ?? "") ?? -1
            )
        }
    }

    @Test(arguments: Engine.all) func noPageSubtractedFromAnotherGivesAwayAFewCases(_ engine: Engine) async throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        print("StatisticsAttackTests seed: \(seed)")
        let generated = Self.cases(seed: seed)
        try await withApp(engine) { app in
            let now = Date(timeIntervalSince1970: TimeInterval(CivilDate("2024-06-01")!.daysSinceEpoch) * 86_400)
            let cipher = app.site.cipher
            var number = 0
            for country in Self.countries {
                for c in generated[country] ?? [] {
                    number += 1
                    let publicationID = "ui-attack-\(number)"
                    try await store(
                        [
                            publication(
                                publicationID, .urgentIntervention, kind: .urgentAppeal,
                                on: "2024-03-\(String(format: "%02d", number % 28 + 1))",
                                countries: [country], programmes: Array(c.programmes))
                        ], in: app)
                    let caseID = try await CaseStore.open(
                        NewCase(
                            country: country, label: "CANARY-LABEL-\(number)",
                            person: NewPerson(
                                kind: .defender, name: "CANARY-NAME-\(number)", consents: false,
                                description: "", contact: "")),
                        by: "t", now: now, cipher: cipher, on: app.db)
                    for i in 0..<(c.defenders - 1 + c.organisations) {
                        let kind: AtRiskKind = i < c.defenders - 1 ? .defender : .organisation
                        try await CaseRecords.addPerson(
                            NewPerson(
                                kind: kind, name: "CANARY-NAME-\(number)-\(i)",
                                consents: false, description: "", contact: ""),
                            by: "t", to: caseID, now: now, cipher: cipher, on: app.db)
                    }
                    for (type, perpetrator) in c.acts {
                        try await CaseRecords.addAct(
                            NewAct(
                                type: type, occurredOn: nil, place: "CANARY-PLACE",
                                perpetrator: perpetrator, detail: "CANARY-DETAIL"),
                            to: caseID, cipher: cipher, on: app.db)
                    }
                    let intervention = try await InterventionStore.create(
                        .init(
                            kind: .urgentAppeal, language: .en,
                            followUpOf: nil, translationOf: nil, title: "t", summary: "", body: "b"), case: caseID,
                        by: "t", now: now, cipher: cipher, on: app.db)
                    try await app.db.sql.update("interventions").set("publication_id", to: publicationID)
                        .set("status", to: "published").where("id", .equal, intervention).run()
                }
            }
            try await ContentVersion.bump(on: app.db)

            let views: [Programme?] = [nil, Self.programmeA, Self.programmeB]
            for country in Self.countries {
                let cases = generated[country] ?? []
                func covered(_ view: Programme?) -> [Int] {
                    cases.indices.filter { i in view.map { cases[i].programmes.contains($0) } ?? true }
                }
                var seen: [Programme?: [String: (status: String, value: Int?, atLeast: Int)]] = [:]
                for view in views {
                    let query =
                        "country=\(country.lowercased())&from=2024&to=2024"
                        + (view.map { "&programme=\($0.rawValue)" } ?? "")
                    let json = try await app.get("/statistics.json?" + query)
                    #expect(json.status == .ok)
                    #expect(!json.body.contains("CANARY"))
                    let api = try await app.get("/api/v1/statistics?" + query)
                    #expect(api.body == json.body, "the API answers the same figures (\(query))")
                    for path in ["/statistics?", "/fr/statistics?", "/ar/statistics.csv?"] {
                        let other = try await app.get(path + query)
                        #expect(other.status == .ok && !other.body.contains("CANARY"), "\(path)\(query)")
                    }
                    seen[view] = try Self.figures(json.body)
                }
                for figure in Self.figures {
                    // Every figure shown is true: exact, or a true lower bound.
                    for view in views {
                        let truth = covered(view).map { cases[$0].count(figure) }.reduce(0, +)
                        let shown = try #require(seen[view]?[figure], "\(figure) is published")
                        if let value = shown.value {
                            #expect(value == truth, "\(country) \(figure) \(String(describing: view)) (seed \(seed))")
                        }
                        #expect(
                            shown.atLeast <= truth && (truth == 0) == (shown.status == "exact" && shown.value == 0),
                            "\(country) \(figure) \(String(describing: view)): \(shown) for \(truth) (seed \(seed))")
                    }
                    // Differencing: a page covering the cases of another and more, minus it.
                    for wide in views {
                        for narrow in views where narrow != wide {
                            let w = Set(covered(wide)), n = Set(covered(narrow))
                            guard n.isSubset(of: w), let a = seen[wide]?[figure]?.value,
                                let b = seen[narrow]?[figure]?.value
                            else { continue }
                            #expect(
                                !(1...2).contains(a - b),
                                """
                                \(country) \(figure): \(String(describing: wide)) \(a) minus \
                                \(String(describing: narrow)) \(b) (seed \(seed))
                                """)
                        }
                    }
                    // All minus A minus B, when no case is in both.
                    let a = Set(covered(Self.programmeA)), b = Set(covered(Self.programmeB))
                    if a.isDisjoint(with: b), let all = seen[nil]?[figure]?.value,
                        let x = seen[Self.programmeA]?[figure]?.value, let y = seen[Self.programmeB]?[figure]?.value
                    {
                        #expect(!(1...2).contains(all - x - y), "\(country) \(figure): all − A − B (seed \(seed))")
                    }
                }
            }
            // Not hidden for nothing: three cases under the same programme are shown exactly, with or without it.
            for view in [nil, Self.programmeA] {
                let query = "country=gt&from=2024&to=2024" + (view.map { "&programme=\($0.rawValue)" } ?? "")
                let gt = try Self.figures(try await app.get("/statistics.json?" + query).body)
                #expect(gt["defenders"]?.value == 3, "\(query)")
            }
        }
    }
}
