import Foundation
import ObservatoryCore

/// A case as case officers read it, confidential values decrypted. Never handed to a public page.
struct CaseFile: Sendable {
    var id: String
    var status: CaseStatus
    var outcome: Outcome?
    var country: String
    var risk: RiskLevel
    var origin: String
    var label: Confidential
    var notes: Confidential
    var openedAt: Int64
    var statusChangedAt: Int64
    var lastActivityAt: Int64
    var people: [AtRisk] = []
    var acts: [Act] = []
    var sources: [Source] = []
    var attachments: [AttachmentInfo] = []
    var messages: [Message] = []
    var verifications: [Verification] = []
    var interventions: [InterventionSummary] = []
    var events: [TimelineEvent] = []
    var missions: [Mission] = []
    var assistance: [AssistanceRequest] = []

    var countryName: String { CountryDirectory.shared.country(code: country)?.name ?? country }

    /// The redactor for this case's public texts: names of those not agreeing to be named, contacts, sources, notes.
    var redactor: Redactor {
        var secrets = people.map(\.contact) + sources.flatMap { [$0.description, $0.contact] } + [notes, label]
        secrets += messages.map(\.body) + verifications.flatMap { [$0.shared, $0.note ?? .empty] }
        secrets += attachments.map(\.filename)
        return Redactor(people: people.map { Redactor.Person(name: $0.name.reveal(),
                                                             consentsToBeNamed: $0.consentsToBeNamed,
                                                             description: $0.publicDescription) },
                        secrets: secrets.map { $0.reveal() })
    }
}

struct AtRisk: Sendable {
    var id: String
    var kind: AtRiskKind
    var name: Confidential
    var consentsToBeNamed: Bool
    var publicDescription: String
    var contact: Confidential
    /// How public texts refer to them.
    var publicName: String { consentsToBeNamed ? name.reveal() : publicDescription }
}

struct Act: Sendable {
    var id: String
    var type: ActType
    var occurredOn: String?
    var place: Confidential
    var perpetrator: PerpetratorType
    var perpetratorDetail: Confidential
}

struct Source: Sendable {
    var id: String
    var description: Confidential
    var contact: Confidential
    var addedAt: Int64
}

struct AttachmentInfo: Sendable {
    var id: String
    var filename: Confidential
    var contentType: String
    var size: Int
    var addedAt: Int64
    var addedBy: String
}

struct Message: Sendable {
    var id: String
    var at: Int64
    var author: String
    var fromReporter: Bool
    var body: Confidential
}

struct Verification: Sendable {
    var id: String
    var caseID: String
    var organisationID: String
    var organisationName: String
    var shared: Confidential
    var askedAt: Int64
    var askedBy: String
    var answer: VerificationAnswer?
    var note: Confidential?
    var answeredAt: Int64?
    var answeredBy: String?
    /// The partner's access ends then (nil: no end).
    var expiresAt: Int64? = nil

    func isOpen(at now: Int64) -> Bool { expiresAt.map { now < $0 } ?? true }
}

struct TimelineEvent: Sendable {
    var at: Int64
    var actor: String
    var summary: String
}

/// New random ids: a prefix and 12 letters and digits.
enum RandomID {
    static func make(_ prefix: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return prefix + "-" + String((0..<12).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

extension Date {
    var seconds: Int64 { Int64(timeIntervalSince1970) }
}
