import Foundation
import ObservatoryCore

/// An intervention as case officers see it: the draft (opened, but `Confidential`: the text before redaction
/// shows only through `.reveal()`, in office views and the redactor) and, once approved, its public version.
struct Intervention: Sendable {
    var id: String
    var caseID: String
    var kind: InterventionKind
    var language: Language
    var followUpOf: String?
    var translationOf: String?
    var title: Confidential
    var summary: Confidential
    var body: Confidential
    var status: InterventionStatus
    var draftedBy: String
    var draftedAt: Int64
    var approvedBy: String?
    var approvedAt: Int64?
    var reference: String?
    var publicTitle: String?
    var publicSummary: String?
    var publicBody: String?
    var publicationID: String?
    var publishedAt: Int64?
    /// The latest change of the text (four eyes): its revision and author.
    var revision: Int = 0
    var lastChangedBy: String = ""

    /// What four-eyes records name this intervention by.
    var subject: String { "intervention:\(id)" }
    var draftHash: String { ContentHash.of([title.reveal(), summary.reveal(), body.reveal()]) }

    var role: String {
        if translationOf != nil { return "Translation (\(language.rawValue.uppercased()))" }
        return followUpOf != nil ? "Follow-up" : "Original"
    }
}

/// A line of the case's list of interventions.
struct InterventionSummary: Sendable, Decodable {
    let id: String, kind: String, language: String, status: String, reference: String?, followUpOf: String?
    let translationOf: String?, draftedBy: String, draftedAt: Int64, publicationId: String?, publishedAt: Int64?
}

/// The public version of a draft: redacted with the case's redactor; `leaks` lists what would still betray someone.
struct PublicVersion: Sendable {
    var title: String
    var summary: String
    var body: String
    var leaks: [String]

    /// The hash naming this exact public version: what an approval is for.
    var hash: String { ContentHash.of([title, summary, body]) }

    init(of draft: Intervention, redactor: Redactor) {
        title = redactor.redact(draft.title.reveal())
        summary = redactor.redact(draft.summary.reveal())
        body = redactor.redact(draft.body.reveal())
        leaks = redactor.leaks(in: [title, summary, body].joined(separator: "\n"))
    }
}
