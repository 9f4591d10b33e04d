import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// The back office's side of four eyes: the hash of what a publication makes public, and the redaction check of
/// a publication that came out of a case (its intervention's case still decides which names are forbidden).
enum EditorialFourEyes {
    static func subject(_ id: String) -> String { "publication:\(id)" }

    /// Everything a publication shows the public: type, language, title, summary, text, countries, programmes,
    /// reference, links, and its date (scheduling for another day changes it, so that needs a new approval).
    static func hash(_ p: ArchivePublication) -> String {
        ContentHash.of([
            p.type.rawValue, p.kind?.rawValue ?? "", p.language.rawValue, p.title, p.summary, p.body,
            p.countries.sorted().joined(separator: ","),
            p.programmes.map(\.rawValue).sorted().joined(separator: ","),
            p.reference ?? "", p.followUpOf ?? "", p.translationOf ?? "", p.eventDate?.description ?? "",
            p.published.description
        ])
    }

    /// The confidential values of the case behind `p` (when an intervention published it) still in its text.
    static func leaks(in p: ArchivePublication, cipher: FieldCipher, on db: any Database) async throws -> [String] {
        struct Row: Decodable { let caseId: String }
        let cases = try await db.rows(
            "SELECT DISTINCT case_id FROM interventions WHERE publication_id = "
                + "\(bind: p.id)", as: Row.self
        )
        var found: [String] = []
        for row in cases {
            guard let file = try await CaseStore.find(row.caseId, cipher: cipher, on: db) else { continue }
            found += file.redactor.leaks(in: [p.title, p.summary, p.body].joined(separator: "\n"))
        }
        return found
    }

    /// The approval state shown on the form.
    struct State: Sendable {
        var version: FourEyes.Version
        var hash: String
        var approvedBy: [String]
        var exempt: Bool
    }

    static func state(
        of record: EditorialRecord, exempt: Set<PublicationType>,
        on db: any Database
    ) async throws -> State {
        let subject = subject(record.publication.id), hash = hash(record.publication)
        let version = try await FourEyesStore.version(subject, fallback: nil, on: db)
        let approvals = try await FourEyesStore.approvals(subject, on: db)
            .filter {
                $0.revision == version.revision && $0.hash == hash
                    && $0.approver.lowercased() != version.changedBy?.lowercased()
            }
        return State(
            version: version, hash: hash, approvedBy: approvals.map(\.approver),
            exempt: exempt.contains(record.publication.type))
    }
}
