import Foundation

/// The source a public-form limit counts: the client's address, except that an IPv6 address counts as its /64.
/// One subscriber line or host is normally given a whole /64 (2^64 addresses), so counting single IPv6 addresses
/// would let anyone pick a fresh one per request and never reach a limit or bulk triage.
public enum ClientSource {
    /// `address` as the source it belongs to: an IPv4 address (also when IPv4-mapped) as it is, an IPv6 address as
    /// its first four groups (`2001:db8:0:1::/64`), anything unparsable as typed.
    public static func network(of address: String) -> String {
        var text = Substring(address.trimmingCharacters(in: [" ", "[", "]"]))
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        guard text.contains(":"), let groups = ipv6Groups(text) else { return address }
        if groups[0..<5].allSatisfy({ $0 == 0 }), groups[5] == 0xFFFF {
            return "\(groups[6] >> 8).\(groups[6] & 0xFF).\(groups[7] >> 8).\(groups[7] & 0xFF)"
        }
        return groups[0..<4].map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
    }

    /// The eight 16-bit groups of an IPv6 address (with `::` and a trailing dotted IPv4 part), or nil.
    static func ipv6Groups(_ text: Substring) -> [UInt16]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func parse(_ part: String) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var groups: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    let bytes = piece.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
                    guard bytes.count == 4 else { return nil }
                    groups += [UInt16(bytes[0]) << 8 | UInt16(bytes[1]), UInt16(bytes[2]) << 8 | UInt16(bytes[3])]
                } else {
                    guard (1...4).contains(piece.count), let group = UInt16(piece, radix: 16) else { return nil }
                    groups.append(group)
                }
            }
            return groups
        }
        guard let head = parse(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = parse(halves[1]), head.count + tail.count < 8 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}
