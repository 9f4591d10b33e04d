import Foundation
import Testing

/// Which office and partner pages are translated, read from the source: every `OfficeLayout(` call either says
/// `translated: true` (its text goes through `t(_:)`) or renders English inside the translated shell. The number of
/// translated pages can only go up, and the pages listed here stay translated.
@Suite struct OfficeTranslationSourceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Translated so far (file: the page's title expression). Partners' pages first, then the office's shell.
    static let translatedAtLeast: Set<String> = [
        "LoginPages.swift: t(\"office.login.title\")", "LoginPages.swift: t(\"office.code.title\")",
        "AccountPages.swift: t(\"office.dashboard.title\")", "AccountPages.swift: t(\"office.account.title\")",
        "AccountPages.swift: t(\"office.password.title\")", "AccountPages.swift: t(\"office.setup.title\")",
        "AccountPages.swift: t(\"office.account.two-factor\")", "AccountPages.swift: t(\"office.codes.title\")",
        "VerificationController.swift: t(\"office.nav.verification-requests\")", "VerificationController.swift: title",
        "CasePages.swift: t(\"office.nav.cases\")", "UserPages.swift: t(\"office.nav.people\")",
        "UserPages.swift: t(\"users.add\")", "UserPages.swift: account.email",
        "CaseFilePage.swift: t(\"cases.case\")", "InterventionPages.swift: role",
        "InterventionPages.swift: t(\"casefile.intervention\")", "MissionPages.swift: t(\"office.nav.missions\")",
        "MissionPages.swift: m.title.reveal()", "AuditController.swift: t(\"office.nav.audit\")",
        "AssistancePages.swift: t(\"assistance.title\")", "AssistanceRequestPage.swift: t(\"assistance.title\")",
        "MailOfficeController.swift: t(\"office.nav.mail\")", "OrganisationOfficeController.swift: o.name",
        "BulletinPages.swift: t(\"office.nav.bulletins\")", "BulletinPages.swift: t(\"bulletins.bulletin\")",
        // office21b: the last pages.
        "CampaignLinks.swift: t(\"campaigns.of-case\")", "CampaignsController.swift: t(\"office.nav.campaigns\")",
        "CallPages.swift: t(\"office.nav.calls\")", "CallPages.swift: c.title",
        "EditorialPages.swift: t(\"office.nav.publications\")", "EditorialPages.swift: title",
        "FourEyesSettingsController.swift: t(\"office.nav.approvals\")",
        "AddressBook.swift: t(\"office.dashboard.addresses\")", "TokenController.swift: t(\"office.account.tokens\")",
        "UserPages.swift: t(\"users.link.title\")", "CasePages.swift: t(\"cases.open\")",
        "AssistanceSettingsController.swift: title", "AnnualReportPages.swift: title",
        "EvidencePages.swift: t(\"evidence.file\")",
        // office19: portraits, the sponsor offers, the annual report's four eyes, retention.
        "PortraitsOfficeController.swift: t(\"portraits.office.title\")",
        "PortraitsOfficeController+Series.swift: t(\"portraits.office.offers\")",
        "RetentionPages.swift: t(\"retention.periods.title\")", "RetentionPages.swift: t(\"retention.due.title\")"
    ]

    struct Page { let name: String; let translated: Bool }

    static func pages() throws -> [Page] {
        let sources = root.appendingPathComponent("Sources/App")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        var pages: [Page] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            var rest = text[...]
            // The formatter may break the call after its parenthesis: `OfficeLayout(\n    title: …`.
            while let call = rest.firstRange(of: #/OfficeLayout\(\s*title: /#) {
                let after = rest[call.upperBound...]
                guard let end = after.range(of: ".render(") else { break }
                let arguments = after[..<end.lowerBound]
                let title = arguments.prefix { $0 != "," }.trimmingCharacters(in: .whitespacesAndNewlines)
                pages.append(
                    Page(
                        name: "\(file.lastPathComponent): \(title)",
                        translated: arguments.contains("translated: true")))
                rest = after[end.upperBound...]
            }
        }
        return pages.sorted { $0.name < $1.name }
    }

    @Test func translatedOfficePagesOnlyIncrease() throws {
        let pages = try Self.pages()
        let translated = Set(pages.filter(\.translated).map(\.name))
        print("Office pages translated: \(translated.count) of \(pages.count)")
        for page in pages { print("  \(page.translated ? "✓" : "·") \(page.name)") }
        #expect(pages.count >= 38, "every OfficeLayout call is found")
        #expect(
            translated.isSuperset(of: Self.translatedAtLeast),
            "no longer translated: \(Self.translatedAtLeast.subtracting(translated).sorted())")
        #expect(translated.count >= Self.translatedAtLeast.count)
        let english = pages.filter { !$0.translated }.map(\.name)
        #expect(english.isEmpty, "every office page is translated: \(english)")
    }

    /// The last pages translated (office21b) hold none of the English texts they used to show, and their errors
    /// and refusals go through the i18n files too.
    @Test func lastPagesHoldNoEnglishOfTheirOwn() throws {
        let english: [String: [String]] = [
            "Campaigns/CampaignsController.swift": [
                "<h1>Campaigns", "New campaign", "On the public site<",
                "Give an address (3", "Save the campaign first"
            ],
            "Campaigns/CampaignLinks.swift": [
                "Campaigns of the case", "Choose campaigns", "Save the links",
                "is on the public site and is not changed", "What the campaign gathers"
            ],
            "Campaigns/CallsController.swift": [
                "<h1>Calls for input", "New call for input", "Last day for answers",
                "Export as CSV", "There is no such call"
            ],
            "Campaigns/CallsOfficeController.swift": [
                "<h1>Calls for input", "New call for input", "Last day for answers",
                "Export as CSV", "There is no such call"
            ],
            "Campaigns/CallPages.swift": [
                "<h1>Calls for input", "New call for input", "Last day for answers",
                "Export as CSV", "There is no such call"
            ],
            "Campaigns/CallFourEyes.swift": ["Second approval<", "Approve this version", "Save the call first"],
            "Publications/Office/EditorialPages.swift": [
                "Write a new publication", "Title contains", "Publish now",
                "Save draft", "Unpublish<", "Approved by", "Not approved:"
            ],
            "Publications/Office/PublicationForm.swift": ["Choose a type.", "Unknown country", "A reference looks"],
            "Publications/Office/EditorialController.swift": [
                "Save this version first", "This publication is public",
                "Reference codes are allocated"
            ],
            "FourEyes/FourEyesSettingsController.swift": ["Second approval before", "Published without a second"],
            "Interventions/AddressBook.swift": ["Authorities’ addresses", "Name the authority", "Address, e-mail"],
            "API/TokenController.swift": [
                "Make a token", "You have no access tokens", "Choose what the token",
                "Expires after", "ended: your roles"
            ],
            "Accounts/UserPages.swift": ["One-time link", "through a channel you trust"],
            "Cases/CasePages.swift": ["Open a case", "Open the case", "First person or organisation"],
            "Cases/CaseForm.swift": ["Choose a risk level", "Notes are limited"],
            "Assistance/AssistanceSettingsController.swift": [
                "Material assistance: rules", "Eligibility criteria",
                "Save the rules", "three-letter currency"
            ],
            "Reports/AnnualReportController.swift": [
                "\"Annual report", "Save the analysis", "Thematic analysis (",
                "in the case files", "This report is public", "Save this analysis first", "Unknown action",
                "Write the thematic analysis", "The PDF could not be made"
            ],
            "Reports/AnnualReportPages.swift": [
                "\"Annual report", "Save the analysis", "Thematic analysis in", "in the case files", "\"Saved.\"",
                "Not approved yet", "Approved by", "Latest change", "Approve this analysis", "Publish in",
                "Publishing needs a second", "Also from the command line", "public page<", "no analysis"
            ],
            "Portraits/PortraitOfficePages.swift": [
                "<h1>Portraits", "On the public site", "(not public)", "Offers to sponsor", "<h2>Series",
                "New portrait", "Name the defender agreed to", "Save the portrait", "Sponsor's name",
                "Add the sponsor", "Withdraw consent", "kept in the audit trail", "New series", "Save the series",
                "Confidential: who wrote", "no consent recorded"
            ],
            "Portraits/PortraitsOfficeController.swift": [
                "title: \"Portraits\"", "Give an address (3", "There is no publication at",
                "must be a JPEG or PNG", "was not saved", "withdrew consent", "only with the defender's consent",
                "Give the reason consent", "There is no such portrait"
            ],
            "Portraits/PortraitsOfficeController+Series.swift": [
                "Save it first, not on", "This text contains", "Give the series an address",
                "There is no portrait at", "Give the sponsor's name", "has no such sponsor",
                "\"Offers to sponsor a defender\""
            ],
            "Retention/RetentionPages.swift": ["Retention periods", "Records at the end", "Delete for good"],
            "Retention/RetentionController.swift": ["Nothing was changed", "The periods are saved"],
            "Evidence/EvidencePages.swift": [
                "\"File\"", "Back to the case", "Custody history", "Shared with partners",
                "Make a copy without metadata"
            ],
            "Evidence/EvidenceController.swift": ["No copy was made", "There is no such attachment"],
            "Office/ChoiceList.swift": ["Nothing to choose yet", "More match"]
        ]
        for (path, phrases) in english {
            let text = try String(
                contentsOf: Self.root.appendingPathComponent("Sources/App/Features/" + path),
                encoding: .utf8)
            #expect(text.contains("t(\""), "\(path) uses the i18n files")
            for phrase in phrases { #expect(!text.contains(phrase), "\(path) still says “\(phrase)”") }
        }
    }

    /// The case page and the intervention pages (draft, review, approval, translation) hold none of the English
    /// texts they used to show: each goes through the i18n files.
    @Test func casePageAndInterventionPagesHoldNoEnglishOfTheirOwn() throws {
        let files = [
            "Sources/App/Features/Cases/CaseFilePage.swift",
            "Sources/App/Features/Cases/CaseFileSections.swift",
            "Sources/App/Features/Interventions/InterventionPages.swift",
            "Sources/App/Features/Translations/TranslationPages.swift"
        ]
        let english = [
            "Verification with partners", "Ask to verify", "Add a source", "Sources (never public)",
            "Messages with the reporter", "Details and notes", ">Timeline<", "Change status", "Move to",
            "Approve this public version", "Names the redaction replaces", "Public version, as it will",
            "Draft (internal)", "Save the draft", "Back to the case", "Draft a follow-up",
            "Translate into", "In other languages", "Save the descriptions", "Request material assistance",
            "Write the text.", "\"Saved.\"", "Agrees to be named", "Alleged perpetrator"
        ]
        for path in files {
            let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
            #expect(text.contains("t(\""), "\(path) uses the i18n files")
            for phrase in english { #expect(!text.contains(phrase), "\(path) still says “\(phrase)”") }
        }
    }

    /// A translated page's file calls `t(_:)` and holds none of the English texts it used to show.
    @Test func translatedPagesHoldNoEnglishOfTheirOwn() throws {
        let files = [
            "Sources/App/Features/Accounts/LoginPages.swift",
            "Sources/App/Features/Accounts/AccountPages.swift",
            "Sources/App/Features/Cases/VerificationController.swift",
            "Sources/App/Features/Office/OfficeLayout.swift"
        ]
        let english = [
            ">Sign in<", ">Sign out<", "Your account", "Change your password", "Verification requests<",
            "Waiting for your answer", "Send the answer", "Choose an answer.", "Welcome", "Recovery codes",
            "Second factor:", "Public site", "Audit trail", "What the Observatory shared"
        ]
        for path in files {
            let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
            #expect(text.contains("t(\""), "\(path) uses the i18n files")
            for phrase in english { #expect(!text.contains(phrase), "\(path) still says “\(phrase)”") }
        }
    }
}
