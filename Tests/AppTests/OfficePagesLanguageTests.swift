import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The case page, the intervention pages, missions, assistance, the audit trail and the mail page in the case
/// officer's (or administrator's) language, with their form errors and notices, through the running app on both
/// engines; another person's language never leaks into hers, and what is stored stays as typed.
@Suite struct OfficePagesLanguageTests {
    /// Per language: the case page's acts heading, its add-a-source button, the notice after adding a source, the
    /// error for a source without a description, the intervention's approve button and its draft heading.
    static let expected: [Language: [String]] = [
        .en: [
            "<h2 id=\"acts\">Acts</h2>", "<summary>Add a source</summary>", "Source added.",
            "Say who or what the source is.", ">Approve this public version</button>", "Draft (internal)"
        ],
        .fr: [
            "<h2 id=\"acts\">Actes</h2>", "<summary>Ajouter une source</summary>", "Source ajoutée.",
            "Indiquez qui ou quoi est la source.", ">Approuver cette version publique</button>",
            "Brouillon (interne)"
        ],
        .es: [
            "<h2 id=\"acts\">Actos</h2>", "<summary>Añadir una fuente</summary>", "Fuente añadida.",
            "Indique quién o qué es la fuente.", ">Aprobar esta versión pública</button>", "Borrador (interno)"
        ],
        .ar: [
            "<h2 id=\"acts\">الأفعال</h2>", "<summary>إضافة مصدر</summary>", "تمت إضافة المصدر.",
            "اذكر مَن أو ما هو المصدر.", ">الموافقة على هذه النسخة العلنية</button>", "المسودة (داخلية)"
        ]
    ]

