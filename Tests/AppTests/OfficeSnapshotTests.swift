import Foundation
import ObservatoryCore
import Testing

@testable import App

/// Key office pages in each of the four languages, rendered from fixed data (no demo, no clock, no random ids) and
/// compared byte for byte with `__Snapshots__/office-<page>-<language>.html`: the dashboard, the cases list, a case
/// page, an intervention's review page and a partner's verification request. A missing file is recorded and the
/// test fails once (see `SnapshotTests`).
@Suite struct OfficeSnapshotTests {
    static let day: Int64 = 1_795_000_000  // 2026-11-18, 08:26:40 UTC

    static func account(
        _ email: String, _ roles: Set<Role>, language: Language,
        organisation: String? = nil
    ) -> Account {
        Account(
            row: .init(
                id: "user-\(email.prefix(while: { $0 != "@" }))", email: email, passwordHash: "set",
                roles: roles.map(\.rawValue).sorted().joined(separator: ","), organisationId: organisation,
                disabled: false, totpSecret: "v1:fixed", totpPendingSecret: nil, totpLastStep: nil,
                createdAt: day, language: language.rawValue))
    }

    static let verification = Verification(
        id: "verif-000000000001", caseID: "case-000000000001", organisationID: "org-cdh",
        organisationName: "Comité de Derechos Humanos de Oaxaca",
        shared: Confidential("A defender in Oaxaca received death threats on 12 November. Can you confirm?"),
        askedAt: day - 86_400 * 9, askedBy: "drafter@example.org", answer: nil, note: nil, answeredAt: nil,
        answeredBy: nil, expiresAt: day + 86_400 * 5)

    static let file: CaseFile = {
        var c = CaseFile(
            id: "case-000000000001", status: .underVerification, outcome: nil, country: "MX",
            risk: .high, origin: "report", label: Confidential("Threats against a defender in Oaxaca"),
            notes: Confidential("Met her lawyer on 14 November."), openedAt: day - 86_400 * 10,
            statusChangedAt: day - 86_400 * 9, lastActivityAt: day - 86_400 * 2)
        c.people = [
            AtRisk(
                id: "person-000000000001", kind: .defender, name: Confidential("Juana Pérez López"),
                consentsToBeNamed: false,
                publicDescription: "a woman human rights defender in Oaxaca",
                contact: Confidential("+52 55 1234 5678"))
        ]
        c.acts = [
            Act(
                id: "act-000000000001", type: .threats, occurredOn: "2026-11-12",
                place: Confidential("Oaxaca de Juárez"), perpetrator: .unidentified,
                perpetratorDetail: Confidential(""))
        ]
        c.sources = [
            Source(
                id: "source-000000000001", description: Confidential("Her lawyer"),
                contact: Confidential("lawyer@example.org"), addedAt: day - 86_400 * 9)
        ]
        c.messages = [
            Message(
                id: "message-000000000001", at: day - 86_400 * 10, author: "", fromReporter: true,
                body: Confidential("She was followed home twice."))
        ]
        c.verifications = [verification]
        c.interventions = [
            InterventionSummary(
                id: "int-000000000001", kind: "urgent-appeal", language: "en",
                status: "draft", reference: nil, followUpOf: nil, translationOf: nil,
                draftedBy: "drafter@example.org", draftedAt: day - 86_400,
                publicationId: nil, publishedAt: nil)
        ]
        c.events = [
            TimelineEvent(at: day - 86_400 * 10, actor: "", summary: "Case opened from the public form"),
            TimelineEvent(
                at: day - 86_400 * 9, actor: "drafter@example.org",
                summary: "Verification asked of Comité de Derechos Humanos de Oaxaca")
        ]
        return c
    }()

    static let intervention: Intervention = {
        var i = Intervention(
            id: "int-000000000001", caseID: file.id, kind: .urgentAppeal, language: .en,
            followUpOf: nil, translationOf: nil,
            title: Confidential("Mexico: death threats against Juana Pérez López"),
            summary: Confidential("A defender in Oaxaca is threatened."),
            body: Confidential(
                "## Description of the situation\n\nJuana Pérez López received "
                    + "death threats on 12 November 2026."),
            status: .draft, draftedBy: "drafter@example.org", draftedAt: day - 86_400,
            approvedBy: nil, approvedAt: nil, reference: nil, publicTitle: nil, publicSummary: nil,
            publicBody: nil, publicationID: nil, publishedAt: nil)
        i.revision = 2
        i.lastChangedBy = "drafter@example.org"
        return i
    }()

