import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The people of a case workflow, signed in: two case officers (one drafts, the other approves), a partner
/// of "org-1" and a partner of another organisation, "org-2".
struct CaseTeam {
    let drafter: TestBrowser
    let approver: TestBrowser
    let partner: TestBrowser
    let otherPartner: TestBrowser

    static func make(_ app: Application) async throws -> CaseTeam {
        _ = try await PublicationStore.upsert(
            [
                ArchiveOrganisation(id: "org-1", name: "Comité de Defensa Oaxaca"),
                ArchiveOrganisation(id: "org-2", name: "Other Partner NGO")
            ], on: app.db)
        func person(_ email: String, _ role: Role, organisation: String? = nil) async throws -> TestBrowser {
            let (_, secret) = try await TestAccounts.create(
                email, [role], secondFactor: role.requiresSecondFactor, organisation: organisation, in: app)
            let browser = TestBrowser(app)
            let page = try await browser.signIn(email, secret: secret)
            #expect(page.location == "/office", "\(email) signs in")
            return browser
        }
        return CaseTeam(
            drafter: try await person("drafter@example.org", .caseOfficer),
            approver: try await person("approver@example.org", .caseOfficer),
            partner: try await person("partner@example.org", .partner, organisation: "org-1"),
            otherPartner: try await person("other-partner@example.org", .partner, organisation: "org-2"))
    }
}

/// The first match of a regular expression's first group in `text`.
func firstMatch(_ pattern: String, in text: String) -> String? {
    guard let regex = try? NSRegularExpression(pattern: pattern),
        let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), match.numberOfRanges > 1,
        let range = Range(match.range(at: 1), in: text)
    else { return nil }
    return String(text[range])
}

extension TestBrowser {
    /// Sends a report through the public form; returns the receipt code.
    func report(
        person: String, consents: Bool = false, description: String, country: String = "MX", account: String,
        relation: String = "", contact: String = "", files: [(field: String, filename: String, data: [UInt8])] = [],
        place: String = "Oaxaca"
    ) async throws -> String? {
        try await get("/report")
        var fields = [
            ("person", person), ("description", description), ("country", country), ("date", "2026-11-18"),
            ("place", place), ("account", account), ("relation", relation), ("contact", contact)
        ]
        if consents { fields.append(("consents", "yes")) }
        let page = try await postMultipart("/report", fields, files: files)
        #expect(page.status == .ok, "the report is accepted: \(page.body.prefix(300))")
        return firstMatch("id=\"receipt-code\">([0-9A-Z-]{29})<", in: page.body)
    }
}
