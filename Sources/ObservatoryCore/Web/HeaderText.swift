/// Control characters in header values: CR and LF split a response (a forged header or body), a tab or a NUL
/// is read differently by different clients. No header this site sends needs any of them.
public enum HeaderText {
    /// C0 controls (tab, CR and LF included), DEL and the C1 controls.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Whether a header name or value holds a control character.
    public static func hasControl(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isControl)
    }
}

/// Text for XML 1.0 documents (feeds): XML forbids most control characters, even escaped, and a feed holding one
/// is not well formed, so a feed reader rejects the whole feed.
public enum XMLText {
    /// Whether XML 1.0 allows the character (`Char` in the specification), leaving out the discouraged C1 controls.
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: true
        case 0x20...0x7E, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// `text` without the characters XML 1.0 forbids (and C1 controls), everything else unchanged.
    public static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !isAllowed($0) }) else { return text }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: text.unicodeScalars.lazy.filter(isAllowed))
        return String(out)
    }
}
