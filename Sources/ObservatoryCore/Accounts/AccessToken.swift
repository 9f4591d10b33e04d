import Crypto
import Foundation

/// Personal access tokens for the API: `obs_pat_` and 43 base64url characters of a 32-byte random secret. Only the
/// SHA-256 of the whole token is stored; the token itself is shown once, when it is made.
public enum AccessToken {
    public static let prefix = "obs_pat_"
    /// Length of the whole token: the prefix and 32 bytes in unpadded base64url.
    public static let length = prefix.count + 43

    /// What a token may do.
    public enum Scope: String, CaseIterable, Sendable, Comparable {
        /// Read back-office publications (drafts, scheduled) of the account's reach.
        case publicationsRead = "publications:read"
        /// Create and update drafts of publications, through the office's rules.
        case publicationsWrite = "publications:write"

        public static func < (a: Scope, b: Scope) -> Bool { a.rawValue < b.rawValue }

        /// Parses a stored list ("publications:read publications:write"); unknown names are dropped.
        public static func set(from stored: String) -> Set<Scope> {
            Set(stored.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Scope(rawValue: String($0)) })
        }
        public static func stored(_ scopes: Set<Scope>) -> String {
            scopes.sorted().map(\.rawValue).joined(separator: " ")
        }
    }

    /// A new token and the hash to store.
    public static func make() -> (token: String, hash: String) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let token = prefix + base64url(bytes)
        return (token, hash(token))
    }

    /// The hex SHA-256 of a token, as stored.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `text` has the shape of a token (prefix, length, alphabet), before any look-up.
    public static func isWellFormed(_ text: String) -> Bool {
        guard text.utf8.count == length, text.hasPrefix(prefix) else { return false }
        return text.utf8.dropFirst(prefix.utf8.count).allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2D || byte == 0x5F
        }
    }

    /// Whether `text` contains something that looks like a token: used to refuse tokens in addresses.
    public static func containsToken(_ text: String) -> Bool { text.range(of: prefix) != nil }

    /// The token of an `Authorization` header value, or why it is not acceptable.
    public enum HeaderProblem: Error, Equatable, Sendable { case notBearer, malformed }
    public static func bearer(_ header: String) -> Result<String, HeaderProblem> {
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return .failure(.notBearer) }
        let token = String(parts[1])
        return isWellFormed(token) ? .success(token) : .failure(.malformed)
    }

    /// Lifetimes offered when a token is made, in days; a token always expires, within a year.
    public static let lifetimes = [7, 30, 90, 180, 365]
    public static let maximumDays = 366

    /// The expiry of a token made at `now` for `days`, or nil when the lifetime is not allowed.
    public static func expiry(days: Int, from now: Int64) -> Int64? {
        guard (1...maximumDays).contains(days) else { return nil }
        return now + Int64(days) * 86_400
    }

    /// A token's name: 1 to 80 visible characters, no control characters.
    public static func nameProblem(_ name: String) -> String? {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return "Give the token a name (what it is for, e.g. “newsroom importer”)." }
        if trimmed.count > 80 { return "Keep the name under 80 characters (it has \(trimmed.count))." }
        if trimmed.unicodeScalars.contains(where: {
            $0.properties.generalCategory == .control
                || $0.properties.generalCategory == .format
        }) {
            return "The name contains control characters."
        }
        return nil
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// The position after the last item of an API page: the sort key of that item (publication date, then id), opaque
/// to clients. Paging by key, not by offset, so items inserted meanwhile neither repeat nor vanish from later pages.
public struct PageCursor: Equatable, Sendable {
    public let date: CivilDate
    public let id: String

    public init(date: CivilDate, id: String) { self.date = date; self.id = id }

    /// `v1.` and the base64url of `YYYY-MM-DD|id`.
    public var encoded: String { "v1." + AccessToken.base64url(Array("\(date.description)|\(id)".utf8)) }

    /// The cursor `text` names, or nil for anything the server did not make.
    public init?(_ text: String) {
        guard text.utf8.count <= 300, text.hasPrefix("v1.") else { return nil }
        var body = String(text.dropFirst(3)).replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        guard !body.contains("="),
            body.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/") })
        else { return nil }
        while body.count % 4 != 0 { body += "=" }
        guard let data = Data(base64Encoded: body), let plain = String(data: data, encoding: .utf8) else { return nil }
        let parts = plain.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let date = CivilDate(String(parts[0])), date.description == parts[0],
            Self.isID(String(parts[1]))
        else { return nil }
        self.date = date
        self.id = String(parts[1])
        guard encoded == text else { return nil }
    }

    /// Publication ids as the archive allows them: 1 to 200 ASCII letters, digits, `-`, `_`, `.`, `:`.
    public static func isID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 200
            && text.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0)
                    || (0x61...0x7A).contains($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E || $0 == 0x3A
            }
    }
}