    @Test(arguments: Engine.all)
    func aCaseOfficerWorksOnACaseInHerLanguage(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            try await team.drafter.get("/office/cases/new")
            let opened = try await team.drafter.post(
                "/office/cases/new",
                [
                    ("label", "Oaxaca threats"),
                    ("country", "MX"), ("risk", "high"), ("kind", "defender")
                ])
            let casePath = try #require(opened.location)
            _ = try await CaseStore.changeStatus(
                FourEyesTests.id(casePath), from: .received, to: .verified,
                outcome: nil, by: "drafter@example.org", now: testClock.now(),
                on: app.db)
            let draft = try await FourEyesTests.draft(
                team.drafter, casePath, title: "Mexico: threats",
                body: "## Description of the situation\n\nThreats.")
            for language in [Language.en, .fr, .es, .ar] {
                let words = try #require(Self.expected[language])
                try await team.approver.get("/account")
                try await team.approver.post("/account/language", [("language", language.rawValue)])
                let page = try await team.approver.get(casePath)
                let direction = language == .ar ? "rtl" : "ltr"
                #expect(page.body.contains("<html lang=\"\(language.rawValue)\" dir=\"\(direction)\">"))
                #expect(
                    !page.body.contains("<main id=\"main\" lang=\"en\""), "\(language): the case page is translated")
                #expect(page.body.contains(words[0]) && page.body.contains(words[1]), "\(language): case page")
                // A source without a description: the error in her language, nothing stored.
                let refused = try await team.approver.post(
                    "\(casePath)/sources",
                    [
                        ("description", ""),
                        ("contact", "x")
                    ])
                #expect(
                    refused.status == .unprocessableEntity && refused.body.contains(words[3]),
                    "\(language): the error")
                // Added: the notice in her language; the stored text as typed.
                let added = try await team.approver.post(
                    "\(casePath)/sources",
                    [
                        ("description", "Source \(language.rawValue)"),
                        ("contact", "")
                    ])
                let location = try #require(added.location)
                #expect(try await team.approver.get(location).body.contains(words[2]), "\(language): the notice")
                let review = try await team.approver.get(draft)
                #expect(review.body.contains(words[4]) && review.body.contains(words[5]), "\(language): review")
                #expect(!review.body.contains("<main id=\"main\" lang=\"en\""))
                // The drafter, still in English, reads English whatever the approver chose.
                let english = try await team.drafter.get(casePath)
                #expect(
                    english.body.contains("<h2 id=\"acts\">Acts</h2>") && english.body.contains("<html lang=\"en\""))
            }
            // Every source was stored as typed, sealed, and each addition audited.
            let file = try #require(
                try await CaseStore.find(
                    FourEyesTests.id(casePath), cipher: app.site.cipher,
                    on: app.db))
            #expect(
                Set(file.sources.map { $0.description.reveal() }) == [
                    "Source en", "Source fr", "Source es",
                    "Source ar"
                ])
            // Missions, assistance, the audit trail and the mail page follow the language too.
            try await team.approver.post("/account/language", [("language", "es")])
            let missions = try await team.approver.get("/office/missions")
            #expect(
                missions.body.contains("<h2 id=\"new-mission\">Nueva misión</h2>")
                    && missions.body.contains("Crear la misión"))
            let assistance = try await team.approver.get("/office/assistance")
            #expect(
                assistance.body.contains("<h1>Asistencia material</h1>")
                    && assistance.body.contains("Pendientes de aprobación"))
            let badMission = try await team.approver.post(
                "/office/missions",
                MissionTests.missionFields(
                    starts: "2026-12-05", ends: "2026-12-01", report: "nope"))
            #expect(
                badMission.status == .unprocessableEntity && badMission.body.contains("«nope»")
                    && badMission.body.contains("La misión termina antes de empezar")
                        == badMission.body.contains("<html lang=\"es\""),
                "the mission form's errors")
        }
    }
    /// Per language (office21b): the publications list's button, a publication's date error, the campaigns page's
    /// new-campaign heading and address error, the token name error, the approvals heading, the open-a-case button
    /// and its country error, the assistance rules' currency error, the new call heading, the address book's error.
    static let lastPages: [Language: [String]] = [
        .en: [
            "Write a new publication", "Give the date as YYYY-MM-DD, e.g. 2026-11-23.", "<h2>New campaign</h2>",
            "Give an address (3–60 lower-case letters, digits or -) and a title.", "Give the token a name",
            "<h1>Second approval before publication</h1>", ">Open the case</button>",
            "Unknown country “Atlantis”: use a name or an ISO code.",
            "Give a three-letter currency code, e.g. EUR.", "<h2>New call for input</h2>",
            "Name the authority (at most 300 characters)."
        ],
        .fr: [
            "Rédiger une nouvelle publication", "Indiquez la date au format AAAA-MM-JJ, p. ex. 2026-11-23.",
            "<h2>Nouvelle campagne</h2>",
            "Indiquez une adresse (3 à 60 lettres minuscules, chiffres ou -) et un titre.", "Donnez un nom au jeton",
            "<h1>Seconde approbation avant publication</h1>", ">Ouvrir le dossier</button>",
            "Pays inconnu « Atlantis » : indiquez un nom ou un code ISO.",
            "Indiquez un code de devise à trois lettres, p. ex. EUR.", "<h2>Nouvel appel à contributions</h2>",
            "Nommez l’autorité (300 caractères au plus)."
        ],
        .es: [
            "Redactar una nueva publicación", "Indique la fecha como AAAA-MM-DD, p. ej. 2026-11-23.",
            "<h2>Nueva campaña</h2>",
            "Indique una dirección (de 3 a 60 letras minúsculas, cifras o -) y un título.", "Dé un nombre al token",
            "<h1>Segunda aprobación antes de publicar</h1>", ">Abrir el caso</button>",
            "País desconocido «Atlantis»: use un nombre o un código ISO.",
            "Indique un código de moneda de tres letras, p. ej. EUR.", "<h2>Nueva convocatoria de aportes</h2>",
            "Indique la autoridad (300 caracteres como máximo)."
        ],
        .ar: [
            "كتابة منشور جديد", "اكتب التاريخ بالصيغة YYYY-MM-DD، مثلاً 2026-11-23.", "<h2>حملة جديدة</h2>",
            "أدخل مساراً (من 3 إلى 60 حرفاً لاتينياً صغيراً أو رقماً أو -) وعنواناً.", "أعطِ الرمز اسماً",
            "<h1>موافقة ثانية قبل النشر</h1>", ">فتح الحالة</button>",
            "بلد غير معروف «Atlantis»: استخدم اسماً أو رمز ISO.",
            "أدخل رمز عملة من ثلاثة أحرف، مثلاً EUR.", "<h2>دعوة مساهمة جديدة</h2>",
            "اذكر السلطة (300 حرف على الأكثر)."
        ]
    ]

    /// An editor who is also an administrator and a case officer works on the last office pages in each language:
    /// publications, campaigns, calls, tokens, approvals, a new case, assistance rules, authorities' addresses. Each
    /// refused form answers in her language and stores nothing; a colleague in English still reads English.
    @Test(arguments: Engine.all)
    func theLastOfficePagesFollowHerLanguage(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let her = try await AssistanceTests.signedIn(
                "polyglot@example.org",
                [.editor, .administrator, .caseOfficer], in: app)
            let colleague = try await AssistanceTests.signedIn("colleague@example.org", [.editor], in: app)
            struct Count: Decodable { let n: Int }
            func count(_ table: String) async throws -> Int {
                try await app.db.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first(decoding: Count.self)?
                    .n ?? -1
            }
            let before = try await [
                count("campaigns"), count("access_tokens"), count("authority_addresses"),
                count("cases"), count("publications")
            ]
            for language in Language.allCases {
                let words = try #require(Self.lastPages[language])
                try await her.get("/account")
                try await her.post("/account/language", [("language", language.rawValue)])
                let html = "<html lang=\"\(language.rawValue)\" dir=\"\(language == .ar ? "rtl" : "ltr")\">"
                func page(_ path: String, _ expected: String, _ what: String) async throws {
                    let page = try await her.get(path)
                    #expect(
                        page.status == .ok && page.body.contains(html) && page.body.contains(expected)
                            && !page.body.contains("<main id=\"main\" lang=\"en\""), "\(language): \(what)")
                }
                func refused(
                    _ path: String, _ fields: [(String, String)], _ expected: String, _ what: String,
                    multipart: Bool = false
                ) async throws {
                    try await her.get(path)
                    let page =
                        multipart
                        ? try await her.postMultipart(path, fields, files: [])
                        : try await her.post(path, fields)
                    #expect(
                        page.status == .unprocessableEntity && page.body.contains(expected)
                            && page.body.contains(html), "\(language): \(what) refused in her language")
                }
                try await page(OfficeRoute.publications(query: "").path, words[0], "publications")
                try await refused(
                    OfficeRoute.newPublication.path,
                    [
                        ("action", "save"), ("title", "Mexico: x"),
                        ("type", "statement"), ("language", "en"), ("date", "23/11/2026"), ("countries", "MX")
                    ],
                    words[1], "a publication's date")
                try await page(OfficeRoute.campaigns.path, words[2], "campaigns")
                try await refused(
                    OfficeRoute.campaigns.path, [("id", "A"), ("title", "Defend")], words[3],
                    "a campaign's address", multipart: true)
                try await refused(TokenController.path, [("name", " "), ("days", "30")], words[4], "a token's name")
                try await page(OfficeRoute.approvalSettings.path, words[5], "approvals")
                try await page(OfficeRoute.newCase.path, words[6], "open a case")
                try await refused(
                    OfficeRoute.newCase.path,
                    [
                        ("label", "Case"), ("country", "Atlantis"),
                        ("risk", "high"), ("kind", "defender")
                    ],
                    words[7], "a new case's country")
                try await refused(
                    OfficeRoute.assistanceSettings.path, [("currency", "E"), ("ceiling", "10")],
                    words[8], "the assistance rules' currency")
                try await page(OfficeRoute.calls.path, words[9], "calls for input")
                try await refused(
                    OfficeRoute.addresses.path, [("country", "FR"), ("label", ""), ("address", "Paris")],
                    words[10], "an authority's address")
                // Her colleague, in English, reads English on the same pages.
                let english = try await colleague.get(OfficeRoute.campaigns.path)
                #expect(english.body.contains("<h2>New campaign</h2>") && english.body.contains("<html lang=\"en\""))
            }
            // Nothing refused was stored.
            let after = try await [
                count("campaigns"), count("access_tokens"), count("authority_addresses"),
                count("cases"), count("publications")
            ]
            #expect(after == before, "refused forms store nothing: \(before) → \(after)")
        }
    }
}
