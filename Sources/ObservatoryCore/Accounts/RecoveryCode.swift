import Crypto

/// One-time recovery codes, for a person who has lost their authenticator. Shown once, stored hashed.
public enum RecoveryCode {
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")  // no 0/o, 1/l/i

    /// `count` new codes like `k7rm-2xqp-9hvd` (about 74 bits each).
    public static func generate(count: Int = 10) -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            (0..<3).map { _ in String((0..<4).map { _ in alphabet.randomElement(using: &generator)! }) }.joined(
                separator: "-")
        }
    }

    /// What a person typed, reduced to the code's letters: case, spaces and dashes do not matter.
    public static func normalise(_ typed: String) -> String {
        String(typed.lowercased().filter { $0 != "-" && !$0.isWhitespace })
    }

    /// The stored form: SHA-256 of the normalised code, in hex (the codes are random, so no salt is needed).
    public static func hash(_ typed: String) -> String { sha256Hex(normalise(typed)) }
}

/// SHA-256 of a string's UTF-8 bytes, as lower-case hex.
public func sha256Hex(_ text: String) -> String {
    SHA256.hash(data: Array(text.utf8)).map { byte in
        let hex = String(byte, radix: 16)
        return byte < 16 ? "0" + hex : hex
    }.joined()
}