    static func pages(in language: Language) -> [(String, String)] {
        let officer = account("approver@example.org", [.caseOfficer], language: language)
        let partner = account("partner@example.org", [.partner], language: language, organisation: "org-cdh")
        let csrf = "csrf-token-for-the-snapshot"
        let dashboard = CaseDashboard(
            counts: [
                .received: 3, .underVerification: 1, .verified: 0, .actionLaunched: 2,
                .followUp: 11, .closed: 100
            ],
            waiting: [
                .init(
                    caseID: file.id, caseLabel: file.label,
                    organisation: verification.organisationName,
                    askedAt: verification.askedAt)
            ],
            quiet: [.init(caseID: file.id, label: file.label, lastPublished: nil)])
        return Translations.$current.withValue(.of(language)) {
            [
                ("dashboard", AccountPages.dashboard(account: officer, csrf: csrf).rendered),
                (
                    "cases",
                    CasePages.index(
                        dashboard: dashboard, cases: [file], status: nil, viewer: officer,
                        csrf: csrf
                    ).rendered
                ),
                (
                    "case",
                    CaseFilePage.render(
                        file, organisations: [("org-cdh", verification.organisationName)],
                        notice: nil, errors: [:], viewer: officer, csrf: csrf
                    ).rendered
                ),
                (
                    "intervention-review",
                    InterventionPages.show(
                        intervention, file: file, notice: nil, errors: [:],
                        viewer: officer, csrf: csrf
                    ).rendered
                ),
                (
                    "verification-request",
                    PartnerPages.show(
                        verification, error: nil, viewer: partner,
                        csrf: csrf
                    ).rendered
                )
            ]
        }
    }

    @Test(arguments: Language.allCases)
    func keyOfficePagesInEachLanguage(_ language: Language) throws {
        for (name, html) in Self.pages(in: language) {
            try SnapshotTests().assertSnapshot(html, named: "office-\(name)-\(language.rawValue).html")
            // The page is in its language and direction, with no English left in its main part.
            #expect(html.contains("<html lang=\"\(language.rawValue)\" dir=\"\(language == .ar ? "rtl" : "ltr")\">"))
            #expect(!html.contains("<main id=\"main\" lang=\"en\""), "\(name) in \(language) is translated")
            // Nothing confidential beyond what the office page itself shows: the public preview never names her.
            if name == "intervention-review" {
                let preview =
                    html.components(separatedBy: "id=\"public-preview\"").last?
                    .components(separatedBy: "</article>").first ?? ""
                #expect(!preview.contains("Juana") && preview.contains("a woman human rights defender in Oaxaca"))
            }
        }
    }

    /// The translated pages differ from the English ones, and the English text is the one the office always had.
    @Test func translatedPagesAreNotEnglish() throws {
        let english = Dictionary(uniqueKeysWithValues: Self.pages(in: .en))
        for language in [Language.fr, .es, .ar] {
            for (name, html) in Self.pages(in: language) {
                #expect(html != english[name], "\(name) in \(language.rawValue) differs from English")
            }
        }
        #expect(english["case"]?.contains("<h2 id=\"verifications\">Verification with partners</h2>") == true)
        #expect(english["intervention-review"]?.contains(">Approve this public version</button>") == true)
        let french = Dictionary(uniqueKeysWithValues: Self.pages(in: .fr))
        #expect(french["case"]?.contains("<h2 id=\"verifications\">Vérification auprès des partenaires</h2>") == true)
        #expect(french["intervention-review"]?.contains(">Approuver cette version publique</button>") == true)
        let arabic = Dictionary(uniqueKeysWithValues: Self.pages(in: .ar))
        #expect(arabic["case"]?.contains("<h2 id=\"acts\">الأفعال</h2>") == true)
    }
}
