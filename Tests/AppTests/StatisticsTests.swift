import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// `/statistics` through the running app on both engines, against a generated archive with known counts.
@Suite struct StatisticsTests {
    static let countries = ["MX", "GT", "RU"]
    static let years = Array(2019...2022)

    /// Stores `n` urgent interventions (and a follow-up for every second one) per country and year.
    static func archive(seed: UInt64) -> (publications: [ArchivePublication], counts: [StatisticsKey: Int]) {
        var rng = SeededGenerator(seed: seed)
        var publications: [ArchivePublication] = [], counts: [StatisticsKey: Int] = [:]
        for country in countries {
            for year in years {
                let n = Int.random(in: 0...6, using: &rng)
                counts[StatisticsKey(country: country, year: year)] = n
                for i in 0..<n {
                    publications.append(
                        publication(
                            "ui-\(country)-\(year)-\(i)", .urgentIntervention, kind: .urgentAppeal,
                            on: "\(year)-03-0\(i + 1)", countries: [country]))
                }
            }
        }
        return (publications, counts)
    }

    static func row(_ html: String, table: String, label: String) -> String? {
        guard let start = html.range(of: "<table id=\"\(table)\"") else { return nil }
        let rest = html[start.upperBound...]
        guard let end = rest.range(of: "</table>") else { return nil }
        let body = String(rest[..<end.lowerBound])
        return firstMatch(
            "<tr><th scope=\"row\">(?:<a [^>]*>)?\(label)(?:</a>)?</th><td class=\"n\">([^<]*)</td>", in: body)
    }

    static func expected(_ n: Int) -> String { n == 0 ? "0" : n < 3 ? "fewer than 3" : String(n) }

