import Crypto
import Foundation

/// The CSRF token of a form shown before sign-in. The browser holds a random value in a cookie; the form holds
/// that value's HMAC under a key derived from the site's key (`FieldCipher.derivedKey(purpose: "csrf-pre-session")`).
/// An attacker who can plant a cookie (a sibling subdomain, a plain-HTTP hop) still cannot compute the field that
/// goes with it, and a cookie planted with the same value as the field never matches.
public enum PreSessionToken {
    public static let purpose = "csrf-pre-session"

    /// The field for `cookie`: `p` and 64 hex digits.
    public static func field(for cookie: String, key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("csrf:\(cookie)".utf8), using: key)
        return "p" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `field` is the one for `cookie` (compared in constant time).
    public static func matches(field: String, cookie: String, key: SymmetricKey) -> Bool {
        let expected = Array(Self.field(for: cookie, key: key).utf8), given = Array(field.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
