import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import App

/// Issue 22: a large import on PostgreSQL keeps the search index's pending list while it loads, and leaves the
/// index without one (the rule of migration 049) when it returns, fails, or was killed and the server starts again.
@Suite struct SearchBulkLoadTests {
    static func pendingList(_ app: Application) async throws -> Bool {
        struct Options: Decodable { let on: Bool }
        return try await app.db.sql.raw(
            """
            SELECT COALESCE('fastupdate=on' = ANY(reloptions), false) AS on FROM pg_class
            WHERE oid = to_regclass('publication_search_document')
            """
        ).first(decoding: Options.self)?.on ?? false
    }

    static func archive(count: Int, seed: Int) throws -> String {
        try sharedGeneratorFile(["--count", "\(count)", "--seed", "\(seed)"])
    }

    struct Failed: Error {}

    @Test func theLoadKeepsThePendingListAndLeavesNoneWhetherItEndsOrFails() async throws {
        guard Engine.all.contains(.postgres) else { return }
        try await withApp(.postgres) { app in
            #expect(try await Self.pendingList(app) == false, "migration 049")
            let during = try await SearchIndex.bulkLoad(on: app.db) { try await Self.pendingList(app) }
            #expect(during, "the list is on while the import loads")
            #expect(try await Self.pendingList(app) == false, "and off once it ends")
            await #expect(throws: Failed.self) {
                try await SearchIndex.bulkLoad(on: app.db) { () async throws -> Void in throw Failed() }
            }
            #expect(try await Self.pendingList(app) == false, "off after a failed import too")
            // A killed import left it on: the next start turns it off.
            try await app.db.sql.raw("ALTER INDEX publication_search_document SET (fastupdate = on)").run()
            try await prepareStorage(app, loadDemo: false)
            #expect(try await Self.pendingList(app) == false, "off after a start")
        }
    }

    /// Review r16, finding 3: while a load runs, the upkeep leaves its list alone; with none running, it turns the
    /// list off and merges what an import killed between the two steps left pending.
    @Test func theUpkeepWaitsForALoadAndMergesWhatAKilledOneLeftPending() async throws {
        guard Engine.all.contains(.postgres) else { return }
        try await withApp(.postgres) { app in
            // a load: the upkeep (another instance's, every minute) does not turn its list off
            let during = try await SearchIndex.bulkLoad(on: app.db) {
                try await SearchIndex.tidyUp(on: app.db)
                return try await Self.pendingList(app)
            }
            #expect(during, "the upkeep left the running load's list on")
            // killed after the option went off, before the merge: entries pending, option off
            try await app.db.sql.raw("ALTER INDEX publication_search_document SET (fastupdate = on)").run()
            try await store((1...40).map { publication("pending-\($0)", title: "Pending words \($0)") }, in: app)
            try await app.db.sql.raw("ALTER INDEX publication_search_document SET (fastupdate = off)").run()
            try await SearchIndex.tidyUp(on: app.db)
            struct Merged: Decodable { let n: Int }
            let left = try await app.db.sql.raw(
                "SELECT gin_clean_pending_list('publication_search_document')::int AS n"
            ).first(decoding: Merged.self)?.n
            #expect(left == 0, "nothing left pending after the upkeep")
            #expect(try await Self.pendingList(app) == false)
            let found = try await app.get("/search?q=pending")
            #expect(found.body.contains("/publications/pending-40\""))
        }
    }

    /// 400 generated publications (1.2 MB, over the threshold) imported in batches of 50: a sample of the published
    /// ones, each found by the words of its title, and the index keeps no pending list afterwards.
    @Test(arguments: Engine.all)
    func aLargeImportIsSearchableAtOnceAndLeavesNoPendingList(_ engine: Engine) async throws {
        let file = try Self.archive(count: 400, seed: 7)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let bytes = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        #expect(bytes >= SearchIndex.bulkLoadBytes, "the archive is large enough to be loaded in bulk")
        try await withApp(engine) { app in
            // act
            var importer = ArchiveImporter(db: app.db)
            importer.batchSize = 50
            let summary = try await importer.importFile(at: file)
            // assert
            #expect(summary.stored == 400 && summary.rejected == 0, "\(summary)")
            if engine == .postgres { #expect(try await Self.pendingList(app) == false) }
            try await Self.everyPublishedOneIsFoundByItsTitle(app)
        }
    }

    struct Row: Decodable { let id: String, title: String }

    static func everyPublishedOneIsFoundByItsTitle(_ app: Application) async throws {
        let published = try await app.db.sql.raw(
            "SELECT id, title FROM publications WHERE status = 'published' ORDER BY id"
        ).all(decoding: Row.self)
        #expect(published.count > 300)
        guard !published.isEmpty else { return }
        let seed = Int.random(in: 0..<published.count)
        print("SearchBulkLoadTests: seed \(seed)")
        for k in 0..<12 {
            let row = published[(seed + k * 37) % published.count]
            let words: [String] = row.title.split(whereSeparator: { !$0.isLetter }).map(String.init)
                .filter { $0.count > 3 }.prefix(4).map { $0 }
            guard !words.isEmpty else { continue }
            let text: String = words.joined(separator: " ")
            let query = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
            let page = try await app.get("/search?q=\(query)")
            let link = "/publications/\(row.id)\""
            #expect(page.status == .ok, "\(row.id): \(text)")
            #expect(page.body.components(separatedBy: link).count - 1 >= 1, "\(row.id) found by \(text)")
        }
    }
}
