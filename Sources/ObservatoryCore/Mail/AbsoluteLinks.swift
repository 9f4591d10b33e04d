import Foundation

/// Makes every link of a message absolute on the site's public address: an e-mail or an exported bulletin is read
/// away from the site, where `/publications/x` leads nowhere. HTML: every `href`, `src` and `action` value without
/// a scheme; text: every Markdown link destination (`[words](/path)`) and every bare path after a space.
public enum AbsoluteLinks {
    /// `value` on `base` (`https://observatory.example`, no trailing slash) unless it has a scheme already.
    public static func absolute(_ value: String, base: String) -> String {
        if hasScheme(value) { return value }
        if value.hasPrefix("//") { return (base.hasPrefix("http://") ? "http:" : "https:") + value }
        return base + (value.hasPrefix("/") ? value : "/" + value)
    }

    /// True when `value` starts with a URI scheme (`https:`, `mailto:`), which a relative reference never does.
    public static func hasScheme(_ value: String) -> Bool {
        guard let colon = value.firstIndex(of: ":"), colon != value.startIndex else { return false }
        let scheme = value[..<colon]
        guard let first = scheme.unicodeScalars.first, first.isASCII,
            first.properties.isAlphabetic
        else { return false }
        return scheme.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || "0123456789+.-".unicodeScalars.contains($0))
        }
    }

    /// Every quoted `href`, `src` and `action` attribute of `html`, made absolute.
    public static func html(_ html: String, base: String) -> String {
        var out = "", rest = Substring(html)
        while let match = nextAttribute(in: rest) {
            out += rest[..<match.valueStart]
            out += absolute(String(rest[match.valueStart..<match.valueEnd]), base: base)
            rest = rest[match.valueEnd...]
        }
        return out + rest
    }

    /// The values of every quoted `href`, `src` and `action` attribute of `html`.
    public static func attributeValues(in html: String) -> [String] {
        var values: [String] = [], rest = Substring(html)
        while let match = nextAttribute(in: rest) {
            values.append(String(rest[match.valueStart..<match.valueEnd]))
            rest = rest[match.valueEnd...]
        }
        return values
    }

    private static func nextAttribute(in text: Substring) -> (valueStart: String.Index, valueEnd: String.Index)? {
        var search = text.startIndex
        while search < text.endIndex {
            guard let eq = text[search...].firstIndex(of: "=") else { return nil }
            var nameEnd = eq
            while nameEnd > text.startIndex,
                text[text.index(before: nameEnd)] == " "
            { nameEnd = text.index(before: nameEnd) }
            var nameStart = nameEnd
            while nameStart > text.startIndex, text[text.index(before: nameStart)].isLetter {
                nameStart = text.index(before: nameStart)
            }
            let name = text[nameStart..<nameEnd].lowercased()
            let before = nameStart > text.startIndex ? text[text.index(before: nameStart)] : " "
            var quote = text.index(after: eq)
            while quote < text.endIndex, text[quote] == " " { quote = text.index(after: quote) }
            if ["href", "src", "action"].contains(name), before.isWhitespace || before == "<",
                quote < text.endIndex, text[quote] == "\"" || text[quote] == "'"
            {
                let start = text.index(after: quote)
                let end = text[start...].firstIndex(of: text[quote]) ?? text.endIndex
                return (start, end)
            }
            search = text.index(after: eq)
        }
        return nil
    }

    /// Every Markdown link destination of `text` (`](…)`) and every path standing alone after a space or a line
    /// start (`/publications/x`), made absolute.
    public static func text(_ text: String, base: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "](") {
            out += rest[..<open.upperBound]
            rest = rest[open.upperBound...]
            let end = rest.firstIndex(where: endsDestination) ?? rest.endIndex
            let destination = String(rest[..<end])
            out += destination.isEmpty ? "" : absolute(destination, base: base)
            rest = rest[end...]
        }
        out += rest
        return out.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.split(separator: " ", omittingEmptySubsequences: false).map { word in
                word.hasPrefix("/") && !word.hasPrefix("//") && word.count > 1
                    ? absolute(
                        String(word),
                        base: base) : String(word)
            }.joined(separator: " ")
        }.joined(separator: "\n")
    }

    /// A character that cannot be part of a Markdown link destination as the text part writes it.
    public static func endsDestination(_ c: Character) -> Bool {
        c.isWhitespace || "()[]<>\"".contains(c)
    }

    /// The message with every link of both parts made absolute on `base`.
    public static func message(_ m: MailMessage, base: String) -> MailMessage {
        var m = m
        m.text = text(m.text, base: base)
        m.html = m.html.map { html($0, base: base) }
        if let u = m.unsubscribeURL { m.unsubscribeURL = absolute(u, base: base) }
        return m
    }
}
