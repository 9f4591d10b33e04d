import Foundation

/// What a person who reported a threat keeps to come back: 25 characters in five groups (125 random bits),
/// shown once and stored only as a hash. Typing is forgiving: case, spaces, dashes, O for 0, I/L for 1.
public enum ReceiptCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")  // Crockford's base 32

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<25).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }
        return stride(from: 0, to: 25, by: 5).map { String(characters[$0..<$0 + 5]) }.joined(separator: "-")
    }

    public static func normalise(_ typed: String) -> String {
        String(
            typed.uppercased().compactMap { c -> Character? in
                switch c {
                case "O": "0"
                case "I", "L": "1"
                case "-", " ", "\t", "\n", "\r": nil
                default: c
                }
            })
    }

    /// Whether the text could be a receipt code at all (checked before touching the database).
    public static func isWellFormed(_ typed: String) -> Bool {
        let normal = normalise(typed)
        return normal.count == 25 && normal.allSatisfy { alphabet.contains($0) }
    }

    public static func hash(_ typed: String) -> String { sha256Hex("receipt:" + normalise(typed)) }
}
