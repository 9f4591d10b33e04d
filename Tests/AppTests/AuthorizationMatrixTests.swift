import Fluent
import Foundation
import ObservatoryCore
import Testing
import Vapor

@testable import App

/// Every internal route × every role (and anonymous): allowed or denied exactly as declared.
@Suite struct AuthorizationMatrixTests {
    enum Visitor: CaseIterable, CustomStringConvertible {
        case anonymous, administrator, editor, caseOfficer, partner
        var role: Role? {
            switch self {
            case .anonymous: nil
            case .administrator: .administrator
            case .editor: .editor
            case .caseOfficer: .caseOfficer
            case .partner: .partner
            }
        }
        var description: String { role?.rawValue ?? "anonymous" }
    }

    /// What the product promises, written out by hand (not derived from the declarations).
    static let expected: [String: Set<String>] = [
        "GET /login": ["anonymous", "administrator", "editor", "case-officer", "partner"],
        "POST /login": ["anonymous", "administrator", "editor", "case-officer", "partner"],
        "POST /logout": ["anonymous", "administrator", "editor", "case-officer", "partner"],
        "GET /account/setup/:token": ["anonymous", "administrator", "editor", "case-officer", "partner"],
        "POST /account/setup/:token": ["anonymous", "administrator", "editor", "case-officer", "partner"],
        "GET /login/code": [],
        "POST /login/code": [],
        "GET /office": ["administrator", "editor", "case-officer", "partner"],
        "GET /account": ["administrator", "editor", "case-officer", "partner"],
        "GET /account/password": ["administrator", "editor", "case-officer", "partner"],
        "POST /account/password": ["administrator", "editor", "case-officer", "partner"],
        "GET /account/two-factor": ["administrator", "editor", "case-officer", "partner"],
        "POST /account/two-factor": ["administrator", "editor", "case-officer", "partner"],
        "POST /account/two-factor/recovery-codes": ["administrator", "editor", "case-officer", "partner"],
        "POST /account/sessions/end": ["administrator", "editor", "case-officer", "partner"],
        "POST /account/language": ["administrator", "editor", "case-officer", "partner"],
        "GET /account/alerts": ["case-officer"],
        "POST /account/alerts": ["case-officer"],
        "GET /office/on-call": ["administrator"],
        "POST /office/on-call": ["administrator"],
        "GET /office/retention/periods": ["administrator"],
        "POST /office/retention/periods": ["administrator"],
        "POST /office/retention/periods/confirm": ["administrator"],
        "POST /office/retention/periods/withdraw": ["administrator"],
        "GET /office/retention": ["case-officer"],
        "POST /office/retention/decide": ["case-officer"],
        "GET /account/tokens": ["administrator", "editor", "case-officer", "partner"],
        "POST /account/tokens": ["administrator", "editor", "case-officer", "partner"],
        "POST /account/tokens/:id/revoke": ["administrator", "editor", "case-officer", "partner"],
        "GET /office/users": ["administrator"],
        "GET /office/users/new": ["administrator"],
        "POST /office/users/new": ["administrator"],
        "GET /office/users/:id": ["administrator"],
        "POST /office/users/:id": ["administrator"],
        "POST /office/users/:id/language": ["administrator"],
        "POST /office/users/:id/reset-password": ["administrator"],
        "POST /office/users/:id/reset-two-factor": ["administrator"],
        "GET /office/audit": ["administrator"],
        "GET /office/mail": ["administrator"],
        "GET /office/calls": ["editor", "case-officer"],
        "GET /office/campaigns": ["administrator", "editor"],
        "POST /office/campaigns": ["administrator", "editor"],
        "GET /office/portraits": ["editor", "case-officer"],
        "POST /office/portraits": ["editor", "case-officer"],
        "POST /office/portraits/series": ["editor", "case-officer"],
        "POST /office/portraits/:id/withdraw": ["editor", "case-officer"],
        "POST /office/portraits/:id/sponsors": ["editor", "case-officer"],
        "GET /office/portraits/sponsor-offers": ["editor", "case-officer"],
        "GET /office/organisations/:id": ["administrator", "editor", "case-officer"],
        "POST /office/organisations/:id": ["administrator", "editor", "case-officer"],
        "POST /office/calls": ["editor", "case-officer"],
        "GET /office/calls/:id": ["editor", "case-officer"],
        "GET /office/calls/:id/answers.csv": ["editor", "case-officer"],
        "GET /office/bulletins": ["administrator", "editor"],
        "GET /office/bulletins/:month/:language": ["administrator", "editor"],
        "POST /office/bulletins/:month/:language": ["administrator", "editor"],
        "GET /office/reports/annual": ["administrator", "editor"],
        "GET /office/reports/annual/:year": ["administrator", "editor"],
        "POST /office/reports/annual/:year": ["administrator", "editor"],
        "GET /office/reports/annual/:year/:format": ["administrator", "editor"],
        "GET /office/publications": ["administrator", "editor"],
        "GET /office/publications/new": ["administrator", "editor"],
        "POST /office/publications/new": ["administrator", "editor"],
        "GET /office/publications/:id": ["administrator", "editor"],
        "POST /office/publications/:id": ["administrator", "editor"],
        "GET /office/cases": ["case-officer"],
        "GET /office/cases/new": ["case-officer"],
        "POST /office/cases/new": ["case-officer"],
        "GET /office/cases/:id": ["case-officer"],
        "POST /office/cases/:id": ["case-officer"],
        "POST /office/cases/:id/status": ["case-officer"],
        "POST /office/cases/:id/people": ["case-officer"],
        "POST /office/cases/:id/people/:person": ["case-officer"],
        "POST /office/cases/:id/people/:person/languages": ["case-officer"],
        "POST /office/cases/:id/acts": ["case-officer"],
        "POST /office/cases/:id/sources": ["case-officer"],
        "POST /office/cases/:id/messages": ["case-officer"],
        "POST /office/cases/:id/attachments": ["case-officer"],
        "GET /office/cases/:id/attachments/:file": ["case-officer"],
        "POST /office/cases/:id/verifications": ["case-officer"],
        "GET /office/cases/:id/interventions/new": ["case-officer"],
        "POST /office/cases/:id/interventions/new": ["case-officer"],
        "GET /office/interventions/:id": ["case-officer"],
        "POST /office/interventions/:id": ["case-officer"],
        "GET /office/addresses": ["case-officer"],
        "POST /office/addresses": ["case-officer"],
        "GET /partner/verifications": ["partner"],
        "GET /partner/verifications/:id": ["partner"],
        "POST /partner/verifications/:id": ["partner"],
        "GET /office/missions": ["case-officer"],
        "GET /office/statistics": ["administrator", "editor", "case-officer"],
        "POST /office/missions": ["case-officer"],
        "GET /office/missions/:id": ["case-officer"],
        "POST /office/missions/:id": ["case-officer"],
        "POST /office/missions/:id/cases": ["case-officer"],
        "POST /office/missions/:id/kit": ["case-officer"],
        "POST /office/cases/:id/kit-conflicts/:conflict": ["case-officer"],
        "POST /office/missions/:id/kit-conflicts/:conflict": ["case-officer"],
        "GET /office/missions/:id/kit/:token": ["case-officer"],
        "POST /office/campaigns/:id/publications": ["administrator", "editor"],
        "GET /office/cases/:id/campaigns": ["case-officer"],
        "POST /office/cases/:id/campaigns": ["case-officer"],
        "GET /office/assistance": ["case-officer"],
        "POST /office/assistance": ["case-officer"],
        "GET /office/assistance/:id": ["case-officer"],
        "POST /office/assistance/:id": ["case-officer"],
        "POST /office/assistance/:id/approve": ["case-officer"],
        "POST /office/assistance/:id/reject": ["case-officer"],
        "POST /office/assistance/:id/payments": ["case-officer"],
        "POST /office/assistance/:id/report": ["case-officer"],
        "GET /office/assistance/settings": ["administrator"],
        "POST /office/assistance/settings": ["administrator"],
        "GET /office/approvals": ["administrator"],
        "POST /office/approvals": ["administrator"],
        // Issue 20: a file's evidence page, its copy without metadata, sharing, the partner's download.
        "GET /office/cases/:id/attachments/:file/record": ["case-officer"],
        "POST /office/cases/:id/attachments/:file/copies": ["case-officer"],
        "POST /office/cases/:id/attachments/:file/shares": ["case-officer"],
        "GET /partner/verifications/:id/files/:file": ["partner"]
    ]