    @Test(arguments: Engine.all) func figuresOfAGeneratedArchiveWithSmallCountsSuppressed(_ engine: Engine) async throws
    {
        let seed = UInt64.random(in: 1...UInt64.max)
        print("StatisticsTests seed: \(seed)")
        let (publications, counts) = Self.archive(seed: seed)
        try await withApp(engine) { app in
            try await store(publications, in: app)
            // Canaries: a draft urgent intervention, and a case with people and acts but no published intervention.
            try await store(
                [
                    publication(
                        "canary-draft", .urgentIntervention, kind: .urgentAppeal, on: "2020-05-05",
                        countries: ["MX"])
                ], status: "draft", in: app)
            let now = Date(timeIntervalSince1970: TimeInterval(CivilDate("2020-06-01")!.daysSinceEpoch) * 86_400)
            let cipher = app.site.cipher
            let hidden = try await CaseStore.open(
                NewCase(
                    country: "MX", label: "Canary case",
                    person: NewPerson(
                        kind: .defender, name: "Canary Person", consents: false, description: "", contact: "")),
                by: "t", now: now, cipher: cipher, on: app.db)
            for _ in 0..<4 {
                try await CaseRecords.addAct(
                    NewAct(
                        type: .torture, occurredOn: nil, place: "x", perpetrator: .police,
                        detail: "x"), to: hidden, cipher: cipher, on: app.db)
            }
            _ = try await CaseStore.changeStatus(
                hidden, from: .received, to: .closed, outcome: .killed, by: "t", now: now,
                on: app.db)

            let page = try await app.get("/statistics")
            #expect(page.status == .ok)
            for country in Self.countries {
                let view = try await app.get("/statistics?country=\(country.lowercased())")
                for year in Self.years {
                    let n = counts[StatisticsKey(country: country, year: year)] ?? 0
                    #expect(
                        Self.row(view.body, table: "table-interventions", label: String(year)) == Self.expected(n),
                        "\(country) \(year): \(n) (seed \(seed))")
                }
            }
            // A year for the world is the sum of the protected cells: exact only when no country's is hidden.
            for year in Self.years {
                let cells = Self.countries.map { counts[StatisticsKey(country: $0, year: year)] ?? 0 }
                let sum = cells.reduce(0, +)
                let hidden = cells.contains { $0 == 1 || $0 == 2 }
                let lower = cells.map { $0 == 1 || $0 == 2 ? 1 : $0 }.reduce(0, +)
                let want =
                    !hidden
                    ? String(sum)
                    : lower < 3 && cells.filter({ $0 > 0 }).count == 1
                        ? "fewer than 3"
                        : "at least \(lower)"
                #expect(
                    Self.row(page.body, table: "table-interventions", label: String(year)) == want,
                    "\(year): \(cells) (seed \(seed))")
            }
            // Nothing of the unpublished case counts, and the draft does not.
            #expect(Self.row(page.body, table: "table-defenders", label: "2020") == "0")
            #expect(page.body.contains("id=\"acts-none\"") && page.body.contains("id=\"outcomes-none\""))
            #expect(!page.body.contains("Canary"))
            for format in ["csv", "json"] {
                let download = try await app.get("/statistics.\(format)?country=mx")
                #expect(download.status == .ok && !download.body.contains("Canary"))
                #expect(download.headers.first(name: .contentDisposition)?.contains("statistics-mx.\(format)") == true)
            }
            let api = try await app.get("/api/v1/statistics?country=mx")
            let json = try await app.get("/statistics.json?country=mx")
            #expect(api.status == .ok && api.body == json.body, "the API answers the download's document")
            let badAPI = try await app.get("/api/v1/statistics?from=abc")
            #expect(badAPI.status == .badRequest && badAPI.body.contains("\"parameter\":\"from\""))
            let csv = try await app.get("/statistics.csv?country=mx")
            for year in Self.years {
                let n = counts[StatisticsKey(country: "MX", year: year)] ?? 0
                let line =
                    n == 1 || n == 2 ? "\(year),interventions,fewer-than-3,,1" : "\(year),interventions,exact,\(n),\(n)"
                #expect(csv.body.contains(line + "\r\n"), "\(line) (seed \(seed))")
            }
        }
    }

    @Test(arguments: Engine.all) func caseFilesAddDefendersActsAndOutcomesOnlyOncePublished(
        _ engine: Engine
    ) async throws {
        try await withApp(engine) { app in
            try await store([publication("ui-1", .urgentIntervention, kind: .urgentAppeal, on: "2024-02-03")], in: app)
            let now = Date(timeIntervalSince1970: TimeInterval(CivilDate("2024-06-01")!.daysSinceEpoch) * 86_400)
            let cipher = app.site.cipher
            let caseID = try await CaseStore.open(
                NewCase(
                    country: "MX", label: "L",
                    person: NewPerson(
                        kind: .defender, name: "Secret Name", consents: false, description: "", contact: "")),
                by: "t", now: now, cipher: cipher, on: app.db)
            for _ in 0..<3 {
                try await CaseRecords.addPerson(
                    NewPerson(
                        kind: .defender, name: "P", consents: false, description: "",
                        contact: ""), by: "t", to: caseID, now: now, cipher: cipher, on: app.db)
            }
            for perpetrator in [PerpetratorType.police, .police, .police, .police, .paramilitary] {
                try await CaseRecords.addAct(
                    NewAct(
                        type: .arbitraryArrest, occurredOn: nil, place: "x",
                        perpetrator: perpetrator, detail: "x"), to: caseID, cipher: cipher, on: app.db)
            }
            let intervention = try await InterventionStore.create(
                .init(
                    kind: .urgentAppeal, language: .en, followUpOf: nil,
                    translationOf: nil, title: "t", summary: "", body: "b"), case: caseID, by: "t", now: now,
                cipher: cipher, on: app.db)
            try await app.db.sql.update("interventions").set("publication_id", to: "ui-1").where(
                "id", .equal, intervention
            ).run()
            let before = try await app.get("/statistics")
            #expect(
                Self.row(before.body, table: "table-defenders", label: "2024") == "0", "an approved draft is not out")

            try await app.db.sql.update("interventions").set("status", to: "published").where(
                "id", .equal, intervention
            ).run()
            try await ContentVersion.bump(on: app.db)
            let after = try await app.get("/statistics")
            #expect(Self.row(after.body, table: "table-defenders", label: "2024") == "4")
            // 4 by the state and 1 not: the 1 is hidden, and so is everything that would give it away.
            #expect(Self.row(after.body, table: "table-acts", label: ActType.arbitraryArrest.label) == "withheld")
            #expect(Self.row(after.body, table: "table-perpetrators", label: "Non-state actors") == "withheld")
            #expect(Self.row(after.body, table: "table-perpetrators", label: "State actors") == "withheld")
            #expect(!after.body.contains(">1</td>") && !after.body.contains(">5</td>"))
            #expect(!after.body.contains("Secret Name"))

            // Closing the case drops the cached page: its outcome counts at once (hidden: it is one).
            _ = try await CaseStore.changeStatus(
                caseID, from: .received, to: .closed, outcome: .released, by: "t",
                now: now, on: app.db)
            let closed = try await app.get("/statistics")
            #expect(Self.row(closed.body, table: "table-outcomes", label: "Released") == "withheld")

            // The office sees the same figures unsuppressed; a partner is refused.
            let team = try await CaseTeam.make(app)
            let office = try await team.drafter.get("/office/statistics")
            #expect(office.status == .ok)
            #expect(Self.row(office.body, table: "table-perpetrators", label: "Non-state actors") == "1")
            let refused = try await team.partner.get("/office/statistics")
            #expect(refused.status == .forbidden)
            let anonymous = try await app.get("/office/statistics")
            #expect(anonymous.status != .ok)
        }
    }

    @Test(arguments: Engine.all) func everyLanguageAndBadFiltersNamed(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store([publication("ui-1", .urgentIntervention, kind: .urgentAppeal, on: "2024-02-03")], in: app)
            for prefix in ["", "/fr", "/es", "/ar"] {
                let page = try await app.get(prefix + "/statistics?from=2024&to=2024&country=mx")
                #expect(page.status == .ok, "\(prefix)")
                #expect(page.body.contains("<svg class=\"chart\"") && page.body.contains("<title id="))
                #expect(
                    page.body.contains("href=\"\(prefix)/statistics.csv?from=2024&amp;to=2024&amp;country=mx\"")
                        || page.body.contains("href=\"\(prefix)/statistics.csv?from=2024&to=2024&country=mx\""))
            }
            let arabic = try await app.get("/ar/statistics")
            #expect(arabic.body.contains("dir=\"rtl\"") && arabic.body.contains("أقل من ٣"))
            for bad in ["from=20x4", "to=1800", "from=2024&to=2020", "country=zz", "region=mars", "programme=nope"] {
                let page = try await app.get("/statistics?" + bad)
                #expect(page.status == .badRequest, "\(bad)")
                let name = String(bad.split(separator: "=")[0])
                #expect(page.body.contains(bad == "from=2024&to=2020" ? "to" : name), "\(bad) names the parameter")
            }
            // Fuzzed parameters never give a server error.
            var rng = SeededGenerator(seed: 19)
            let alphabet = Array("0123456789abz-%&=;<>\"' ")
            for _ in 0..<60 {
                let value = String(
                    (0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
                let key = ["from", "to", "year", "country", "region", "programme"].randomElement(using: &rng)!
                let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let page = try await app.get("/statistics?\(key)=\(encoded)")
                #expect(page.status == .ok || page.status == .badRequest, "\(key)=\(value): \(page.status)")
            }
        }
    }
}
