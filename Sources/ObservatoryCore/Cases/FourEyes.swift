import Crypto
import Foundation

/// Four eyes on every path to the public: who may approve which version, and whether a version may go out.
///
/// A version is one exact text (its `ContentHash`) at one revision (a counter raised by every change). The
/// approver must not be the author of the latest change, so each of two people has seen what the other
/// wrote (the rule code review applies to the latest push). Any change raises the revision and so voids
/// every earlier approval. The same rule serves interventions, the back office, bulletins and schedules.
public enum FourEyes {
    /// The latest change of a text: its revision and who made it (nil for an import: nobody in the office).
    public struct Version: Sendable, Equatable {
        public var revision: Int
        public var changedBy: String?
        public init(revision: Int, changedBy: String?) { self.revision = revision; self.changedBy = changedBy }
    }

    public struct Approval: Sendable, Equatable {
        public var revision: Int
        public var hash: String
        public var approver: String
        public init(revision: Int, hash: String, approver: String) {
            self.revision = revision; self.hash = hash; self.approver = approver
        }
    }

    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// The approver wrote the latest change.
        case ownChange
        /// The text changed since the approver read it.
        case changedSinceRead
        /// No second person approved this exact version.
        case notApproved

        public var description: String {
            switch self {
            case .ownChange:
                "You made the latest change to this text: another person must approve it."
            case .changedSinceRead:
                "The text changed since you opened it: read the new version before approving it."
            case .notApproved:
                "This exact version has not been approved by a second person: have it approved first (any "
                    + "change needs a new approval)."
            }
        }
    }

    /// Whether `approver`, who read the text at revision `read` and hash `readHash`, may approve the current one.
    public static func mayApprove(
        _ approver: String, current: Version, currentHash: String,
        read: Int?, readHash: String?
    ) -> Refusal? {
        if let read, read != current.revision { return .changedSinceRead }
        if let readHash, readHash != currentHash { return .changedSinceRead }
        if normalized(approver) == current.changedBy.map(normalized) { return .ownChange }
        return nil
    }

    /// Whether the text with `hash` may go public now: approved by someone other than the latest author, at the
    /// current revision, for exactly this hash; or its type is exempt.
    public static func mayPublish(hash: String, current: Version, approvals: [Approval], exempt: Bool) -> Refusal? {
        if exempt { return nil }
        let valid = approvals.contains {
            $0.revision == current.revision && $0.hash == hash
                && normalized($0.approver) != current.changedBy.map(normalized)
        }
        return valid ? nil : .notApproved
    }

    static func normalized(_ email: String) -> String { email.trimmingCharacters(in: .whitespaces).lowercased() }
}

/// The hash naming one exact version of a text: SHA-256 over its fields, each prefixed by its length, so that
/// moving a character from one field to the next changes it.
public enum ContentHash {
    public static func of(_ fields: [String]) -> String {
        var hasher = SHA256()
        for field in fields {
            let bytes = Array(field.utf8)
            hasher.update(data: Array("\(bytes.count):".utf8))
            hasher.update(data: bytes)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
