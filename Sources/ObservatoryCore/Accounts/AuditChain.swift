import Crypto
import Foundation

/// One entry of the audit trail. Each entry carries the hash of the one before it, so altering or deleting
/// any entry breaks the chain at that point (`AuditChain.verify`).
public struct AuditEntry: Sendable, Equatable {
    public var sequence: Int64
    /// UTC, ISO 8601 to the second: `2026-11-23T20:41:00Z`.
    public var at: String
    /// The account's e-mail, or `anonymous` / `system`.
    public var actor: String
    /// What happened, dotted: `login.success`, `publication.publish`, `user.create`.
    public var action: String
    public var recordType: String
    public var recordID: String
    /// A short, non-confidential description (never a password, code or confidential value).
    public var detail: String
    /// The client address, for sign-in events only.
    public var address: String
    public var previousHash: String

    public init(
        sequence: Int64, at: String, actor: String, action: String, recordType: String = "", recordID: String = "",
        detail: String = "", address: String = "", previousHash: String
    ) {
        self.sequence = sequence; self.at = at; self.actor = actor; self.action = action; self.recordType = recordType
        self.recordID = recordID; self.detail = detail; self.address = address; self.previousHash = previousHash
    }

    /// Every field, each prefixed by its length so no two entries can serialise alike.
    var serialised: String {
        let fields = [String(sequence), at, actor, action, recordType, recordID, detail, address, previousHash]
        return fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }

    /// The legacy, unkeyed hash (SHA-256 of the fields): anyone who can write the database can recompute it.
    /// Only trails written before the chain was keyed use it (`AuditChain.Scheme.sha256`).
    public var hash: String { sha256Hex(serialised) }

    /// The keyed hash: HMAC-SHA256 of the fields under the audit-chain key, which lives outside the database,
    /// so a database writer without the key cannot make an edited entry verify.
    public func hash(key: SymmetricKey) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Array(serialised.utf8), using: key)).map {
            String(
                format: "%02x",
                $0)
        }
        .joined()
    }

    /// The hash under a scheme: keyed when a key is given, the legacy SHA-256 otherwise.
    public func hash(key: SymmetricKey?) -> String { key.map { hash(key: $0) } ?? hash }
}

/// Checks a whole audit trail, in order of sequence.
public enum AuditChain {
    /// The hash the first entry points back to.
    public static let genesis = String(repeating: "0", count: 64)

    public enum Break: Equatable, Sendable, CustomStringConvertible {
        /// The entry's stored hash is not the hash of its fields: it was edited.
        case altered(sequence: Int64)
        /// The entry does not point to the entry stored before it: something between was deleted or inserted.
        case unlinked(sequence: Int64, after: Int64?)
        /// The trail ends before the last entry ever written: entries at the end were deleted.
        case truncated(lastStored: Int64?, expected: Int64)

        /// The entry at the anchor (`--head SEQ:HASH`) does not hold the anchored hash: the trail up to it was
        /// rewritten.
        case anchorMismatch(sequence: Int64)
        /// The trail skips the anchored entry: it was deleted.
        case anchorMissing(sequence: Int64)

        public var description: String {
            switch self {
            case .anchorMismatch(let n): "entry #\(n) does not hold the anchored hash: the trail up to it was rewritten"
            case .anchorMissing(let n): "entry #\(n), the anchor, is missing: it was deleted"
            case .altered(let n): "entry #\(n) was altered: its content no longer matches its hash"
            case .unlinked(let n, let after):
                "entry #\(n) does not follow entry #\(after.map(String.init) ?? "none"): entries between were deleted or inserted"
            case .truncated(let last, let expected):
                "the trail ends at entry #\(last.map(String.init) ?? "none") but entry #\(expected) was written: entries at the end were deleted"
            }
        }
    }

    /// The key the chain is computed with: `FieldCipher.derivedKey(purpose: "audit-chain")`.
    public static let keyPurpose = "audit-chain"

    /// Incremental verifier: feed entries in order, with their stored hashes. With a key, each hash must be the
    /// entry's HMAC under that key; without one (a trail from before the chain was keyed), its plain SHA-256.
    public struct Verifier: Sendable {
        public private(set) var count = 0
        public private(set) var lastSequence: Int64? = nil
        public private(set) var lastHash = AuditChain.genesis
        public private(set) var firstBreak: Break? = nil
        /// The anchor to meet on the way (`audit verify --head SEQ:HASH`), and whether it was met.
        public private(set) var anchor: Anchor? = nil
        public private(set) var anchorMet = false
        private let key: SymmetricKey?

        public init(key: SymmetricKey? = nil, anchor: Anchor? = nil) { self.key = key; self.anchor = anchor }

        public mutating func check(_ entry: AuditEntry, storedHash: String) {
            count += 1
            defer { lastSequence = entry.sequence; lastHash = storedHash }
            guard firstBreak == nil else { return }
            if let anchor, entry.sequence == anchor.sequence {
                if storedHash != anchor.hash {
                    firstBreak = .anchorMismatch(sequence: anchor.sequence)
                } else {
                    anchorMet = true
                }
                if firstBreak != nil { return }
            } else if let anchor, !anchorMet, entry.sequence > anchor.sequence {
                firstBreak = .anchorMissing(sequence: anchor.sequence)
                return
            }
            if entry.hash(key: key) != storedHash {
                firstBreak = .altered(sequence: entry.sequence)
            } else if entry.previousHash != lastHash {
                firstBreak = .unlinked(sequence: entry.sequence, after: lastSequence)
            }
        }

        /// Call at the end with the head recorded apart from the trail (sequence and hash of the last entry written).
        public mutating func finish(expectedHead: (sequence: Int64, hash: String)?) -> Break? {
            if firstBreak == nil, let anchor, !anchorMet {
                firstBreak = .truncated(lastStored: lastSequence, expected: anchor.sequence)
            }
            if firstBreak == nil, let head = expectedHead, head.sequence != lastSequence || head.hash != lastHash {
                firstBreak =
                    (lastSequence ?? 0) < head.sequence
                    ? .truncated(lastStored: lastSequence, expected: head.sequence)
                    : .unlinked(sequence: lastSequence ?? 0, after: head.sequence)
            }
            return firstBreak
        }
    }
}

/// A head recorded elsewhere (`observatory audit head`): the sequence and hash of an entry.
public struct Anchor: Sendable, Equatable, CustomStringConvertible {
    public var sequence: Int64
    public var hash: String
    public init(sequence: Int64, hash: String) { self.sequence = sequence; self.hash = hash }

    /// `SEQ:HASH`, as `audit head` prints it; nil names nothing.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let sequence = Int64(parts[0]), sequence > 0, parts[1].count == 64,
            parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        else { return nil }
        self.sequence = sequence; self.hash = String(parts[1])
    }

    public var description: String { "\(sequence):\(hash)" }
}

/// `2026-11-23T20:41:00Z` for a number of seconds since 1970.
public func iso8601(seconds: Int64) -> String {
    let days = Int((Double(seconds) / 86_400).rounded(.down))
    let rest = Int(seconds) - days * 86_400
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(CivilDate(daysSinceEpoch: days))T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))Z"
}
