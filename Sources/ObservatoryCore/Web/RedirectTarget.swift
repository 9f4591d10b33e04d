/// The one rule for where this site may send a browser (`Location`): a path on this site, never another site.
///
/// Browsers drop tabs, CR and LF from a URL and read `\` as `/`, so `/\t/evil.example` and `/\evil.example`
/// become `//evil.example`: another host. Percent-encoded forms (`/%09/evil.example`, `/%2F%2Fevil.example`)
/// reach a proxy or a later redirect decoded. A target is therefore refused when, as typed or after any
/// percent-decoding, it does not start with exactly one `/`, holds a backslash, or holds any control character.
/// What is accepted is returned as plain ASCII (other characters percent-encoded), so it is also a safe header value.
public enum RedirectTarget {
    /// Longest target accepted; anything longer is refused (a header nobody needs).
    public static let maximumLength = 2_000

    /// `raw` if it is a same-site path (with its query), ready for `Location`; nil otherwise.
    public static func sameSite(_ raw: String) -> String? {
        guard !raw.isEmpty, raw.utf8.count <= maximumLength, isSafe(raw) else { return nil }
        // Each decoding of the path must be safe too (`%252F` is `%2F` once, `/` twice).
        let path = raw.prefix { $0 != "?" && $0 != "#" }
        var decoded = String(path)
        for _ in 0..<4 {
            guard let next = decoded.removingPercentEncodingLeniently(), next != decoded else { break }
            guard isSafe(next) else { return nil }
            decoded = next
        }
        return asciiOnly(raw)
    }

    /// `raw` when it is a same-site path, else `fallback` (which must itself be one: a route's own path).
    public static func sameSite(_ raw: String, fallback: String) -> String {
        sameSite(raw) ?? sameSite(fallback) ?? "/"
    }

    static func isSafe(_ text: String) -> Bool {
        guard text.hasPrefix("/") else { return false }  // no scheme, no host, no relative path
        let scalars = Array(text.unicodeScalars.prefix(2))
        if scalars.count > 1, scalars[1] == "/" || scalars[1] == "\\" { return false }
        return !text.unicodeScalars.contains { $0 == "\\" || HeaderText.isControl($0) }
    }

    /// Percent-encodes every scalar outside printable ASCII (UTF-8 bytes), so `Location` is ASCII.
    static func asciiOnly(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value > 0x20 && scalar.value < 0x7F { out.unicodeScalars.append(scalar); continue }
            for byte in String(scalar).utf8 { out += "%" + hex(byte) }
        }
        return out
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

extension String {
    /// Percent-decoding that keeps a malformed escape (`%zz`, a lone `%`) as typed and decodes bytes that are
    /// not UTF-8 to U+FFFD, instead of giving up on the whole text as Foundation's does.
    func removingPercentEncodingLeniently() -> String? {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        let utf8 = Array(self.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == 0x25, i + 2 < utf8.count, let high = hexValue(utf8[i + 1]), let low = hexValue(utf8[i + 2]) {
                bytes.append(high << 4 | low)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}
