import Foundation

/// A Tor onion service address for the `Onion-Location` header: `http://` and a version-3 address (56 base32
/// letters, the last one `d` for version 3) then `.onion`, with nothing after it but an optional `/`.
public struct OnionAddress: Sendable, Equatable {
    /// `http://<56 letters>.onion`, lower case, no trailing slash.
    public let origin: String

    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case scheme, length(Int), alphabet(Character), version, trailing
        public var description: String {
            switch self {
            case .scheme: "expected http://<56 letters>.onion (Tor Browser wants http:// for an onion service)"
            case .length(let n): "an onion address has 56 letters before .onion, this one has \(n)"
            case .alphabet(let c): "an onion address uses only a-z and 2-7, not \"\(c)\""
            case .version: "not a version-3 onion address (its last letter is d)"
            case .trailing: "nothing may follow .onion but a slash (the path and query are the page's)"
            }
        }
    }

    public init(_ text: String) throws {
        let lower = text.lowercased()
        guard lower.hasPrefix("http://") else { throw Invalid.scheme }
        var rest = Substring(lower.dropFirst("http://".count))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let dot = rest.range(of: ".onion") else { throw Invalid.scheme }
        guard dot.upperBound == rest.endIndex else { throw Invalid.trailing }
        let label = rest[..<dot.lowerBound]
        guard label.count == 56 else { throw Invalid.length(label.count) }
        if let bad = label.first(where: { !(("a"..."z").contains($0) || ("2"..."7").contains($0)) }) {
            throw Invalid.alphabet(bad)
        }
        guard label.last == "d" else { throw Invalid.version }
        origin = "http://" + label + ".onion"
    }

    /// The same page on the onion service: the origin, then the path and query as requested.
    public func location(pathAndQuery: String) -> String {
        origin + (pathAndQuery.hasPrefix("/") ? pathAndQuery : "/" + pathAndQuery)
    }
}
