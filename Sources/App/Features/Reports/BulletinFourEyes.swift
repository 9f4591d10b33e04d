import Fluent
import Foundation
import ObservatoryCore

/// Four eyes on the bulletin: its introduction is the text an editor writes; the actions it lists are publications
/// already approved on their own path. The hash names the month, the language and the introduction.
enum BulletinFourEyes {
    static func subject(
        _ month: BulletinMonth,
        _ language: Language
    ) -> String { "bulletin:\(month)-\(language.rawValue)" }

    static func hash(_ month: BulletinMonth, _ language: Language, _ introduction: String) -> String {
        ContentHash.of([month.description, language.rawValue, introduction])
    }

    struct State: Sendable { var version: FourEyes.Version, approvedBy: [String] }

    static func state(_ b: Bulletin, on db: any Database) async throws -> State {
        try await state(subject(b.month, b.language), hash: hash(b.month, b.language, b.introduction), on: db)
    }

    /// The text's version and who approved exactly that text (never its last editor): the bulletin's and the
    /// annual report's rule alike.
    static func state(_ subject: String, hash: String, on db: any Database) async throws -> State {
        let version = try await FourEyesStore.version(subject, fallback: nil, on: db)
        let approvals = try await FourEyesStore.approvals(subject, on: db)
            .filter {
                $0.revision == version.revision && $0.hash == hash
                    && $0.approver.lowercased() != version.changedBy?.lowercased()
            }
        return State(version: version, approvedBy: approvals.map(\.approver))
    }
}
