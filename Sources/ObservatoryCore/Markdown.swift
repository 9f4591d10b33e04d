/// Renders the archive's Markdown (headings, paragraphs, numbered and bulleted lists, quotes, emphasis,
/// code and links) to HTML. Every character of the source is escaped: raw HTML in a body is shown as
/// text, never executed, and a link is emitted only for http(s), mailto and site-relative targets.
public enum Markdown {
    public static func render(_ source: String) -> HTML {
        var out = ""
        var paragraph: [Substring] = []
        var list: (ordered: Bool, items: [Substring])? = nil
        var quote: [Substring] = []

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            out += "<p>" + inline(paragraph.joined(separator: " ")) + "</p>\n"
            paragraph = []
        }
        func flushList() {
            guard let current = list else { return }
            let tag = current.ordered ? "ol" : "ul"
            out += "<\(tag)>" + current.items.map { "<li>" + inline(String($0)) + "</li>" }.joined() + "</\(tag)>\n"
            list = nil
        }
        func flushQuote() {
            guard !quote.isEmpty else { return }
            out += "<blockquote><p>" + inline(quote.joined(separator: " ")) + "</p></blockquote>\n"
            quote = []
        }
        func flushAll() { flushParagraph(); flushList(); flushQuote() }

        for rawLine in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" })
                .reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed()
            let text = Substring(String(line))
            if text.isEmpty { flushAll(); continue }
            if let (level, heading) = headingOf(text) {
                flushAll()
                out += "<h\(level)>" + inline(String(heading)) + "</h\(level)>\n"
            } else if let item = bulletItem(text) {
                flushParagraph(); flushQuote()
                if list?.ordered == true { flushList() }
                if list == nil { list = (false, []) }
                list!.items.append(item)
            } else if let item = orderedItem(text) {
                flushParagraph(); flushQuote()
                if list?.ordered == false { flushList() }
                if list == nil { list = (true, []) }
                list!.items.append(item)
            } else if text.hasPrefix(">") {
                flushParagraph(); flushList()
                quote.append(text.dropFirst().drop(while: { $0 == " " }))
            } else if list != nil && rawLine.hasPrefix("  ") {
                list!.items[list!.items.count - 1] += " " + text
            } else {
                flushList(); flushQuote()
                paragraph.append(text)
            }
        }
        flushAll()
        return HTML(trusted: out)
    }

    static func headingOf(_ line: Substring) -> (Int, Substring)? {
        let hashes = line.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return (max(2, hashes), line.dropFirst(hashes + 1).drop(while: { $0 == " " }))
    }

    static func bulletItem(_ line: Substring) -> Substring? {
        guard let first = line.first, first == "-" || first == "*" || first == "+", line.dropFirst().first == " " else {
            return nil
        }
        return line.dropFirst(2)
    }

    static func orderedItem(_ line: Substring) -> Substring? {
        let digits = line.prefix(while: { $0.isASCII && $0.isNumber })
        guard (1...9).contains(digits.count) else { return nil }
        let rest = line.dropFirst(digits.count)
        guard let mark = rest.first, mark == "." || mark == ")", rest.dropFirst().first == " " else { return nil }
        return rest.dropFirst(2)
    }

    /// Inline spans. Unmatched markers are literal text; all text is escaped.
    static func inline(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        func find(_ marker: [Character], from start: Int) -> Int? {
            guard start < chars.count else { return nil }
            var j = start
            while j + marker.count <= chars.count {
                if Array(chars[j..<j + marker.count]) == marker { return j }
                j += 1
            }
            return nil
        }
        while i < chars.count {
            let c = chars[i]
            if c == "*" || c == "_" {
                let double = i + 1 < chars.count && chars[i + 1] == c
                let marker: [Character] = double ? [c, c] : [c]
                let start = i + marker.count
                if start < chars.count, chars[start] != " ", let end = find(marker, from: start + 1),
                    chars[end - 1] != " "
                {
                    let tag = double ? "strong" : "em"
                    out += "<\(tag)>" + inline(String(chars[start..<end])) + "</\(tag)>"
                    i = end + marker.count
                    continue
                }
            } else if c == "`", let end = find(["`"], from: i + 1) {
                out += "<code>" + HTML.escape(String(chars[(i + 1)..<end])) + "</code>"
                i = end + 1
                continue
            } else if c == "!", i + 1 < chars.count, chars[i + 1] == "[", let close = find(["]", "("], from: i + 2),
                let paren = find([")"], from: close + 2),
                isSafeLink(String(chars[(close + 2)..<paren]).trimmingSpaces)
            {
                // An image: shown when it is on this site; another site's is a link to it (pages load nothing
                // from elsewhere).
                let alt = String(chars[(i + 2)..<close])
                let target = String(chars[(close + 2)..<paren]).trimmingSpaces
                if target.hasPrefix("/") {
                    out += "<img src=\"" + HTML.escape(target) + "\" alt=\"" + HTML.escape(alt) + "\" loading=\"lazy\">"
                } else {
                    out +=
                        "<a href=\"" + HTML.escape(target) + "\" rel=\"nofollow noopener\">"
                        + HTML.escape(alt.isEmpty ? target : alt) + "</a>"
                }
                i = paren + 1
                continue
            } else if c == "[", let close = find(["]", "("], from: i + 1), let paren = find([")"], from: close + 2) {
                let label = String(chars[(i + 1)..<close])
                let target = String(chars[(close + 2)..<paren]).trimmingSpaces
                if isSafeLink(target) {
                    out += "<a href=\"" + HTML.escape(target) + "\" rel=\"nofollow noopener\">" + inline(label) + "</a>"
                    i = paren + 1
                    continue
                }
            }
            out += HTML.escape(String(c))
            i += 1
        }
        return out
    }

    /// What a reader sees of `source` once rendered: inline markup (`**W**ei`, `W`e`i`, a link's label) joins
    /// the letters around it, blocks are separated by a line break, entities are read back. The leak check reads
    /// this as well as the source, so a name split by markup is found.
    public static func visibleText(_ source: String) -> String {
        let html = render(source).rendered
        var out = "", tag = "", inTag = false
        for c in html {
            if inTag {
                if c == ">" {
                    inTag = false
                    let name = tag.drop(while: { $0 == "/" }).prefix(while: { $0.isLetter || $0.isNumber })
                    if !["strong", "em", "code", "a"].contains(String(name)) { out += "\n" }
                } else {
                    tag.append(c)
                }
            } else if c == "<" {
                inTag = true; tag = ""
            } else {
                out.append(c)
            }
        }
        // Only the entities `HTML.escape` writes; "&amp;" last, so "&amp;lt;" stays "&lt;".
        for (entity, c) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            out = out.split(separator: entity, omittingEmptySubsequences: false).joined(separator: c)
        }
        return out
    }

    /// Only web, mail and same-site targets; never `javascript:`, `data:` or protocol-relative `//host`.
    public static func isSafeLink(_ target: String) -> Bool {
        guard !target.isEmpty, !target.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } ?? false })
        else { return false }
        let lower = target.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") { return true }
        if lower.hasPrefix("/") { return !lower.hasPrefix("//") && !lower.hasPrefix("/\\") }
        return lower.hasPrefix("#")
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
