import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import PropertyBased
import SQLKit
import Testing
import Vapor

@testable import App

/// The real WordPress export (tests/wordpress/make-fixture.sh: WordPress 6.1's own `export_wp()`, Polylang-shaped).
let wordpressFixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/wordpress-polylang.wxr").path
let fixtureID = "wp-defenders.example.org-"

func wxrImport(
    _ app: Application, mapping: WXRMapping = WXRMapping(), file: String = wordpressFixture,
    problems: ProblemLog? = nil
) async throws -> WXRImporter.Summary {
    var importer = WXRImporter(db: app.db)
    importer.mapping = mapping
    importer.batchSize = 3  // several batches even for the small fixture
    importer.report = { problems?.append($0) }
    return try await importer.importFile(at: file)
}

struct AuditCount: Decodable { let n: Int }
func auditCount(_ action: String, on db: any Database) async throws -> Int {
    try await db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = \(bind: action)")
        .first(decoding: AuditCount.self)?.n ?? 0
}

@Suite struct WordPressImportTests {
    @Test(arguments: Engine.all)
    func everyPublishedPostIsStoredWithItsTypeCountriesDateAndTranslation(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let summary = try await wxrImport(app)
            #expect(summary.read == 15 && summary.stored == 7 && summary.updated == 0 && summary.rejected == 0)
            #expect(
                summary.skipped == [
                    "attachment": 1, "draft": 1, "nav_menu_item": 1, "page": 3, "private": 1,
                    "trash": 1
                ])
            #expect(summary.translations == 1)
            // What a reader sees: the English appeal, with its country, date, type and its French translation.
            let page = try await app.get("/publications/\(fixtureID)4")
            #expect(page.status == .ok)
            #expect(page.body.contains("Mexico: Arbitrary arrest of Ms. Ana Torres"))
            #expect(page.body.contains("2016"))
            #expect(
                page.body.contains("href=\"/publications/\(fixtureID)5\" hreflang=\"fr\""),
                "the Polylang translation is linked")
            #expect(page.body.contains("<h2>Actions requested</h2>"))
            #expect(page.body.contains("href=\"https://www.ohchr.org/en/special-procedures\""))
            for bad in ["<script>alert", "onclick", "javascript:", "<iframe", "wp:paragraph", "[caption", "[gallery"] {
                #expect(!page.body.contains(bad), "\(bad)")
            }
            let list = try await app.get("/publications?type=urgent-intervention&country=mx")
            #expect(list.body.contains(fixtureID + "4") && list.body.contains(fixtureID + "5"))
            let events = try await app.get("/fr/publications?type=event&country=ch")
            #expect(events.body.contains("Conférence à Genève"))
            let stored = try #require(try await PublicationQueries.find(id: fixtureID + "8", on: app.db))
            #expect(stored.summary.countryCodes == "CO,CD" && stored.summary.publishedOn == "2020-07-01")
            // Drafts, private posts and pages never reach the site.
            for path in [
                "/publications", "/search?q=Belarus", "/search?q=internal", "/publications/feed.rss",
                "/search?q=network"
            ] {
                let body = try await app.get(path).body
                #expect(
                    !body.contains("Belarus appeal") && !body.contains("Private post")
                        && !body.contains("The network."), "\(path)")
            }
            #expect(try await auditCount("archive.import.wxr", on: app.db) == 1)
            // Re-import: the same posts updated, none duplicated, one more audit entry.
            let again = try await wxrImport(app)
            #expect(again.stored == 0 && again.updated == 7)
            struct N: Decodable { let n: Int }
            let total = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM publications").first(decoding: N.self)?.n
            #expect(total == 7)
            #expect(try await auditCount("archive.import.wxr", on: app.db) == 2)
            let link = try #require(try await PublicationQueries.find(id: fixtureID + "5", on: app.db))
            #expect(link.translationOf == fixtureID + "4")
        }
    }

    @Test(arguments: Engine.all)
    func theMappingFileDecidesAndABadItemIsNamedWhileTheRestIsStored(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // The file --write-mapping writes, edited: Turquie → TR, statements → reports.
            let (terms, site) = try WXRImporter.terms(inFile: wordpressFixture)
            var file = WXRMapping.file(terms: terms, site: site)
            #expect(file.contains("post_tag:mexique = country:MX"))
            #expect(file.contains("category:urgent-appeals = type:urgent-intervention kind:urgent-appeal"))
            file = file.replacingOccurrences(of: "post_tag:turquie = ignore", with: "post_tag:turquie = country:TR")
                .replacingOccurrences(
                    of: "category:statements = type:statement",
                    with: "category:statements = type:report")
            let mapping = try WXRMapping.parse(file)
            // A broken copy of the fixture: one item's XML cut, one post without a title.
            var text = try String(contentsOfFile: wordpressFixture, encoding: .utf8)
            text = text.replacingOccurrences(
                of: "<title><![CDATA[Conférence à Genève]]></title>",
                with: "<title><![CDATA[Conférence à Genève]]></title><broken>")
            text = text.replacingOccurrences(of: "<![CDATA[Hello world!]]>", with: "<![CDATA[]]>")
            let path = try temporaryFile(text)
            let problems = ProblemLog()
            let summary = try await wxrImport(app, mapping: mapping, file: path, problems: problems)
            #expect(summary.stored == 5 && summary.rejected == 2)
            let lines = problems.all
            #expect(lines.contains { $0.contains("item: invalid XML") }, "\(lines)")
            #expect(lines.contains { $0.contains("item (no title): title: empty") }, "\(lines)")
            let turkey = try #require(try await PublicationQueries.find(id: fixtureID + "7", on: app.db))
            #expect(turkey.summary.countryCodes == "TR" && turkey.summary.type == "report")
            let archive = try await app.get("/category/statements/")
            #expect(archive.status == .movedPermanently)
            #expect(archive.headers.first(name: .location) == "/publications?type=report")
        }
    }
}

