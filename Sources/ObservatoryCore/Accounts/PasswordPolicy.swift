import Foundation

/// The rules a new password must meet: long enough, not too long for bcrypt, not a common password or a
/// common password with digits and symbols around it, and not the person's own e-mail address.
public enum PasswordPolicy {
    public static let minimumLength = 12
    /// bcrypt reads at most 72 bytes; a longer password would be silently cut, so it is refused.
    public static let maximumBytes = 72

    /// The problem with `password`, in words for the person choosing it, or nil when it is acceptable.
    public static func problem(with password: String, email: String = "") -> String? {
        if password.count < minimumLength {
            return t("password.too-short", ["n": Translations.current.number(minimumLength)])
        }
        if password.utf8.count > maximumBytes {
            return t("password.too-long", ["n": Translations.current.number(maximumBytes)])
        }
        let lowered = password.lowercased()
        let core = lowered.trimmingCharacters(in: CharacterSet.letters.inverted)
        if core.isEmpty || Set(lowered).count <= 3 { return t("password.too-easy") }
        if common.contains(lowered) || common.contains(core) || isKeyboardRun(core) {
            return t("password.common")
        }
        let local = email.lowercased().split(separator: "@").first.map(String.init) ?? ""
        if local.count >= 4 && lowered.contains(local) { return t("password.contains-email") }
        return nil
    }

    static func isKeyboardRun(_ text: String) -> Bool {
        let rows = [
            "qwertyuiopasdfghjklzxcvbnm", "abcdefghijklmnopqrstuvwxyz", "azertyuiopqsdfghjklmwxcvbn",
            "qwertzuiopasdfghjklyxcvbnm"
        ]
        return text.count >= 4 && rows.contains { $0.contains(text) }
    }

    /// Common passwords (from public breach statistics), lower case, reduced to their letters.
    static let common: Set<String> = {
        let text = bundledText("common-passwords", "txt")
        return Set(text.split(whereSeparator: \.isNewline).map { $0.lowercased() }.filter { !$0.hasPrefix("#") })
    }()
}
