import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

/// Issue 19, portraits and sponsorship, through the running app on both engines: a photograph served without its
/// metadata, four eyes, a text per language, consent withdrawn (gone from every public output at once, the
/// reason audited), case data limited to published interventions, and the sealed "sponsor a defender" form.
@Suite struct PortraitTests {
    /// Public markers: no word of theirs is a word of a case's canaries ("canary" would be, and the leak check
    /// rightly refuses a text holding a word of a confidential name).
    static let name = "Ana Portrait-Marker López"
    static let text = "Ana defends land rights. PORTRAIT-TEXT-MARKER-7731."
    static let consent = CivilDate(daysSinceEpoch: testToday.daysSinceEpoch - 30).description

    static func fields(_ extra: [(String, String)] = []) -> [(String, String)] {
        [
            ("id", "ana-lopez"), ("name", name), ("consent_on", consent), ("text_en", text), ("text_fr", ""),
            ("text_es", ""), ("text_ar", ""), ("publications", "")
        ] + extra
    }

    /// An editor who writes, a second editor who puts on the public site.
    static func editors(_ app: Application) async throws -> (TestBrowser, TestBrowser) {
        let (_, secret) = try await TestAccounts.create("editor@example.org", [.editor], in: app)
        let editor = TestBrowser(app)
        try await editor.signIn("editor@example.org", secret: secret)
        return (editor, try await EditorialTests.secondEditor(app))
    }

