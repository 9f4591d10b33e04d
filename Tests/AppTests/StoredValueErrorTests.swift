import Fluent
import Logging
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Review r16, finding 2: a stored value that no longer reads (an INTEGER cell holding text on SQLite, after a hand
/// edit, a downgrade or a merge) used to be answered 400 "bad request" with the cell quoted, on the page and in the
/// API, and never logged. It is a server error now: 500, the generic message, and a log line without the value.
@Suite struct StoredValueErrorTests {
    @Test func aValueThatNoLongerReadsIsAServerErrorToldWithoutTheValue() async throws {
        let canary = "canary-\(UInt32.random(in: 100_000...999_999))"
        print("StoredValueErrorTests: canary \(canary)")
        CapturedLogs.start()
        var logs = ""
        try await withApp(.sqlite, pageCache: false) { app in
            // setup
            _ = try await PublicationStore.upsert(
                [ArchiveOrganisation(id: "org-1", name: "Comité de Defensa Oaxaca")], on: app.db)
            #expect(try await app.get(SiteRoute.organisation(id: "org-1").path).status == .ok)
            try await app.db.sql.raw("UPDATE organisations SET founded = \(bind: canary) WHERE id = 'org-1'").run()
            // act
            let page = try await app.get(SiteRoute.organisation(id: "org-1").path)
            let listing = try await app.get(SiteRoute.organisations(DirectoryFilter()).path)
            let answer = try await api(app, "/api/v1/organisations/org-1")
            logs = CapturedLogs.stop()
            // assert
            for (name, status, body) in [
                ("page", page.status, page.body), ("list", listing.status, listing.body),
                ("api", answer.status, answer.body)
            ] {
                #expect(status == .internalServerError, "\(name): \(status)")
                #expect(!body.contains(canary), "\(name) shows the stored value")
            }
        }
        #expect(!logs.contains(canary), "the log tells the value")
        #expect(logs.contains("GET /organisations/:id failed"), "the failure is logged")
    }
}
