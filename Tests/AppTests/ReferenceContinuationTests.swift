import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Codes continue the imported archive: approvals start after the highest code of the year and country, an
/// imported code is checked against the scheme, and a code is never held by two appeals, on both engines.
@Suite struct ReferenceContinuationTests {
    /// An archive from the shared generator (urgent appeals with codes, follow-ups, translations).
    static func generatedArchive(seed: Int) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let generator = root.deletingLastPathComponent().appendingPathComponent("shared/corpus/gen.py").path
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("codes-\(UUID().uuidString).jsonl").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            generator, "--count", "900", "--seed", String(seed), "--from-year", "2025", "--to-year",
            "2026"
        ]
        process.standardOutput = FileHandle(forWritingAtPath: path)
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return path
    }

    static func codes(in path: String) throws -> [ReferenceCode] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (object?["reference"] as? String).flatMap(ReferenceCode.init)
        }
    }

    static func importLines(
        _ lines: [String], in app: Application
    ) async throws
        -> (ArchiveImporter.Summary, [ArchiveProblem])
    {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("clash-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await importFile(path, in: app)
    }

    static func importFile(
        _ path: String, in app: Application
    ) async throws -> (
        ArchiveImporter.Summary,
        [ArchiveProblem]
    ) {
        let problems = NIOLockedValueBox<[ArchiveProblem]>([])
        var importer = ArchiveImporter(db: app.db)
        importer.report = { p in problems.withLockedValue { $0.append(p) } }
        let summary = try await importer.importFile(at: path)
        return (summary, problems.withLockedValue { $0 })
    }

    static func line(
        _ id: String, _ reference: String, countries: [String] = ["MX"], published: String = "2026-11-20",
        translationOf: String? = nil
    ) -> String {
        var record: [String: Any] = [
            "id": id, "type": "urgent-intervention", "kind": "urgent-appeal", "language": "en",
            "published": published, "title": "Mexico: appeal \(id)", "countries": countries,
            "reference": reference
        ]
        if let translationOf { record["translation_of"] = translationOf; record["language"] = "fr" }
        return String(decoding: try! JSONSerialization.data(withJSONObject: record), as: UTF8.self)
    }

    static func approve(
        _ n: Int, countries: [String], from start: Int,
        in app: Application
    ) async throws -> [ReferenceCode] {
        var drafts: [(Intervention, CaseFile)] = []
        for i in 0..<n {
            drafts.append(
                try await ReferenceCodeTests.draft(
                    start + i, country: countries[i % countries.count],
                    in: app))
        }
        return try await approveAtOnce(drafts, in: app).compactMap(ReferenceCode.init)
    }

    /// Approves every draft at once, by another officer; the codes they received.
    static func approveAtOnce(_ drafts: [(Intervention, CaseFile)], in app: Application) async throws -> [String] {
        try await withThrowingTaskGroup(of: String.self) { group in
            for (intervention, file) in drafts {
                group.addTask {
                    try await InterventionWorkflow.approve(
                        intervention, file: file, by: "approver@example.org",
                        now: testClock.now(), on: app.db
                    ).get()
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func holders(serial: Int, year: Int, on db: any Database) async throws -> Int {
        struct Count: Decodable { let n: Int }
        return try await db.sql.raw(
            """
            SELECT COUNT(*) AS n FROM reference_codes WHERE year = \(bind: year)
            AND observatory_serial = \(bind: serial) AND follow_up = 0
            """
        ).first(decoding: Count.self)?.n ?? -1
    }

    @Test(arguments: Engine.all)
    func approvalsContinueAfterTheImportedArchiveAndClashesAreRefusedOnce(_ engine: Engine) async throws {
        let archive = try Self.generatedArchive(seed: 21)
        defer { try? FileManager.default.removeItem(atPath: archive) }
        try await withApp(engine) { app in
            // setup: the imported archive holds codes for 2026 (the year of the approvals, see testToday)
            let (summary, problems) = try await Self.importFile(archive, in: app)
            #expect(
                summary.rejected == 0 && problems.isEmpty,
                "the generator's codes follow the scheme: \(problems.prefix(3))")
            let imported = try Self.codes(in: archive).filter { $0.year == 26 && $0.followUp == nil }
            let highest = try #require(imported.map(\.observatorySerial).max())
            #expect(highest > 10, "an archive of 2026 with codes")
            func top(_ alpha3: String) -> Int {
                imported.filter { $0.alpha3 == alpha3 }.map(\.countrySerial).max() ?? 0
            }
            let tops = ["MEX": top("MEX"), "COL": top("COL"), "RUS": top("RUS")]

            // act: 36 approvals at once
            let codes = try await Self.approve(36, countries: ["MX", "CO", "RU"], from: 0, in: app)

            // assert: distinct, continuing after the highest, without a gap
            #expect(codes.count == 36 && Set(codes.map(\.observatorySerial)) == Set((highest + 1)...(highest + 36)))
            for (alpha3, top) in tops {
                let serials = codes.filter { $0.alpha3 == alpha3 }.map(\.countrySerial).sorted()
                #expect(serials == Array((top + 1)...(top + 12)), "\(alpha3) after \(top)")
            }

            // An import after the allocation: clashing codes are named by line and stored nowhere; the rest goes in.
            let taken = try #require(codes.first { $0.alpha3 == "MEX" })
            let archived = try #require(imported.first)
            let (second, refused) = try await Self.importLines(
                [
                    Self.line("clash-same", taken.description),
                    Self.line(
                        "clash-serial", "COL 950 / 1026 / OBS \(String(format: "%03d", taken.observatorySerial))",
                        countries: ["CO"]),
                    Self.line(
                        "clash-archive", archived.description,
                        countries: [CountryDirectory.shared.all.first { $0.alpha3 == archived.alpha3 }!.code],
                        published: "2026-12-31"),
                    Self.line("malformed", "MEX 1 / 1126 / OBS 5"),
                    Self.line("fresh", "MEX 900 / 1126 / OBS 900"),
                    Self.line("fresh-fr", "MEX 900 / 1126 / OBS 900", translationOf: "fresh")
                ], in: app)
            #expect(second.read == 6 && second.stored == 2 && second.rejected == 4, "\(second)")
            #expect(
                refused.map(\.line).sorted() == [1, 2, 3, 4] && refused.allSatisfy { $0.field == "reference" },
                "\(refused)")
            #expect(refused.first { $0.line == 1 }?.reason.contains("an appeal approved in the office") == true)
            #expect(refused.first { $0.line == 3 }?.reason.contains("clashes with") == true)
            for id in ["clash-same", "clash-serial", "clash-archive", "malformed"] {
                #expect(try await app.get("/publications/\(id)").status == .notFound, "\(id)")
            }
            #expect(try await app.get("/publications/fresh").body.contains("MEX 900 / 1126 / OBS 900"))
            #expect(try await Self.holders(serial: taken.observatorySerial, year: 26, on: app.db) == 1)

            // The next approval continues after the imported 900, and importing the archive again refuses nothing.
            let next = try await Self.approve(1, countries: ["MX"], from: 100, in: app)
            #expect(next.map(\.description) == ["MEX 901 / 1126 / OBS 901"])
            let (again, none) = try await Self.importFile(archive, in: app)
            #expect(
                again.rejected == 0 && none.isEmpty && again.updated == summary.stored,
                "\(again) \(none.prefix(2))")
        }
    }

    /// Approvals and an import carrying the very codes they would take, at the same time: every serial of the year
    /// ends up with one holder, and whatever the import lost is named.
    @Test(arguments: Engine.all)
    func approvalsRacingAnImportOfTheSameCodesNeverShareOne(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            var drafts: [(Intervention, CaseFile)] = []
            for n in 0..<24 { drafts.append(try await ReferenceCodeTests.draft(n, country: "MX", in: app)) }
            let lines = (1...24).map { Self.line("race-\($0)", String(format: "MEX %03d / 1126 / OBS %03d", $0, $0)) }
            async let imported = Self.importLines(lines, in: app)
            let codes = try await Self.approveAtOnce(drafts, in: app)
            let (summary, problems) = try await imported
            let allocated = codes.compactMap(ReferenceCode.init)
            #expect(allocated.count == 24 && Set(allocated.map(\.observatorySerial)).count == 24)
            #expect(summary.stored + summary.rejected == 24 && problems.count == summary.rejected)
            struct Row: Decodable { let reference: String }
            let published = try await app.db.sql.raw("SELECT reference FROM publications WHERE reference IS NOT NULL")
                .all(decoding: Row.self).compactMap { ReferenceCode($0.reference) }
            let serials = allocated.map(\.observatorySerial) + published.map(\.observatorySerial)
            #expect(Set(serials).count == serials.count, "no serial held twice: \(serials.sorted())")
            let country = allocated.map(\.countrySerial) + published.map(\.countrySerial)
            #expect(Set(country).count == country.count, "no MEX serial held twice")
            #expect(Set(serials) == Set(1...(24 + summary.stored)), "no gap")
        }
    }
}