@Suite struct OldAddressTests {
    static let moved: [(String, String)] = [
        ("/2016/09/30/mexico-arbitrary-arrest-of-ms-ana-torres/", "/publications/\(fixtureID)4"),
        ("/2016/09/30/mexico-arbitrary-arrest-of-ms-ana-torres", "/publications/\(fixtureID)4"),
        ("/2016/09/30/Mexico-Arbitrary-Arrest-of-Ms-Ana-Torres//", "/publications/\(fixtureID)4"),
        (
            "/2016/09/30/mexico%2Darbitrary-arrest-of-ms-ana-torres/?utm_source=newsletter",
            "/publications/\(fixtureID)4"
        ),
        ("/?p=4", "/publications/\(fixtureID)4"),
        ("/index.php?p=4", "/publications/\(fixtureID)4"),
        ("/?p=5", "/fr/publications/\(fixtureID)5"),
        ("/2016/09/30/mexique-arrestation-arbitraire-de-mme-ana-torres/", "/fr/publications/\(fixtureID)5"),
        ("/category/urgent-appeals/", "/publications?type=urgent-intervention"),
        ("/category/human-rights-defenders", "/publications?programme=human-rights-defenders"),
        ("/tag/mexico/", "/publications?country=mx"),
        ("/?tag=mexico", "/publications?country=mx"),
        ("/tag/democratic-republic-of-the-congo/feed/", "/publications/feed.rss?country=cd"),
        ("/feed/", "/publications/feed.rss"),
        ("/feed/atom/", "/publications/feed.atom"),
        ("/?feed=rss2", "/publications/feed.rss")
    ]