    /// A public portrait with the GPS-tagged photograph, a public sponsor and a public series.
    static func publicPortrait(_ app: Application, _ editor: TestBrowser, _ second: TestBrowser) async throws {
        let jpeg = try EvidenceTests.fixture("evidence-gps.jpg")
        try await editor.get("/office/portraits")
        let saved = try await editor.postMultipart("/office/portraits", fields(), files: [("photo", "ana.jpg", jpeg)])
        #expect(saved.status == .seeOther, "\(saved.body.prefix(300))")
        let alone = try await editor.postMultipart("/office/portraits", fields([("published", "yes")]), files: [])
        #expect(alone.status == .unprocessableEntity, "the author alone does not make a portrait public")
        try await second.get("/office/portraits?edit=ana-lopez")
        #expect(
            try await second.postMultipart("/office/portraits", fields([("published", "yes")]), files: [])
                .status == .seeOther)
        try await editor.get("/office/portraits?edit=ana-lopez")
        let sponsor = [
            ("sponsor_name", "Sponsor Figure"), ("sponsor_description", "writer"),
            ("statement", "I stand with Ana.")
        ]
        #expect(
            try await editor.post("/office/portraits/ana-lopez/sponsors", [("sponsor", "")] + sponsor)
                .status == .seeOther)
        struct ID: Decodable { let id: String }
        let sponsorID = try #require(
            try await app.db.sql.raw("SELECT id FROM portrait_sponsors")
                .first(decoding: ID.self)
        ).id
        try await second.get("/office/portraits?edit=ana-lopez")
        #expect(
            try await second.post(
                "/office/portraits/ana-lopez/sponsors",
                [("sponsor", sponsorID)] + sponsor + [("published", "yes")]
            ).status == .seeOther)
        let series = [
            ("series_id", "ten-portraits"), ("series_title", "Ten portraits against torture and impunity"),
            ("series_text", "Ten *defenders*."), ("series_portraits", "ana-lopez")
        ]
        try await editor.get("/office/portraits")
        #expect(try await editor.post("/office/portraits/series", series).status == .seeOther)
        try await second.get("/office/portraits?series=ten-portraits")
        #expect(try await second.post("/office/portraits/series", series + [("published", "yes")]).status == .seeOther)
    }

    static func download(_ app: Application, _ path: String) async throws -> (HTTPStatus, [UInt8], HTTPHeaders) {
        var result: (HTTPStatus, [UInt8], HTTPHeaders)? = nil
        try await app.testing().test(.GET, path) { res async in
            result = (res.status, Array(res.body.readableBytesView), res.headers)
        }
        return result!
    }

    @Test(arguments: Engine.all)
    func aPhotographWithGPSIsServedWithoutItAndAWithdrawnConsentTakesThePortraitDownEverywhere(
        _ engine: Engine
    ) async throws {
        try await withApp(engine) { app in
            // setup
            let stripper = EvidenceTests.RecordingStripper()
            app.metadataStripper = stripper
            let (editor, second) = try await Self.editors(app)
            let jpeg = try EvidenceTests.fixture("evidence-gps.jpg")
            #expect(try EvidenceTests.exiftool(jpeg, type: "image/jpeg").contains("GPSLatitude"), "the fixture")
            try await Self.publicPortrait(app, editor, second)
            #expect(stripper.calls.withLockedValue { $0 } == ["image/jpeg"])
            // The photograph is served from our host without any identifying metadata; the original is not kept.
            let (status, photo, headers) = try await Self.download(app, "/portraits/ana-lopez/photo")
            #expect(status == .ok && Upload.detectType(photo) == "image/jpeg" && photo != jpeg)
            #expect(headers.first(name: .cacheControl) == "no-cache")
            let read = try EvidenceTests.exiftool(photo, type: "image/jpeg")
            for word in EvidenceTests.identifying { #expect(!read.contains(word), "no \(word) in \(read)") }
            struct Blob: Decodable { let photo: Data }
            let stored = try #require(
                try await app.db.sql.raw("SELECT photo FROM portraits")
                    .first(decoding: Blob.self))
            #expect(stored.photo.range(of: Data("CANARY-SN-4471".utf8)) == nil, "the original is never stored")
            // The public pages, in every language; a language without its text says so.
            let page = try await app.get("/portraits/ana-lopez")
            #expect(page.status == .ok && page.body.contains(Self.name) && page.body.contains("PORTRAIT-TEXT-MARKER"))
            #expect(page.body.contains("Sponsor Figure") && page.body.contains("I stand with Ana."))
            #expect(page.body.contains("src=\"/portraits/ana-lopez/photo\""))
            let french = try await app.get("/fr/portraits/ana-lopez")
            #expect(
                french.body.contains("id=\"portrait-no-text\"") && !french.body.contains("PORTRAIT-TEXT-MARKER"),
                "a French page never shows the English text in its place")
            let seriesPage = try await app.get("/es/portraits/series/ten-portraits")
            #expect(
                seriesPage.status == .ok && seriesPage.body.contains(Self.name)
                    && seriesPage.body.contains("Sponsor Figure"))
            #expect(try await app.get("/sponsorship").body.contains(Self.name))
            #expect(try await app.get("/ar/portraits").body.contains(Self.name))
            let sitemap = try await app.get("/sitemap.xml").body
            #expect(sitemap.contains("/portraits/ana-lopez<") && sitemap.contains("/portraits/series/ten-portraits"))

            // act: consent withdrawn (a reason is required)
            try await second.get("/office/portraits?edit=ana-lopez")
            let noReason = try await second.post("/office/portraits/ana-lopez/withdraw", [("reason", " ")])
            #expect(noReason.status == .unprocessableEntity)
            #expect(try await app.get("/portraits/ana-lopez").status == .ok, "nothing changes without a reason")
            try await second.get("/office/portraits?edit=ana-lopez")
            let withdrawn = try await second.post(
                "/office/portraits/ana-lopez/withdraw",
                [("reason", "Threatened after the campaign")])
            #expect(withdrawn.status == .seeOther)

            // assert: gone at once from every public output, cached or not, in every language
            #expect(try await app.get("/portraits/ana-lopez").status == .notFound)
            #expect(try await Self.download(app, "/portraits/ana-lopez/photo").0 == .notFound)
            var outputs = [
                "/sitemap.xml", "/publications/feed.rss", "/publications/feed.atom", "/sponsorship",
                "/search?q=Ana", "/search/feed.rss?q=Ana", "/campaigns"
            ]
            for language in Language.allCases {
                outputs += ["/portraits", "/portraits/ana-lopez", "/portraits/series/ten-portraits"]
                    .map { language.pathPrefix + $0 }
            }
            for path in outputs {
                let body = try await app.get(path).body
                #expect(
                    !body.contains("Portrait-Marker") && !body.contains("PORTRAIT-TEXT-MARKER")
                        && !body.contains("Sponsor Figure"), "\(path) still shows the portrait")
            }
            struct Row: Decodable { let detail: String, actor: String }
            let audit = try await app.db.sql.raw(
                """
                SELECT detail, actor FROM audit_log WHERE action = 'portrait.consent.withdraw'
                """
            ).all(decoding: Row.self)
            #expect(
                audit.count == 1 && audit.first?.detail == "reason: Threatened after the campaign"
                    && audit.first?.actor == "second-editor@example.org")
            struct Photo: Decodable { let photo: Data? }
            #expect(
                try await app.db.sql.raw("SELECT photo FROM portraits").first(decoding: Photo.self)?.photo == nil,
                "the photograph is deleted")
            // Nobody puts it back: a withdrawn portrait is not saved again.
            try await editor.get("/office/portraits?edit=ana-lopez")
            let again = try await editor.postMultipart("/office/portraits", Self.fields(), files: [])
            #expect(again.status == .unprocessableEntity && again.body.contains("withdrew consent"))
            #expect(try await app.get("/portraits/ana-lopez").status == .notFound)
        }
    }

    @Test(arguments: Engine.all)
    func aPortraitShowsOnlyPublishedInterventionsOfItsCasesAndNoSealedValue(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup: a case full of canaries, one published appeal and one draft
            let caseID = try await CampaignLinkTests.canaryCase(app)
            let (_, secret) = try await TestAccounts.create(
                "officer@example.org", [.caseOfficer], secondFactor: true, in: app)
            let officer = TestBrowser(app)
            try await officer.signIn("officer@example.org", secret: secret)
            let (editor, second) = try await Self.editors(app)
            // Without a consent, or with a consent dated tomorrow, a portrait does not go public.
            try await officer.get("/office/portraits")
            let noConsent = Self.fields().map { $0.0 == "consent_on" ? ($0.0, "") : $0 }
            #expect(try await officer.postMultipart("/office/portraits", noConsent, files: []).status == .seeOther)
            try await second.get("/office/portraits?edit=ana-lopez")
            let refused = try await second.postMultipart(
                "/office/portraits", noConsent + [("published", "yes")],
                files: [])
            #expect(refused.status == .unprocessableEntity && refused.body.contains("consent"))
            let tomorrow = CivilDate(daysSinceEpoch: testToday.daysSinceEpoch + 1).description
            let future = Self.fields().map { $0.0 == "consent_on" ? ($0.0, tomorrow) : $0 }
            #expect(
                try await officer.postMultipart("/office/portraits", future, files: [])
                    .status == .unprocessableEntity)
            // act: the case officer links the case; a text holding the case's sealed name cannot go public.
            try await officer.get("/office/portraits?edit=ana-lopez")
            let leaking = Self.fields([("cases", caseID)]).map {
                $0.0 == "text_en" ? ($0.0, "Ana and Ales canary-NAME-31.") : $0
            }
            #expect(try await officer.postMultipart("/office/portraits", leaking, files: []).status == .seeOther)
            try await second.get("/office/portraits?edit=ana-lopez")
            let leak = try await second.postMultipart("/office/portraits", leaking + [("published", "yes")], files: [])
            #expect(leak.status == .unprocessableEntity && leak.body.contains("confidential"))
            try await officer.get("/office/portraits?edit=ana-lopez")
            #expect(
                try await officer.postMultipart("/office/portraits", Self.fields([("cases", caseID)]), files: [])
                    .status == .seeOther)
            // An editor's save keeps the cases she cannot see.
            try await editor.get("/office/portraits?edit=ana-lopez")
            #expect(
                !(try await editor.get("/office/portraits?edit=ana-lopez").body.contains("canary-LBL-31")),
                "an editor does not see case labels")
            try await second.get("/office/portraits?edit=ana-lopez")
            let published = try await second.postMultipart(
                "/office/portraits", Self.fields([("published", "yes")]), files: [])
            #expect(
                published.status == .seeOther,
                "\(published.body.split(separator: "\n").filter { $0.contains("role=\"alert\"") })")
            // assert
            for path in ["/portraits/ana-lopez", "/fr/portraits/ana-lopez", "/sponsorship", "/portraits"] {
                let body = try await app.get(path).body
                for canary in ["canary-NAME-31", "canary-CONTACT-31", "canary-LBL-31", "Secret draft"] {
                    #expect(!body.contains(canary), "\(path) shows \(canary)")
                }
            }
            #expect(try await app.get("/portraits/ana-lopez").body.contains("Appeal 1"), "the published appeal")
        }
    }

    @Test(arguments: Engine.all)
    func anOfferToSponsorIsSealedReadOnlyInTheOfficeAndLimitedPerAddress(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let visitor = TestBrowser(app)
            let form = try await visitor.get("/fr/sponsorship")
            #expect(form.status == .ok && form.headers.first(name: .cacheControl) == "no-store")
            // act
            let noToken = try await visitor.post("/fr/sponsorship", [("name", "x"), ("contact", "y")], csrf: "forged")
            #expect(noToken.status == .forbidden && !noToken.body.contains("merci"))
            let empty = try await visitor.post("/fr/sponsorship", [("name", ""), ("contact", "")])
            #expect(empty.status == .unprocessableEntity && empty.body.contains("Indiquez votre nom"))
            let sent = try await visitor.post(
                "/fr/sponsorship",
                [
                    ("name", "Offer canary-SPONSOR-NAME"),
                    ("contact", "canary-SPONSOR-CONTACT@example.org"), ("message", "canary-SPONSOR-MESSAGE")
                ])
            #expect(sent.status == .ok && sent.body.contains("id=\"sponsorship-thanks\""))
            // assert: sealed at rest, never public, readable (and audited) in the office
            struct Row: Decodable { let nameSealed: String, contactSealed: String, messageSealed: String }
            let row = try #require(
                try await app.db.sql.raw("SELECT * FROM sponsor_offers")
                    .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase))
            #expect(![row.nameSealed, row.contactSealed, row.messageSealed].contains { $0.contains("canary") })
            for path in ["/sponsorship", "/fr/sponsorship", "/portraits", "/sitemap.xml"] {
                #expect(!(try await app.get(path).body.contains("canary-SPONSOR")), "\(path)")
            }
            let (_, secret) = try await TestAccounts.create(
                "officer@example.org", [.caseOfficer], secondFactor: true, in: app)
            let officer = TestBrowser(app)
            try await officer.signIn("officer@example.org", secret: secret)
            let office = try await officer.get("/office/portraits/sponsor-offers")
            #expect(
                office.body.contains("canary-SPONSOR-CONTACT@example.org")
                    && office.body.contains("canary-SPONSOR-MESSAGE"))
            struct Count: Decodable { let n: Int }
            #expect(
                try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'sponsor-offers.view'")
                    .first(decoding: Count.self)?.n == 1)
            // A flood from one address is refused past the limit, concurrently.
            let results = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for n in 0..<12 {
                    group.addTask {
                        let b = TestBrowser(app)
                        try await b.get("/sponsorship")
                        return try await b.post("/sponsorship", [("name", "Flood \(n)"), ("contact", "x")]).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // The empty form and the offer above counted: exactly the rest of the hour's allowance gets through.
            #expect(
                results.filter { $0 == .ok }.count == SponsorshipController.perHour - 2
                    && results.filter { $0 == .tooManyRequests }.count == 12 - (SponsorshipController.perHour - 2),
                "\(results)")
        }
    }
}
