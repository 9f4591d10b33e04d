import Foundation

/// HTML character references: the named ones WordPress writes, and every numeric one.
enum Entities {
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}", "ndash": "–", "mdash": "—",
        "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "hellip": "…", "laquo": "«", "raquo": "»", "copy": "©",
        "reg": "®", "trade": "™", "euro": "€", "eacute": "é", "egrave": "è", "agrave": "à", "ccedil": "ç", "ocirc": "ô",
        "uuml": "ü", "ouml": "ö", "auml": "ä", "ntilde": "ñ", "aacute": "á", "iacute": "í", "oacute": "ó",
        "uacute": "ú",
        "ecirc": "ê", "acirc": "â", "icirc": "î", "ucirc": "û", "euml": "ë", "iuml": "ï", "szlig": "ß", "deg": "°",
        "middot": "·", "bull": "•", "times": "×", "shy": ""
    ]

    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(12).firstIndex(of: ";") {
                let name = String(after[..<semi])
                var decoded: String? = named[name]
                if decoded == nil, name.hasPrefix("#") {
                    let digits = name.dropFirst()
                    let value =
                        digits.first == "x" || digits.first == "X"
                        ? UInt32(
                            digits.dropFirst(),
                            radix: 16) : UInt32(digits)
                    if let value, value != 0, let scalar = Unicode.Scalar(value) { decoded = String(Character(scalar)) }
                }
                if let decoded {
                    out += decoded
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        return out + rest
    }
}
