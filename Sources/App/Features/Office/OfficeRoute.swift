import Fluent
import Foundation
import ObservatoryCore

/// Every internal address (sign-in, accounts, back office). Handlers are registered from `pattern` and every
/// link is made by `path`.
enum OfficeRoute: Hashable {
    case login(next: String?)
    case loginCode
    case logout
    case dashboard
    case account
    case password
    case twoFactor
    case recoveryCodes
    case endSessions
    case setup(token: String)
    case users
    case newUser
    case user(id: String)
    case userReset(id: String)
    case userResetTwoFactor(id: String)
    case audit(query: String)
    case publications(query: String)
    case newPublication
    case publication(id: String)
    case cases(status: String)
    case newCase
    case caseFile(id: String)
    case caseStatus(id: String)
    case caseKitConflict(id: String, conflict: String)
    case casePeople(id: String)
    case casePerson(id: String, person: String)
    case casePersonLanguages(id: String, person: String)
    case caseActs(id: String)
    case caseSources(id: String)
    case caseMessages(id: String)
    case caseAttachments(id: String)
    case caseAttachment(id: String, file: String)
    case caseVerifications(id: String)
    case newIntervention(caseID: String, query: String)
    case intervention(id: String)
    case addresses
    case partnerRequests
    case mail
    case bulletins
    case bulletin(month: String, language: String)
    case annualReports
    case calls
    case campaigns
    case campaignPublications(id: String)
    case caseCampaigns(id: String)
    case organisation(id: String)
    case call(id: String)
    case callAnswers(id: String)
    case annualReport(year: String)
    case annualReportFile(year: String, format: String)
    case partnerRequest(id: String)
    case missions
    case mission(id: String)
    case missionCases(id: String)
    case missionKit(id: String)
    case missionKitDownload(id: String, token: String)
    case missionKitConflict(id: String, conflict: String)
    case assistance
    case assistanceSettings
    case approvalSettings
    case assistanceRequest(id: String)
    case assistanceApprove(id: String)
    case assistanceReject(id: String)
    case assistancePayments(id: String)
    case assistanceBeneficiaryReport(id: String)
    case portraits
    case portraitSeries
    case portraitWithdraw(id: String)
    case portraitSponsors(id: String)
    case sponsorOffers

