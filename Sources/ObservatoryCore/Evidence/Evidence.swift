import Crypto
import Foundation

/// Evidence that stays evidence (issue 20, after the Berkeley Protocol's integrity and chain of custody): every
/// file is hashed with SHA-256 when it arrives, the hash is kept with it, and what is read back is checked against
/// it. An export bundle lists the files in the `sha256sum -c` format so a third party can check them.
public enum Evidence {
    /// SHA-256 of the bytes, lower-case hexadecimal (what `sha256sum` prints).
    public static func sha256(_ bytes: some Sequence<UInt8>) -> String {
        SHA256.hash(data: Array(bytes)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether a text is a SHA-256 as `sha256(_:)` writes it.
    public static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// What a read of stored bytes found.
    public enum Integrity: Sendable, Equatable {
        case intact
        /// The bytes no longer hash to what was recorded when the file arrived.
        case altered(expected: String, found: String)
        /// No hash was ever recorded (cannot happen after migration 037; reported rather than trusted).
        case unrecorded

        public var isIntact: Bool { self == .intact }

        /// The problem in words, for the office and the command line.
        public var problem: String? {
            switch self {
            case .intact: nil
            case .altered(let expected, let found):
                "the stored bytes no longer match the SHA-256 recorded when the file arrived "
                    + "(recorded \(expected), now \(found))"
            case .unrecorded: "no SHA-256 was recorded for this file"
            }
        }
    }

    public static func check(_ bytes: some Sequence<UInt8>, recorded: String?) -> Integrity {
        guard let recorded, isSHA256(recorded) else { return .unrecorded }
        let found = sha256(bytes)
        return found == recorded ? .intact : .altered(expected: recorded, found: found)
    }

    /// The file name extension for an accepted type.
    public static func fileExtension(_ contentType: String) -> String {
        switch contentType {
        case "application/pdf": "pdf"
        case "image/jpeg": "jpg"
        case "image/png": "png"
        case "text/plain": "txt"
        default: "bin"
        }
    }

    /// Where a file goes in an export bundle: made of its id and type only (never the name it was sent with, which
    /// is confidential and could hold a line break that would break `SHA256SUMS`).
    public static func bundlePath(fileID: String, contentType: String, derived: Bool) -> String {
        let safeID = String(
            fileID.unicodeScalars.filter {
                $0.isASCII
                    && (CharacterSet.alphanumerics.contains($0)
                        || $0 == "-")
            }.map(Character.init))
        return "\(derived ? "derived" : "originals")/\(safeID.isEmpty ? "file" : safeID).\(fileExtension(contentType))"
    }

    /// `SHA256SUMS` as `sha256sum` writes it and `sha256sum -c` reads it: `hash`, two spaces, the path; one a line,
    /// sorted by path. Paths with a backslash or a line break are refused (they need `sha256sum`'s escapes).
    public static func sums(_ entries: [(path: String, sha256: String)]) -> String {
        entries.sorted { $0.path < $1.path }.map { entry in
            precondition(
                isSHA256(entry.sha256) && !entry.path.contains(where: { $0 == "\\" || $0.isNewline }),
                "a bundle path made by bundlePath(fileID:contentType:derived:)")
            return "\(entry.sha256)  \(entry.path)\n"
        }.joined()
    }

    /// Reads `SHA256SUMS` back: path → hash; nil when a line is not in the format.
    public static func parseSums(_ text: String) -> [String: String]? {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[1].isEmpty, isSHA256(String(parts[0])), !parts[2].isEmpty else { return nil }
            result[String(parts[2])] = String(parts[0])
        }
        return result
    }
}

/// The moments in a file's custody, each an entry of the audit chain (record type `attachment`, the file's id).
public enum CustodyEvent: String, Sendable, CaseIterable, Codable {
    case received = "evidence.received"
    /// Downloaded by a case officer (recorded as `case.attachment.view` on the case, with the file's id as detail).
    case viewed = "case.attachment.view"
    /// A copy made from this file (on the original), or this file made from another (on the copy).
    case copyMade = "evidence.copy"
    case derived = "evidence.derived"
    case shared = "evidence.shared"
    case partnerViewed = "evidence.partner.view"
    case exported = "evidence.exported"
    /// Put in an offline mission kit (issue 20's kit, a later session).
    case includedInKit = "evidence.kit"

    public var label: String {
        switch self {
        case .received: "Received"
        case .viewed: "Viewed (downloaded)"
        case .copyMade: "Copy made from it"
        case .derived: "Made from another file"
        case .shared: "Shared with a partner"
        case .partnerViewed: "Viewed by a partner"
        case .exported: "Exported"
        case .includedInKit: "Included in a mission kit"
        }
    }
}

/// The JSON manifest of an evidence bundle (`manifest.json`), beside `SHA256SUMS`.
public struct EvidenceManifest: Codable, Sendable, Equatable {
    public struct Custody: Codable, Sendable, Equatable {
        public var sequence: Int64
        public var at: String
        public var actor: String
        public var event: String
        public var detail: String
        public init(sequence: Int64, at: String, actor: String, event: String, detail: String) {
            self.sequence = sequence; self.at = at; self.actor = actor; self.event = event; self.detail = detail
        }
    }

    public struct File: Codable, Sendable, Equatable {
        public var id: String
        public var path: String
        public var name: String
        public var contentType: String
        public var bytes: Int
        public var sha256: String
        public var receivedAt: String
        public var receivedBy: String
        public var derivedFrom: String?
        public var derivation: String?
        public var custody: [Custody]
        public init(
            id: String, path: String, name: String, contentType: String, bytes: Int, sha256: String,
            receivedAt: String, receivedBy: String, derivedFrom: String?, derivation: String?,
            custody: [Custody]
        ) {
            self.id = id; self.path = path; self.name = name; self.contentType = contentType; self.bytes = bytes
            self.sha256 = sha256; self.receivedAt = receivedAt; self.receivedBy = receivedBy
            self.derivedFrom = derivedFrom; self.derivation = derivation; self.custody = custody
        }
    }

    public static let fileName = "manifest.json"
    public static let sumsName = "SHA256SUMS"
    public var format = 1
    public var caseID: String
    public var exportedAt: String
    public var exportedBy: String
    /// The audit entry that records this export (`SEQ:HASH`, checkable with `observatory audit verify --head`).
    public var auditEntry: String
    public var files: [File]

    public init(caseID: String, exportedAt: String, exportedBy: String, auditEntry: String, files: [File]) {
        self.caseID = caseID; self.exportedAt = exportedAt; self.exportedBy = exportedBy
        self.auditEntry = auditEntry; self.files = files
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
