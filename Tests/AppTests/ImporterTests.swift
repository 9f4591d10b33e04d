import Fluent
import Foundation
import ObservatoryCore
import Testing
import Vapor

@testable import App

@Suite struct ImporterTests {
    static let hostileFile = [
        #"{"id": "ok-1", "type": "urgent-intervention", "kind": "urgent-appeal", "language": "en", "published": "2016-09-12", "title": "Mexico: <script>alert('x')</script> defender arrested", "body": "<img src=x onerror=alert(1)>\n\n## Actions requested\n\n1. release", "countries": ["Russian Federation", "Lao People's Democ. Rep."], "programmes": ["human-rights-defenders"], "reference": "MEX 001 / 0916 / OBS 077"}"#,
        #"{"id": "ok-2", "type": "statement", "language": "ar", "published": "2017-01-02", "title": "\u202Egnp.exe — نص عربي 🙂", "countries": ["European Union (EU)"]}"#,
        #"{"id": "bad-json", "type": "#,
        #"{"id": "bad-date", "type": "statement", "language": "en", "published": "2019-02-30", "title": "t"}"#,
        #"{"id": "bad-country", "type": "statement", "language": "en", "published": "2019-02-01", "title": "t", "countries": ["Atlantis"]}"#,
        "{\"id\": \"nul\u{0}byte\", \"type\": \"statement\"}",
        #"{"id": "bad-type", "type": "poem", "language": "en", "published": "2019-02-01", "title": "t"}"#,
        #"{"id": "bad-lang", "type": "statement", "language": "klingon", "published": "2019-02-01", "title": "t"}"#,
        #"{"type": "statement", "language": "en", "published": "2019-02-01", "title": "no id"}"#,
        #"{"id": "wrong-type", "type": "statement", "language": "en", "published": 20190201, "title": "t"}"#,
        #"{"id": "huge", "type": "statement", "language": "en", "published": "2019-02-01", "title": "\#(String(repeating: "A", count: 5_000))"}"#,
        "",
        #"{"id": "ok-1", "type": "urgent-intervention", "kind": "urgent-appeal", "language": "en", "published": "2016-09-12", "title": "Mexico: duplicate id, second version wins", "countries": ["MX"], "reference": "MEX 001 / 0916 / OBS 077"}"#,
        #"{"id": "org-1", "name": "Centre for Legal Aid (Iran)", "type": "ngo", "country": "IR", "working_languages": ["en"], "networks": ["sos-torture"], "founded": 1959, "website": "https://org.example"}"#
    ].joined(separator: "\n")

    @Test(arguments: Engine.all)
    func storesGoodLinesAndReportsEveryBadLine(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let path = try temporaryFile(Self.hostileFile)
            let problems = ProblemLog()
            var importer = ArchiveImporter(db: app.db)
            importer.report = { problems.append($0.description) }
            // act
            let summary = try await importer.importFile(at: path)
            // assert
            #expect(summary == .init(read: 13, stored: 3, updated: 1, rejected: 9))
            let lines = problems.all
            #expect(lines.contains("line 3: line: invalid JSON"))
            #expect(lines.contains("line 4: published: \"2019-02-30\" is not a real date in the form YYYY-MM-DD"))
            #expect(lines.contains("line 5: countries: unknown country \"Atlantis\""))
            #expect(lines.contains("line 6: line: contains a NUL byte"))
            #expect(lines.contains { $0.hasPrefix("line 7: type: unknown value \"poem\"") })
            #expect(lines.contains { $0.hasPrefix("line 8: language: unknown value \"klingon\"") })
            #expect(lines.contains("line 9: id: missing"))
            #expect(lines.contains("line 10: published: expected a string, found a number"))
            #expect(lines.contains("line 11: title: too long (5000 characters, at most 1000)"))
            let stored = try #require(try await PublicationQueries.find(id: "ok-1", on: app.db))
            #expect(stored.summary.title == "Mexico: duplicate id, second version wins")
            #expect(stored.summary.countryCodes == "MX")
            let arabic = try #require(try await PublicationQueries.find(id: "ok-2", on: app.db))
            #expect(arabic.summary.title == "\u{202E}gnp.exe — نص عربي 🙂")
            #expect(arabic.summary.countryCodes == "EU")
            #expect(try await PublicationQueries.count(PublicationFilter(), on: app.db) == 2)
        }
    }

    @Test(arguments: Engine.all)
    func importingAgainUpdatesAndNeverDuplicates(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let first = try temporaryFile(
                (1...1_200).map { i in
                    #"{"id": "p\#(i)", "type": "statement", "language": "fr", "published": "2020-01-01", "title": "France: v1 \#(i)", "countries": ["FR", "EU"], "programmes": ["urgent-campaigns"]}"#
                }.joined(separator: "\n") + "\n")
            let second = try temporaryFile(
                (1_101...1_300).map { i in
                    #"{"id": "p\#(i)", "type": "statement", "language": "fr", "published": "2020-01-01", "title": "France: v2 \#(i)", "countries": ["FR"]}"#
                }.joined(separator: "\n"))
            // act
            let a = try await ArchiveImporter(db: app.db).importFile(at: first)
            let b = try await ArchiveImporter(db: app.db).importFile(at: second)
            // assert
            #expect(a == .init(read: 1_200, stored: 1_200, updated: 0, rejected: 0))
            #expect(b == .init(read: 200, stored: 100, updated: 100, rejected: 0))
            #expect(try await PublicationQueries.count(PublicationFilter(), on: app.db) == 1_300)
            let eu = PublicationFilter(country: CountryDirectory.shared.country(code: "EU"))
            #expect(try await PublicationQueries.count(eu, on: app.db) == 1_100)
            #expect(try await PublicationQueries.find(id: "p1150", on: app.db)?.summary.title == "France: v2 1150")
        }
    }

    @Test func reportsAFileThatCannotBeOpened() async throws {
        try await withApp(.sqlite) { app in
            await #expect(throws: ImportError.self) {
                try await ArchiveImporter(db: app.db).importFile(at: "/nonexistent/archive.jsonl")
            }
        }
    }

    @Test func skipsALineOfAbsurdSizeWithoutHoldingItInMemory() async throws {
        try await withApp(.sqlite) { app in
            let giant =
                #"{"id": "g", "type": "statement", "language": "en", "published": "2019-02-01", "title": "\#(String(repeating: "B", count: 6 << 20))"}"#
            let ok =
                #"{"id": "after", "type": "statement", "language": "en", "published": "2019-02-01", "title": "After the giant"}"#
            let path = try temporaryFile(giant + "\n" + ok + "\n")
            let problems = ProblemLog()
            var importer = ArchiveImporter(db: app.db)
            importer.report = { problems.append($0.description) }
            let summary = try await importer.importFile(at: path)
            #expect(summary == .init(read: 2, stored: 1, updated: 0, rejected: 1))
            #expect(problems.all.first?.hasPrefix("line 1: line: too long") == true)
        }
    }
}

/// Collects reported problems from the importer's callback.
final class ProblemLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