    @Test(arguments: Engine.all)
    func everyRouteTimesEveryRole(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            try await store([publication("pub-1")], in: app)
            let target = try await TestAccounts.create("target@example.org", [.editor], in: app).account
            var browsers: [Visitor: TestBrowser] = [:]
            _ = try await PublicationStore.upsert([ArchiveOrganisation(id: "org-1", name: "Partner NGO")], on: app.db)
            // A real case, so allowed visitors reach its page and denied ones are refused before seeing it.
            let caseID = try await CaseStore.open(
                NewCase(country: "MX", label: "Matrix case"), by: "test", now: testClock.now(),
                cipher: app.site.cipher, on: app.db)
            for visitor in Visitor.allCases {
                let browser = TestBrowser(app)
                if let role = visitor.role {
                    let email = "\(role.rawValue)@example.org"
                    let (_, secret) = try await TestAccounts.create(
                        email, [role], secondFactor: role.requiresSecondFactor,
                        organisation: role == .partner ? "org-1" : nil, in: app)
                    let page = try await browser.signIn(email, secret: secret)
                    #expect(page.location == "/office", "\(visitor) signs in")
                }
                browsers[visitor] = browser
            }
            // Every internal route is declared, and the table above covers every declared route.
            let declared = app.site.routes.routes
            let internalRoutes = app.routes.all.filter {
                ["login", "logout", "office", "account", "partner"].contains($0.path.first?.description ?? "")
            }
            #expect(internalRoutes.count == declared.count, "an internal route was registered without `declare`")
            #expect(Set(declared.map { "\($0.method.rawValue) \($0.pathDescription)" }) == Set(Self.expected.keys))

            for route in declared {
                let key = "\(route.method.rawValue) \(route.pathDescription)"
                let path =
                    "/"
                    + route.path.map { segment in
                        switch segment {
                        case ":id" where route.path.contains("missions") || route.path.contains("assistance"):
                            "no-such-record"
                        case ":id":
                            route.path.contains("users")
                                ? target.id
                                : (route.path.contains("cases")
                                    ? caseID
                                    : (route.path.contains("calls")
                                        ? "a-call" : (route.path.contains("organisations") ? "org-1" : "pub-1")))
                        case ":token": "no-such-token"
                        case ":file", ":person": "no-such-record"
                        case ":month": "2026-10"
                        case ":language": "fr"
                        case ":year": "2025"
                        case ":format": "report.html"
                        default: segment
                        }
                    }.joined(separator: "/")
                guard let roles = Self.expected[key] else {  // a failure, not a crash of the whole run
                    Issue.record("\(key) is declared but has no expected roles in the matrix")
                    continue
                }
                for visitor in Visitor.allCases {
                    let browser = browsers[visitor]!
                    let allowed = roles.contains(visitor.description)
                    if route.method == .GET {
                        let page = try await browser.get(path)
                        let denied = page.status == .forbidden || page.location?.hasPrefix("/login") == true
                        #expect(denied == !allowed, "\(key) as \(visitor): \(page.status) \(page.location ?? "")")
                    } else {
                        // A wrong CSRF token: a request the route allows reaches the token check (and changes nothing);
                        // one it denies is refused before.
                        let page = try await browser.post(path, [], csrf: "wrong")
                        #expect(page.status == .forbidden, "\(key) as \(visitor)")
                        #expect(
                            page.body.contains("did not come from this site") == allowed,
                            "\(key) as \(visitor): \(page.body.prefix(0))")
                    }
                }
            }
        }
    }
}