    @Test(arguments: Engine.all)
    func everyOldAddressAnswersAPermanentRedirectToItsNewPage(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            _ = try await wxrImport(app)
            for (old, new) in Self.moved {
                let answer = try await app.get(old)
                #expect(answer.status == .movedPermanently, "\(old)")
                #expect(answer.headers.first(name: .location) == new, "\(old)")
                #expect(try await app.get(new).status == .ok, "\(new)")
            }
            // Unknown old paths stay 404; the home page with an unknown post id stays the home page.
            for unknown in [
                "/2016/09/30/no-such-post/", "/category/nothing/", "/tag/", "/2016/09/30/",
                "/?p=abc/feed"
            ] {
                #expect(try await app.get(unknown).status != .movedPermanently, "\(unknown)")
            }
            #expect(try await app.get("/2016/09/30/no-such-post/").status == .notFound)
            #expect(try await app.get("/?p=999").status == .ok)
            // Dozens at once, from every path above: every one answered alike.
            try await withThrowingTaskGroup(of: (String, HTTPStatus, String?).self) { group in
                for round in 0..<4 {
                    for (old, new) in Self.moved {
                        group.addTask {
                            let answer = try await app.get(old)
                            return (
                                new, answer.status,
                                answer.headers.first(name: .location).map { $0 + (round < 0 ? "" : "") }
                            )
                        }
                    }
                }
                for try await (new, status, location) in group {
                    #expect(status == .movedPermanently && location == new)
                }
            }
        }
    }

    @Test(arguments: Engine.all)
    func aPercentEncodedSlugAndHostileOldLinksStayOnThisSite(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let wxr = """
                <?xml version="1.0" encoding="UTF-8" ?>
                <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
                     xmlns:wp="http://wordpress.org/export/1.2/"
                     xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
                <channel><link>https://old.example</link><language>fr-FR</language><wp:wxr_version>1.2</wp:wxr_version>
                <wp:base_site_url>https://old.example</wp:base_site_url>
                <item><title>Défenseurs arrêtés</title>
                <link>https://old.example/2020/01/02/d%c3%a9fenseurs-arr%c3%aat%c3%a9s/</link>
                <content:encoded><![CDATA[<p>x</p>]]></content:encoded><wp:post_id>77</wp:post_id>
                <wp:post_date_gmt>2020-01-02 10:00:00</wp:post_date_gmt><wp:status>publish</wp:status>
                <wp:post_type>post</wp:post_type>
                <category domain="post_tag" \
                nicename="%d8%a7%d9%84%d8%ac%d8%b2%d8%a7%d8%a6%d8%b1">الجزائر</category></item>
                <item><title>Hostile link</title><link>https://old.example//evil.example/%0d%0aSet-Cookie:x</link>
                <content:encoded><![CDATA[<p>y</p>]]></content:encoded><wp:post_id>78</wp:post_id>
                <wp:post_date_gmt>2020-01-03 10:00:00</wp:post_date_gmt><wp:status>publish</wp:status>
                <wp:post_type>post</wp:post_type></item>
                </channel></rss>
                """
            let summary = try await wxrImport(app, file: try temporaryFile(wxr))
            #expect(summary.stored == 2)
            for old in [
                "/2020/01/02/d%C3%A9fenseurs-arr%C3%AAt%C3%A9s/",
                "/2020/01/02/d%c3%a9fenseurs-arr%c3%aat%c3%a9s",
                "/2020/01/02/D%C3%A9FENSEURS-ARR%C3%8AT%C3%89S"
            ] {
                let answer = try await app.get(old)
                #expect(answer.status == .movedPermanently, "\(old)")
                #expect(answer.headers.first(name: .location) == "/fr/publications/wp-old.example-77", "\(old)")
            }
            let arabic = try await app.get("/tag/%D8%A7%D9%84%D8%AC%D8%B2%D8%A7%D8%A6%D8%B1/")
            #expect(
                arabic.status == .movedPermanently
                    && arabic.headers.first(name: .location) == "/publications?country=dz")
            // Whatever old path is asked for, a redirect never leaves this site.
            await propertyCheck(count: 200, input: hostileTarget) { target in
                let path = "/" + encodedAll(target)
                guard let answer = try? await app.get(path) else { return }
                if let location = answer.headers.first(name: .location) {
                    #expect(
                        RedirectTarget.sameSite(location) == location && location.hasPrefix("/")
                            && !location.hasPrefix("//"),
                        "\(path) → \(location)")
                }
            }
        }
    }
}

