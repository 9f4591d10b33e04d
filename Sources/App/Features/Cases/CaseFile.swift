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

    /// The redactor for this case's public texts: names of those not agreeing to be named and of the members of
    /// missions linked to the case, contacts, sources, notes, and everything else sealed about the case.
    var redactor: Redactor { redactor(in: nil) }

    /// The redactor for a text in `language`: people replaced by their description in that language, every recorded
    /// spelling of their names hidden. Without one in that language, the case file's description, or none when
    /// `strict` (a translation: `Redactor.undescribed` then names them). `nil` or English: the case file's.
    func redactor(in language: Language?, strict: Bool = false) -> Redactor {
        var secrets = people.map(\.contact) + sources.flatMap { [$0.description, $0.contact] } + [notes, label]
        secrets += messages.map(\.body) + verifications.flatMap { [$0.shared, $0.note ?? .empty] }
        secrets += attachments.map(\.filename)
        secrets += assistance.flatMap { [$0.purpose, $0.rejection ?? .empty, $0.reportNote ?? .empty] }
        var clear = secrets.map { $0.reveal() }
        clear += missions.flatMap { m in
            ([
                m.title, m.members, m.objectives, m.logistics, m.securityPlan,
                m.findings
            ] + m.concerned.map(\.concern)).map { $0.reveal() }
        }
        var persons = people.enumerated().map {
            PersonLanguages.redacted(
                $0.element, number: $0.offset + 1,
                in: language, strict: strict)
        }
        persons += missions.flatMap { CaseFile.members(of: $0) }.map {
            Redactor.Person(
                name: $0, consentsToBeNamed: false,
                description: PersonLanguages.missionMember(in: language ?? .en))
        }
        return Redactor(people: persons, secrets: clear)
    }

    /// The people of a mission's members field ("Ana Ruiz (lawyer), Ben Okafor (interpreter)"): each name, roles
    /// in brackets left out.
    static func members(of mission: Mission) -> [String] {
        var names: [String] = []
        for entry in mission.members.reveal().split(whereSeparator: { ",;\n".contains($0) }) {
            var name = "", depth = 0
            for c in entry {
                if c == "(" || c == "[" {
                    depth += 1
                } else if c == ")" || c == "]" {
                    depth = max(0, depth - 1)
                } else if depth == 0 {
                    name.append(c)
                }
            }
            let trimmed = name.split(separator: ":").last.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            if !trimmed.isEmpty { names.append(trimmed) }
        }
        return names
    }
}

struct AtRisk: Sendable {
    var id: String
    var kind: AtRiskKind
    var name: Confidential
    var consentsToBeNamed: Bool
    var publicDescription: String
    var contact: Confidential
    /// The description and spelling of the name in other languages (migration 033).
    var languages: [Language: PersonLanguages.Entry] = [:]
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
