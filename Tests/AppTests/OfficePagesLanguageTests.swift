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
                badMission.status == .unprocessableEntity && badMission.body.contains("“nope”")
                    && badMission.body.contains("La misión termina antes de empezar")
                        == badMission.body.contains("<html lang=\"es\""),
                "the mission form's errors")
        }
    }
}