@Suite struct CSVImportTests {
    @Test(arguments: Engine.all)
    func aSpreadsheetsRowsAreStoredAndEachBadOneNamedByRowAndColumn(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let csv =
                "\u{FEFF}id;type;language;published;title;body;countries;programmes\r\n"
                + "csv-1;statement;en;2024-03-01;\"Mexico: a statement; with a semicolon\";"
                + "\"First paragraph.\r\n\r\nSecond, with \"\"quotes\"\".\";Mexique|GT;human-rights-defenders\r\n"
                + "csv-2;poem;en;2024-03-02;Bad type;;;\r\n"
                + "csv-3;statement;xx;2024-02-30;Two bad fields;;Atlantis;\r\n"
                + "\r\n"
                + "csv-4;report;fr;2024-03-04;Rapport;;FR;\r\n"
                + "csv-5;report;fr;2024-03-05;Too many;;FR;;extra\r\n"
            let problems = ProblemLog()
            var importer = CSVImporter(db: app.db)
            importer.report = { problems.append($0) }
            let summary = try await importer.importFile(at: try temporaryFile(csv))
            #expect(summary == .init(read: 5, stored: 2, updated: 0, rejected: 3))
            let lines = problems.all
            #expect(lines.contains { $0.hasPrefix("row 3, column 2 (type): unknown value \"poem\"") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("row 4, column 3 (language): unknown value \"xx\"") }, "\(lines)")
            #expect(
                lines.contains(
                    "row 4, column 4 (published): \"2024-02-30\" is not a real date in the form YYYY-MM-DD"))
            #expect(lines.contains("row 4, column 7 (countries): unknown country \"Atlantis\""))
            // Rows as a spreadsheet numbers them: the header is row 1, the blank line row 5.
            #expect(lines.contains("row 7, column 9: 9 fields, the header has 8"), "\(lines)")
            let page = try await app.get("/publications/csv-1")
            #expect(page.body.contains("Mexico: a statement; with a semicolon"))
            #expect(page.body.contains("<p>Second, with &quot;quotes&quot;.</p>"))
            let stored = try #require(try await PublicationQueries.find(id: "csv-1", on: app.db))
            #expect(stored.summary.countryCodes == "MX,GT")
            #expect(try await auditCount("archive.import.csv", on: app.db) == 1)

            let orgs =
                "id,name,type,country,working_languages,networks,founded,website\n"
                + "org-a,\"Comité, Oaxaca\",ngo,MX,es|en,sos-torture,1990,https://a.example\n"
                + "org-b,No site,ngo,MX,,,19x0,ftp://b.example\n"
            let orgSummary = try await importer.importFile(at: try temporaryFile(orgs))
            #expect(orgSummary == .init(read: 2, stored: 1, updated: 0, rejected: 1))
            #expect(problems.all.contains { $0.hasPrefix("row 3, column 7 (founded):") })
            #expect(problems.all.contains("row 3, column 8 (website): must start with http:// or https://"))
            #expect(try await app.get("/organisations").body.contains("Comité, Oaxaca"))
            // A file with an unknown column is refused whole: nothing stored.
            await #expect(throws: CSVImporter.Refused.self) {
                try await importer.importFile(at: try temporaryFile("id;title;colour\nx;y;z\n"))
            }
        }
    }
}

