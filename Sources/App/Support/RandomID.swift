import Foundation

/// New random ids: a prefix and 12 letters and digits.
enum RandomID {
    static func make(_ prefix: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return prefix + "-" + String((0..<12).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
