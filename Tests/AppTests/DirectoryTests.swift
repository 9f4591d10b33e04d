import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The public directory, loaded with the 311 organisations of the shared generator.
@Suite struct DirectoryTests {
    static func generated() throws -> String { try sharedGeneratorFile(["--orgs", "311", "--seed", "1"]) }

    @Test(arguments: Engine.all)
    func filtersCountsSearchAndPagesOf311Organisations(_ engine: Engine) async throws {
        let file = try Self.generated()
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await withApp(engine) { app in
            let summary = try await ArchiveImporter(db: app.db).importFile(at: file)
            #expect(summary.stored == 311 && summary.rejected == 0)
            let all = try await DirectoryQueries.all(on: app.db)
            let home = try await app.get("/organisations")
            #expect(home.status == .ok && home.body.contains("311 organisations"))
            #expect(home.body.components(separatedBy: "<li><a href=\"/organisations/").count - 1 == 30, "30 a page")
            #expect(home.body.contains("rel=\"next\" href=\"/organisations?page=2\""))
            let last = try await app.get("/organisations?page=11")
            #expect(last.body.components(separatedBy: "<li><a href=\"/organisations/").count - 1 == 11)
            #expect(try await app.get("/organisations?page=12").status == .notFound)

            // A filter, its count, and the other facets counted under it.
            let lawyers = all.filter { $0.type == "lawyers-association" }
            let page = try await app.get("/organisations?type=lawyers-association")
            #expect(page.body.contains("\(lawyers.count) organisations"))
            let network = lawyers.filter { $0.networkSlugs.contains("observatory-partners") }.count
            #expect(
                page.body.contains(
                    """
                    href=\"/organisations?type=lawyers-association&amp;network=observatory-partners\">Observatory \
                    partners</a> <span class=\"count\">\(network)</span>
                    """
                )
                    || page.body.contains(
                        "href=\"/organisations?network=observatory-partners&amp;type=lawyers-association\">Observatory partners</a> <span class=\"count\">\(network)</span>"
                    ))
            let country = try #require(lawyers.first?.countryCode)
            let both = try await app.get(
                "/organisations?type=lawyers-association&country=\(country.lowercased())&language=fr")
            let expected = lawyers.filter { $0.countryCode == country && $0.languages.contains("fr") }.count
            let one = "count\">1 organisation · "
            #expect(both.body.contains(expected == 1 ? one : "\(expected) organisations") || expected == 0)

            // Search by name, accents and case ignored.
            let target = try #require(all.first { $0.name.count > 12 })
            let word = String(target.name.split(separator: " ").max { $0.count < $1.count }!)
            let found = try await app.get("/organisations?q=\(SiteRoute.escapeSegment(word.uppercased()))")
            #expect(
                found.body.contains(target.name.replacingOccurrences(of: "'", with: "&#39;"))
                    || found.body.contains(target.name))

            // An organisation's page, in French, with the publications that name it.
            try await store(
                [
                    publication(
                        "p-org", title: "Mexico: \(target.name) harassed",
                        body: "The organisation \(target.name) was raided.")
                ], in: app)
            let show = try await app.get("/fr/organisations/\(target.id)")
            #expect(
                show.status == .ok && show.body.contains("<html lang=\"fr\"")
                    && show.body.contains("Publications qui la mentionnent"))
            #expect(show.body.contains("/fr/publications/p-org"))
            #expect(try await app.get("/organisations/no-such-org").status == .notFound)
            // Editors correct the public details; only case officers read and write the contacts.
            let (_, editorSecret) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let editor = TestBrowser(app)
            try await editor.signIn("editor@example.org", secret: editorSecret)
            let form = try await editor.get("/office/organisations/\(target.id)")
            #expect(form.status == .ok && !form.body.contains("name=\"contacts\""))
            try await editor.post(
                "/office/organisations/\(target.id)",
                [
                    ("name", target.name), ("website", "https://example.org"),
                    ("description", "Founded by **lawyers**."), ("contacts", "ignored")
                ])
            let (_, officerSecret) = try await TestAccounts.create(
                "officer@example.org", [.caseOfficer], secondFactor: true, in: app)
            let officer = TestBrowser(app)
            try await officer.signIn("officer@example.org", secret: officerSecret)
            #expect(
                try await officer.get("/office/organisations/\(target.id)").body.contains(
                    "name=\"contacts\" rows=\"5\"></textarea>"), "the editor could not set them")
            try await officer.post(
                "/office/organisations/\(target.id)",
                [
                    ("name", target.name), ("website", "https://example.org"),
                    ("description", "Founded by **lawyers**."), ("contacts", "Signal: +52 000 111")
                ])
            #expect(try await officer.get("/office/organisations/\(target.id)").body.contains("Signal: +52 000 111"))
            let updated = try await app.get("/organisations/\(target.id)")
            #expect(
                updated.body.contains("Founded by <strong>lawyers</strong>.") && !updated.body.contains("+52 000 111"))
            // Affiliations, set by editors, shown on both organisations' pages; an unknown id is named.
            let other = try #require(all.first { $0.id != target.id })
            let unknown = try await editor.post(
                "/office/organisations/\(target.id)",
                [
                    ("name", target.name), ("website", "https://example.org"),
                    ("description", "Founded by **lawyers**."), ("affiliated", "\(other.id), org-none")
                ])
            #expect(unknown.status == .badRequest && unknown.body.contains("there is no organisation “org-none”"))
            try await editor.post(
                "/office/organisations/\(target.id)",
                [
                    ("name", target.name), ("website", "https://example.org"),
                    ("description", "Founded by **lawyers**."), ("affiliated", other.id)
                ])
            #expect(
                try await app.get("/organisations/\(target.id)").body.contains("href=\"/organisations/\(other.id)\""))
            #expect(
                try await app.get("/es/organisations/\(other.id)").body.contains(
                    "Organizaciones afiliadas</dt><dd id=\"affiliated\"><a href=\"/es/organisations/\(target.id)\""))
            let reimport = try await ArchiveImporter(db: app.db).importFile(at: file)
            #expect(reimport.updated == 311)
            #expect(
                try await app.get("/organisations/\(target.id)").body.contains("href=\"/organisations/\(other.id)\""),
                "a new import keeps affiliations")
            #expect(
                try await OrganisationOfficeController.contacts(
                    target.id, cipher: app.site.cipher,
                    on: app.db
                ).reveal() == "Signal: +52 000 111", "a new import keeps them")
            let bad = try await app.get("/organisations?country=zz")
            #expect(bad.status == .badRequest && bad.body.contains("country"))
        }
    }
}
