import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Counted texts on the real pages, in every language, with 0, 1, 2, 3, 11 and 100 of a thing: a country's
/// publications, a search's results, a country's organisations and the people who took action on an appeal. The
/// expected texts are written out here (CLDR: French "one" is 0 and 1; Arabic has six forms).
@Suite struct PluralPagesTests {
    static let counts = [0, 1, 2, 3, 11, 100]
    /// Each count has a country and a word that exactly that many publications (and organisations) carry.
    static let countries = [0: "UY", 1: "PE", 2: "CO", 3: "BR", 11: "AR", 100: "CL"]
    static let words = [1: "zephyrine", 2: "quillonet", 3: "marburyx", 11: "tessaline", 100: "orvietoq"]

    static let publications: [Language: [String]] = [
        .en: [
            "0 publications", "1 publication", "2 publications", "3 publications", "11 publications",
            "100 publications"
        ],
        .fr: [
            "0 publication", "1 publication", "2 publications", "3 publications", "11 publications",
            "100 publications"
        ],
        .es: [
            "0 publicaciones", "1 publicación", "2 publicaciones", "3 publicaciones", "11 publicaciones",
            "100 publicaciones"
        ],
        .ar: ["لا منشورات", "منشور واحد", "منشوران", "٣ منشورات", "١١ منشوراً", "١٠٠ منشور"]
    ]
    static func results(_ q: String) -> [Language: [String]] {
        [
            .en: [
                "", "1 result for “\(q)”", "2 results for “\(q)”", "3 results for “\(q)”", "11 results for “\(q)”",
                "100 results for “\(q)”"
            ],
            .fr: [
                "", "1 résultat pour « \(q) »", "2 résultats pour « \(q) »", "3 résultats pour « \(q) »",
                "11 résultats pour « \(q) »", "100 résultats pour « \(q) »"
            ],
            .es: [
                "", "1 resultado para «\(q)»", "2 resultados para «\(q)»", "3 resultados para «\(q)»",
                "11 resultados para «\(q)»", "100 resultados para «\(q)»"
            ],
            .ar: [
                "", "نتيجة واحدة لـ «\(q)»", "نتيجتان لـ «\(q)»", "٣ نتائج لـ «\(q)»", "١١ نتيجة لـ «\(q)»",
                "١٠٠ نتيجة لـ «\(q)»"
            ]
        ]
    }
    static let organisations: [Language: [String]] = [
        .en: [
            "0 organisations", "1 organisation", "2 organisations", "3 organisations", "11 organisations",
            "100 organisations"
        ],
        .fr: [
            "0 organisation", "1 organisation", "2 organisations", "3 organisations", "11 organisations",
            "100 organisations"
        ],
        .es: [
            "0 organizaciones", "1 organización", "2 organizaciones", "3 organizaciones", "11 organizaciones",
            "100 organizaciones"
        ],
        .ar: ["لا منظمات", "منظمة واحدة", "منظمتان", "٣ منظمات", "١١ منظمةً", "١٠٠ منظمة"]
    ]
    static let actions: [Language: [String]] = [
        .en: [
            "0 people said they took action.", "1 person said they took action.",
            "2 people said they took action.", "3 people said they took action.",
            "11 people said they took action.", "100 people said they took action."
        ],
        .fr: [
            "0 personne a dit avoir agi.", "1 personne a dit avoir agi.", "2 personnes ont dit avoir agi.",
            "3 personnes ont dit avoir agi.", "11 personnes ont dit avoir agi.", "100 personnes ont dit avoir agi."
        ],
        .es: [
            "0 personas dijeron haber actuado.", "1 persona dijo haber actuado.",
            "2 personas dijeron haber actuado.",
            "3 personas dijeron haber actuado.", "11 personas dijeron haber actuado.",
            "100 personas dijeron haber actuado."
        ],
        .ar: [
            "لم يقل أحد بعد إنه تحرّك.", "قال شخص واحد إنه تحرّك.", "قال شخصان إنهما تحرّكا.",
            "قال ٣ أشخاص إنهم تحرّكوا.",
            "قال ١١ شخصاً إنهم تحرّكوا.", "قال ١٠٠ شخص إنهم تحرّكوا."
        ]
    ]