    var pattern: [String] {
        switch self {
        case .login: ["login"]
        case .loginCode: ["login", "code"]
        case .logout: ["logout"]
        case .dashboard: ["office"]
        case .account: ["account"]
        case .password: ["account", "password"]
        case .twoFactor: ["account", "two-factor"]
        case .recoveryCodes: ["account", "two-factor", "recovery-codes"]
        case .endSessions: ["account", "sessions", "end"]
        case .setup: ["account", "setup", ":token"]
        case .users: ["office", "users"]
        case .newUser: ["office", "users", "new"]
        case .user: ["office", "users", ":id"]
        case .userReset: ["office", "users", ":id", "reset-password"]
        case .userResetTwoFactor: ["office", "users", ":id", "reset-two-factor"]
        case .audit: ["office", "audit"]
        case .publications: ["office", "publications"]
        case .newPublication: ["office", "publications", "new"]
        case .publication: ["office", "publications", ":id"]
        case .cases: ["office", "cases"]
        case .newCase: ["office", "cases", "new"]
        case .caseFile: ["office", "cases", ":id"]
        case .caseStatus: ["office", "cases", ":id", "status"]
        case .caseKitConflict: ["office", "cases", ":id", "kit-conflicts", ":conflict"]
        case .casePeople: ["office", "cases", ":id", "people"]
        case .casePerson: ["office", "cases", ":id", "people", ":person"]
        case .casePersonLanguages: ["office", "cases", ":id", "people", ":person", "languages"]
        case .caseActs: ["office", "cases", ":id", "acts"]
        case .caseSources: ["office", "cases", ":id", "sources"]
        case .caseMessages: ["office", "cases", ":id", "messages"]
        case .caseAttachments: ["office", "cases", ":id", "attachments"]
        case .caseAttachment: ["office", "cases", ":id", "attachments", ":file"]
        case .caseVerifications: ["office", "cases", ":id", "verifications"]
        case .newIntervention: ["office", "cases", ":id", "interventions", "new"]
        case .intervention: ["office", "interventions", ":id"]
        case .addresses: ["office", "addresses"]
        case .partnerRequests: ["partner", "verifications"]
        case .mail: ["office", "mail"]
        case .bulletins: ["office", "bulletins"]
        case .bulletin: ["office", "bulletins", ":month", ":language"]
        case .annualReports: ["office", "reports", "annual"]
        case .calls: ["office", "calls"]
        case .campaigns: ["office", "campaigns"]
        case .campaignPublications: ["office", "campaigns", ":id", "publications"]
        case .caseCampaigns: ["office", "cases", ":id", "campaigns"]
        case .organisation: ["office", "organisations", ":id"]
        case .call: ["office", "calls", ":id"]
        case .callAnswers: ["office", "calls", ":id", "answers.csv"]
        case .annualReport: ["office", "reports", "annual", ":year"]
        case .annualReportFile: ["office", "reports", "annual", ":year", ":format"]
        case .partnerRequest: ["partner", "verifications", ":id"]
        case .missions: ["office", "missions"]
        case .mission: ["office", "missions", ":id"]
        case .missionCases: ["office", "missions", ":id", "cases"]
        case .missionKit: ["office", "missions", ":id", "kit"]
        case .missionKitDownload: ["office", "missions", ":id", "kit", ":token"]
        case .missionKitConflict: ["office", "missions", ":id", "kit-conflicts", ":conflict"]
        case .assistance: ["office", "assistance"]
        case .assistanceSettings: ["office", "assistance", "settings"]
        case .approvalSettings: ["office", "approvals"]
        case .assistanceRequest: ["office", "assistance", ":id"]
        case .assistanceApprove: ["office", "assistance", ":id", "approve"]
        case .assistanceReject: ["office", "assistance", ":id", "reject"]
        case .assistancePayments: ["office", "assistance", ":id", "payments"]
        case .assistanceBeneficiaryReport: ["office", "assistance", ":id", "report"]
        case .portraits: ["office", "portraits"]
        case .portraitSeries: ["office", "portraits", "series"]
        case .portraitWithdraw: ["office", "portraits", ":id", "withdraw"]
        case .portraitSponsors: ["office", "portraits", ":id", "sponsors"]
        case .sponsorOffers: ["office", "portraits", "sponsor-offers"]
        }
    }

    var path: String {
        var values: [String] = []
        switch self {
        case .setup(let value), .user(let value), .userReset(let value), .userResetTwoFactor(let value),
            .publication(let value),
            .caseFile(let value), .caseStatus(let value), .casePeople(let value), .caseActs(let value),
            .caseSources(let value),
            .caseMessages(let value), .caseAttachments(let value), .caseVerifications(let value),
            .intervention(let value),
            .partnerRequest(let value), .newIntervention(let value, _), .call(let value), .callAnswers(let value),
            .organisation(let value),
            .mission(let value), .missionCases(let value), .missionKit(let value), .assistanceRequest(let value),
            .assistanceApprove(let value), .assistanceReject(let value), .assistancePayments(let value),
            .assistanceBeneficiaryReport(let value):
            values = [value]
        case .casePersonLanguages(let id, let file), .missionKitDownload(let id, let file),
            .caseKitConflict(let id, let file), .missionKitConflict(let id, let file):
            values = [id, file]
        case .caseAttachment(let id, let file), .casePerson(let id, let file), .bulletin(let id, let file),
            .annualReportFile(let id, let file):
            values = [id, file]
        case .annualReport(let year): values = [year]
        case .campaignPublications(let id), .caseCampaigns(let id): values = [id]
        case .portraitWithdraw(let id), .portraitSponsors(let id): values = [id]
        default: break
        }
        let segments = pattern.map { segment -> String in
            guard segment.hasPrefix(":"), !values.isEmpty else { return segment }
            return SiteRoute.escapeSegment(values.removeFirst())
        }
        let base = "/" + segments.joined(separator: "/")
        switch self {
        case .login(let next?) where next.hasPrefix("/") && !next.hasPrefix("//"):
            return base + SiteRoute.query([("next", next)])
        case .audit(let query), .publications(let query), .newIntervention(_, let query):
            return query.isEmpty ? base : base + "?" + query
        case .cases(let status):
            return status.isEmpty ? base : base + "?status=" + SiteRoute.escapeSegment(status)
        default:
            return base
        }
    }
}
