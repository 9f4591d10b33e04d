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
        "BulletinPages.swift: t(\"office.nav.bulletins\")", "BulletinPages.swift: t(\"bulletins.bulletin\")"
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
            while let call = rest.range(of: "OfficeLayout(title: ") {
                let after = rest[call.upperBound...]
                guard let end = after.range(of: ".render(") else { break }
                let arguments = after[..<end.lowerBound]
                let title = arguments.prefix { $0 != "," }.trimmingCharacters(in: .whitespaces)
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
