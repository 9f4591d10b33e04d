import Foundation

/// Turns a WordPress post's content into the archive's Markdown: block comments (`<!-- wp:paragraph -->`) and
/// shortcodes (`[caption]…[/caption]`, `[gallery]`) removed, headings, paragraphs, lists, quotes, emphasis,
/// links and images kept, everything else reduced to its text. Scripts, styles, frames and objects are dropped
/// with their content (a frame's address is kept as a link). The result is Markdown, so `Markdown.render`
/// escapes every character of it: nothing executable can come through, whatever the content held.
public enum WordPressContent {
    public static func markdown(from html: String) -> String {
        var converter = Converter()
        converter.run(removeShortcodes(html))
        return converter.finish()
    }

    /// Plain text of a WordPress excerpt or title (tags and shortcodes removed, entities decoded, one line).
    public static func plainText(_ html: String) -> String {
        var converter = Converter()
        converter.plain = true
        converter.run(removeShortcodes(html))
        return converter.finish().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    // MARK: - Shortcodes

    /// Shortcodes whose content is dropped with them (media players, forms); `embed`-like ones keep their address.
    static let droppedWithContent: Set<String> = [
        "gallery", "audio", "video", "playlist", "contact-form",
        "contact-form-7",
        "wpforms", "gravityform", "googlemaps", "code", "raw"
    ]
    static let embeds: Set<String> = ["embed", "youtube", "vimeo", "soundcloud", "tweet", "instagram", "wpvideo"]
    static let known: Set<String> = droppedWithContent.union(embeds).union([
        "caption", "wp_caption", "button", "column",
        "columns", "row", "tabs", "tab", "accordion", "toggle", "spoiler", "quote", "pullquote", "pdf-embedder",
        "iframe"
    ])
    static let knownPrefixes = ["vc_", "et_pb_", "fusion_", "av_", "su_", "mk_", "cs_", "ux_", "tm_", "elementor"]

    /// Removes shortcodes: those WordPress ships or popular builders use, and any bracketed name with attributes
    /// (`[x a="b"]`) or a closing tag. `[sic]`, `[1]` and Markdown-like `[text](url)` stay as text.
    static func removeShortcodes(_ text: String) -> String {
        let chars = Array(text)
        var closers: Set<String> = []
        var i = 0
        while i + 2 < chars.count {
            if chars[i] == "[", chars[i + 1] == "/" {
                var j = i + 2, name = ""
                while j < chars.count, isNameChar(chars[j]), name.count < 40 { name.append(chars[j]); j += 1 }
                if j < chars.count, chars[j] == "]", !name.isEmpty { closers.insert(name.lowercased()) }
            }
            i += 1
        }
        var out = ""
        out.reserveCapacity(chars.count)
        i = 0
        while i < chars.count {
            guard chars[i] == "[", let tag = shortcode(at: i, in: chars, closers: closers) else {
                out.append(chars[i]); i += 1; continue
            }
            if !tag.closing, droppedWithContent.contains(tag.name) || embeds.contains(tag.name),
                let close = findClose(tag.name, in: chars, from: tag.end)
            {
                if embeds.contains(tag.name) {
                    let address = String(chars[tag.end..<close.start]).trimmingCharacters(in: .whitespacesAndNewlines)
                    if Markdown.isSafeLink(address), address.lowercased().hasPrefix("http") {
                        let target = Converter.escapeTarget(address).replacingOccurrences(of: "&", with: "&amp;")
                        out += "\n\n<a href=\"\(target)\">\(target)</a>\n\n"
                    }
                }
                i = close.end
                continue
            }
            i = tag.end
        }
        return out
    }

    struct Shortcode { var name: String; var closing: Bool; var end: Int }

    static func isNameChar(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-") }

    static func shortcode(at start: Int, in chars: [Character], closers: Set<String>) -> Shortcode? {
        var j = start + 1
        let closing = j < chars.count && chars[j] == "/"
        if closing { j += 1 }
        guard j < chars.count, chars[j].isASCII, chars[j].isLetter else { return nil }
        var name = ""
        while j < chars.count, isNameChar(chars[j]), name.count < 40 { name.append(chars[j]); j += 1 }
        guard j < chars.count else { return nil }
        var hasAttributes = false
        if chars[j] != "]" {
            guard chars[j] == " " || chars[j] == "/" else { return nil }
            // Attributes up to the closing bracket (quoted values may hold "]").
            var quote: Character? = nil
            var k = j
            while k < chars.count, k - j < 4_000 {
                let c = chars[k]
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == "\""
                    || c == "'"
                {
                    quote = c
                } else if c == "]" {
                    break
                }
                if c == "=" { hasAttributes = true }
                k += 1
            }
            guard k < chars.count, chars[k] == "]" else { return nil }
            j = k
        }
        let end = j + 1
        if end < chars.count, chars[end] == "(" { return nil }  // a Markdown link's label
        let lower = name.lowercased()
        let isShortcode =
            known.contains(lower) || knownPrefixes.contains { lower.hasPrefix($0) }
            || hasAttributes || closers.contains(lower)
        return isShortcode ? Shortcode(name: lower, closing: closing, end: end) : nil
    }

    static func findClose(_ name: String, in chars: [Character], from start: Int) -> (start: Int, end: Int)? {
        let marker = Array("[/" + name + "]")
        var i = start
        while i + marker.count <= chars.count {
            if chars[i] == "[", String(chars[i..<i + marker.count]).lowercased() == String(marker) {
                return (i, i + marker.count)
            }
            i += 1
        }
        return nil
    }
}
