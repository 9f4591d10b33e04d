import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Readers take action on an urgent appeal: addresses, a ready letter in their language, a count and nothing else.
@Suite struct TakeActionTests {
    @Test(arguments: Engine.all)
    func readersGetTheAddressesALetterAndAreCounted(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store(
                [
                    publication(
                        "ua", .urgentIntervention, kind: .urgentAppeal, title: "Mexico: journalist threatened",
                        reference: "MEX 002 / 1126 / OBS 003"),
                    publication("st", .statement)
                ], in: app)
            try await AddressBook.add(country: "MX", label: "Fiscalía General", address: "fgr@example.mx", on: app.db)
            let article = try await app.get("/publications/ua")
            #expect(article.body.contains("href=\"/publications/ua/take-action\""))
            #expect(!(try await app.get("/publications/st").body.contains("take-action")))
            #expect(try await app.get("/publications/st/take-action").status == .notFound)

            let reader = TestBrowser(app)
            let page = try await reader.get("/fr/publications/ua/take-action")
            #expect(page.status == .ok && page.headers.first(name: .cacheControl) == "no-store")
            #expect(page.body.contains("<strong>Fiscalía General</strong>: fgr@example.mx"))
            #expect(
                page.body.contains("Excellence,")
                    && page.body.contains("« Mexico: journalist threatened » MEX 002 / 1126 / OBS 003"))
            #expect(
                page.body.contains(
                    """
                    1. Garantir en toutes circonstances l’intégrité physique et psychologique de toutes les \
                    personnes concernées ;
                    """
                ))
            #expect(!page.body.contains("Libérer"), "the public letter does not know the acts: it asks for no release")
            #expect(page.body.contains("0 personne a dit avoir agi."))
            let acted = try await reader.post("/fr/publications/ua/take-action", [])
            #expect(acted.body.contains("Merci.") && acted.body.contains("1 personne a dit avoir agi."))
            let again = try await reader.post("/fr/publications/ua/take-action", [])
            #expect(again.body.contains("1 personne a dit"), "one click a day per reader")
            struct Row: Decodable { let count: Int }
            #expect(
                try await app.db.sql.raw("SELECT count FROM action_counts").all(decoding: Row.self).map(\.count) == [1])
            #expect(try await reader.post("/publications/ua/take-action", [], csrf: "forged").status == .forbidden)
        }
    }
}