@Suite struct ExportTests {
    struct Row: Decodable, Equatable {
        let id: String, type: String, kind: String?, language: String, publishedOn: String, year: Int, title: String
        let countryCodes: String, programmeSlugs: String, reference: String?, followUpOf: String?,
            translationOf: String?
        let eventDate: String?, summary: String, body: String, status: String
    }
    static func rows(_ db: any Database) async throws -> [Row] {
        try await db.sql.raw(
            """
            SELECT id, type, kind, language, published_on, year, title, country_codes, programme_slugs, reference,
                   follow_up_of, translation_of, event_date, summary, body, status FROM publications ORDER BY id
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
    static func export(
        _ app: Application, _ what: ArchiveExporter.What,
        _ format: ArchiveExporter.Format
    ) async throws -> String {
        let out = NIOLockedValueBox("")
        var exporter = ArchiveExporter(db: app.db)
        exporter.pageSize = 97  // pages end mid-archive
        _ = try await exporter.export(what, as: format) { text in out.withLockedValue { $0 += text } }
        return out.withLockedValue { $0 }
    }

    @Test(arguments: Engine.all)
    func anExportImportedIntoAnEmptyDatabaseGivesIdenticalPublications(_ engine: Engine) async throws {
        let demo = DemoArchive(endingOn: CivilDate("2026-11-30")!, count: 600, organisations: 40, seed: 7)
        var jsonl = "", csv = "", orgsCSV = ""
        var original: [Row] = []
        try await withApp(engine) { app in
            _ = try await ArchiveImporter(db: app.db).importRecords(demo.publications, demo.organisations)
            original = try await Self.rows(app.db)
            jsonl = try await Self.export(app, .publications, .jsonl)
            csv = try await Self.export(app, .publications, .csv)
            orgsCSV = try await Self.export(app, .organisations, .csv)
        }
        #expect(original.count == 600)
        #expect(jsonl.split(separator: "\n").count == 600)
        for (name, file, csvFile) in [("jsonl", jsonl, false), ("csv", csv, true)] {
            try await withApp(engine) { app in
                let path = try temporaryFile(file)
                let summary: ArchiveImporter.Summary
                if csvFile {
                    summary = try await CSVImporter(db: app.db).importFile(at: path)
                } else {
                    summary = try await ArchiveImporter(db: app.db).importFile(at: path)
                }
                #expect(summary.rejected == 0 && summary.stored == 600, "\(name)")
                let copy = try await Self.rows(app.db)
                #expect(copy.count == original.count, "\(name)")
                for (a, b) in zip(original, copy) { #expect(a == b, "\(name): \(a.id)") }
                if csvFile {
                    _ = try await CSVImporter(db: app.db).importFile(at: try temporaryFile(orgsCSV))
                    #expect(try await Self.export(app, .organisations, .csv) == orgsCSV)
                } else {
                    #expect(
                        try await Self.export(app, .publications, .jsonl) == jsonl,
                        "a second export is the same file")
                }
            }
        }
    }

    @Test(arguments: Engine.all)
    func anExportCarriesNothingUnpublishedAndNothingSealed(_ engine: Engine) async throws {
        // Its own canary: ConfidentialityTests captures every log line while it runs, and this test's SQL is logged.
        let canary = "Ex9CANARYexp"
        try await withApp(engine) { app in
            try await store([publication("pub-1", title: "Mexico: public appeal")], in: app)
            try await store(
                [publication("draft-1", title: "Draft \(canary)", body: "Body \(canary)")],
                status: "draft", in: app)
            try await store([publication("sched-1", title: "Scheduled \(canary)")], status: "scheduled", in: app)
            try await store(
                [
                    publication(
                        "pub-2", title: "Follow-up", followUpOf: "draft-1",
                        translationOf: "sched-1")
                ], in: app)
            _ = try await PublicationStore.upsert(
                [ArchiveOrganisation(id: "org-export", name: "Public name")],
                on: app.db)
            let sealed = app.site.cipher.seal(
                "Phone \(canary)",
                in: SealedColumn.all.first { $0.table == "organisations" }!, row: "org-export")
            try await app.db.sql.raw(
                """
                UPDATE organisations SET contacts_sealed = \(bind: sealed), description = 'Public.'
                WHERE id = 'org-export'
                """
            ).run()
            let team = try await CaseTeam.make(app)
            _ = try await TestBrowser(app).report(
                person: "Nadia \(canary)", description: "d", country: "RU",
                account: "A \(canary)",
                relation: "r", contact: "c \(canary)", files: [], place: "p")
            _ = team
            for what in ArchiveExporter.What.allCases {
                for format in ArchiveExporter.Format.allCases {
                    let out = try await Self.export(app, what, format)
                    #expect(
                        !out.contains(canary) && !out.contains("draft-1") && !out.contains("sched-1"),
                        "\(what) \(format)")
                    #expect(!out.contains("case-"), "\(what) \(format)")
                }
            }
            let publications = try await Self.export(app, .publications, .jsonl)
            #expect(publications.contains("\"id\":\"pub-1\"") && publications.contains("\"id\":\"pub-2\""))
            #expect(try await Self.export(app, .organisations, .jsonl).contains("Public name"))
        }
    }
}