    static func arrange(_ app: Application) async throws {
        var items: [ArchivePublication] = []
        var organisations: [String] = []
        for n in counts where n > 0 {
            let code = countries[n]!, word = words[n]!
            for i in 0..<n {
                items.append(
                    publication(
                        "g\(n)-\(i)", on: "2026-10-\(String(format: "%02d", 1 + i % 28))",
                        title: "Statement \(word) number \(i)", countries: [code]))
                organisations.append(
                    #"{"id": "org-\#(n)-\#(i)", "name": "Defenders Union \#(n) \#(i)", "#
                        + #""type": "ngo", "#
                        + #""country": "\#(code)", "working_languages": ["en"], "networks": [], "founded": 2001}"#)
            }
        }
        for n in counts {
            items.append(
                publication(
                    "ua-\(n)", .urgentIntervention, kind: .urgentAppeal, title: "Appeal \(n)",
                    countries: ["MX"]))
        }
        try await store(items, in: app)
        let file = try temporaryFile(organisations.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let summary = try await ArchiveImporter(db: app.db).importFile(at: file)
        #expect(summary.stored == organisations.count && summary.rejected == 0)
        for n in counts where n > 0 {  // the count the take-action button keeps, as many clicks would leave it
            try await app.db.sql.raw(
                """
                INSERT INTO action_counts (publication_id, count) VALUES (\(bind: "ua-\(n)"), \(bind: n))
                """
            ).run()
        }
        try await ContentVersion.bump(on: app.db)
    }

    @Test(arguments: Engine.all)
    func everyCountedTextTakesTheFormOfItsNumberInEveryLanguage(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await Self.arrange(app)
            for language in Language.allCases {
                let prefix = language == .en ? "" : "/\(language.rawValue)"
                for (index, n) in Self.counts.enumerated() {
                    let where_ = "\(language.rawValue), \(n)"
                    let country = try await app.get("\(prefix)/countries/\(Self.countries[n]!.lowercased())")
                    #expect(country.status == .ok, "\(where_)")
                    #expect(
                        country.body.contains("<p class=\"meta\">\(Self.publications[language]![index]) · "),
                        "country page \(where_)")
                    let code = Self.countries[n]!.lowercased()
                    let organisations = try await app.get("\(prefix)/organisations?country=\(code)")
                    let counted = Self.organisations[language]![index]
                    #expect(organisations.body.contains("id=\"directory-count\">\(counted) · "), "directory \(where_)")
                    let action = try await app.get("\(prefix)/publications/ua-\(n)/take-action")
                    #expect(
                        action.body.contains("<p id=\"action-count\">\(Self.actions[language]![index])</p>"),
                        "take action \(where_)")
                    guard let word = Self.words[n] else { continue }
                    let search = try await app.get("\(prefix)/search?q=\(word)")
                    #expect(
                        search.body.contains("<p class=\"meta\">\(Self.results(word)[language]![index]) · "),
                        "search \(where_)")
                }
            }
            // The old English-only forms are gone from every page of the test.
            for path in [
                "/countries/pe", "/organisations?country=pe", "/publications/ua-1/take-action",
                "/search?q=zephyrine"
            ] {
                let body = try await app.get(path).body
                for wrong in ["1 publications", "1 organisations", "1 people said", "1 results"] {
                    #expect(!body.contains(">\(wrong)"), "\(path): \(wrong)")
                }
            }
        }
    }

    /// A reader who takes action turns "0 people" into "1 person" on the page they come back to.
    @Test(arguments: Engine.all)
    func takingActionChangesTheFormThroughTheApp(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store([publication("ua", .urgentIntervention, kind: .urgentAppeal, title: "Appeal")], in: app)
            let reader = TestBrowser(app)
            let before = try await reader.get("/fr/publications/ua/take-action")
            #expect(before.body.contains("<p id=\"action-count\">0 personne a dit avoir agi.</p>"))
            let after = try await reader.post("/fr/publications/ua/take-action", [])
            let page = after.status == .seeOther ? try await reader.get(after.location ?? "") : after
            #expect(page.body.contains("<p id=\"action-count\">1 personne a dit avoir agi.</p>"))
            let arabic = try await reader.get("/ar/publications/ua/take-action")
            #expect(arabic.body.contains("<p id=\"action-count\">قال شخص واحد إنه تحرّك.</p>"))
        }
    }

    /// An office page: one session is "1 device", two are "2 devices".
    @Test(arguments: Engine.all)
    func theOfficeCountsDevicesWithTheirForm(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let phone = TestBrowser(app)
            try await phone.signIn("editor@example.org")
            #expect(try await phone.get("/account").body.contains("<p>You are signed in on 1 device.</p>"))
            let laptop = TestBrowser(app)
            try await laptop.signIn("editor@example.org")
            #expect(try await laptop.get("/account").body.contains("<p>You are signed in on 2 devices.</p>"))
        }
    }
}
