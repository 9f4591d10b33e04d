import Foundation

/// The HTML half of `WordPressContent`: the elements kept, dropped or reduced to text, and the converter.
extension WordPressContent {
    /// Elements dropped with everything inside them.
    static let dropped: Set<String> = [
        "script", "style", "noscript", "template", "object", "embed", "applet", "svg",
        "math",
        "textarea", "select", "button", "form", "frameset", "frame", "head", "title",
        "video",
        "audio", "canvas", "map"
    ]
    static let blocks: Set<String> = [
        "p", "div", "section", "article", "header", "footer", "aside", "nav", "main",
        "figure",
        "figcaption", "table", "thead", "tbody", "tfoot", "tr", "pre", "address", "dl",
        "dt",
        "dd", "hr", "center", "details", "summary", "caption", "hgroup"
    ]

    struct Converter {
        var plain = false
        var out = ""
        var line = ""
        var lists: [(ordered: Bool, count: Int)] = []
        var quoteDepth = 0
        var heading = false
        var links: [(href: String?, start: String.Index?, label: String)] = []
        var linkLabel: String? = nil
        var linkHref: String? = nil
        var pendingSpace = false

        mutating func run(_ html: String) {
            let chars = Array(html)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if c == "<" {
                    if starts(chars, i, "<!--") {
                        i = index(after: "-->", in: chars, from: i + 4) ?? chars.count
                        continue
                    }
                    if starts(chars, i, "<![CDATA[") {
                        let end = index(after: "]]>", in: chars, from: i + 9)
                        text(String(chars[(i + 9)..<(end.map { $0 - 3 } ?? chars.count)]))
                        i = end ?? chars.count
                        continue
                    }
                    if let (tag, next) = Tag.parse(chars, at: i) {
                        i = next
                        if !tag.closing, WordPressContent.dropped.contains(tag.name) || tag.name == "iframe" {
                            if tag.name == "iframe", let src = tag.attributes["src"] { frameLink(src) }
                            if !tag.selfClosing, let close = closingTag(tag.name, in: chars, from: i) { i = close }
                            continue
                        }
                        element(tag)
                        continue
                    }
                    text("<"); i += 1
                    continue
                }
                var j = i
                while j < chars.count, chars[j] != "<" { j += 1 }
                text(Entities.decode(String(chars[i..<j])))
                i = j
            }
        }

        func starts(_ chars: [Character], _ i: Int, _ s: String) -> Bool {
            let p = Array(s)
            guard i + p.count <= chars.count else { return false }
            for k in 0..<p.count where chars[i + k].lowercased() != p[k].lowercased() { return false }
            return true
        }

        func index(after marker: String, in chars: [Character], from start: Int) -> Int? {
            let m = Array(marker)
            var i = start
            while i + m.count <= chars.count {
                if chars[i] == m[0], Array(chars[i..<i + m.count]) == m { return i + m.count }
                i += 1
            }
            return nil
        }

        /// The index after `</name>` (any case), or nil when it never closes (then the rest is dropped too).
        func closingTag(_ name: String, in chars: [Character], from start: Int) -> Int? {
            var i = start
            while i < chars.count {
                if chars[i] == "<", i + 1 < chars.count, chars[i + 1] == "/", let (tag, next) = Tag.parse(chars, at: i),
                    tag.name == name
                {
                    return next
                }
                i += 1
            }
            return chars.count
        }

        mutating func frameLink(_ src: String) {
            let address = Entities.decode(src).trimmingCharacters(in: .whitespaces)
            guard !plain, address.lowercased().hasPrefix("https://") || address.lowercased().hasPrefix("http://"),
                Markdown.isSafeLink(address)
            else { return }
            endBlock()
            line = "[\(address)](\(Self.escapeTarget(address)))"
            endBlock()
        }

        mutating func text(_ raw: String) {
            // WordPress stores paragraphs as blank lines (wpautop); other whitespace is one space.
            var first = true
            for paragraph in raw.components(separatedBy: "\n\n") {
                if !first { endBlock() }
                first = false
                for c in paragraph {
                    if c.isWhitespace || c.unicodeScalars.allSatisfy({ $0.value < 0x20 || $0.value == 0x7F }) {
                        pendingSpace = true
                    } else {
                        if pendingSpace, !(linkLabel ?? line).isEmpty, (linkLabel ?? line).last != " " { append(" ") }
                        pendingSpace = false
                        append(String(c))
                    }
                }
            }
        }

        /// A space the text had before an inline mark (`was <b>x</b>` keeps "was **x**").
        mutating func spaceBeforeMark() {
            if pendingSpace, !(linkLabel ?? line).isEmpty, (linkLabel ?? line).last != " " { append(" ") }
            pendingSpace = false
        }

        mutating func append(_ s: String) {
            if linkLabel != nil { linkLabel! += s } else { line += s }
        }

        mutating func element(_ tag: Tag) {
            let name = tag.name
            if plain {
                if tag.name == "br" || WordPressContent.blocks.contains(name) || name.count == 2 && name.first == "h" {
                    pendingSpace = true
                }
                return
            }
            switch name {
            case "br":
                if linkLabel == nil { newline() } else { pendingSpace = true }
            case "h1", "h2", "h3", "h4", "h5", "h6":
                endBlock()
                heading = !tag.closing
                if !tag.closing { line = String(repeating: "#", count: max(2, Int(String(name.last!)) ?? 2)) + " " }
            case "ul", "ol":
                endBlock()
                if tag.closing { if !lists.isEmpty { lists.removeLast() } } else { lists.append((name == "ol", 0)) }
                if lists.isEmpty { out += "\n" }
            case "li":
                endBlock()
                if !tag.closing, !lists.isEmpty {
                    lists[lists.count - 1].count += 1
                    let list = lists[lists.count - 1]
                    line = String(repeating: "  ", count: 0) + (list.ordered ? "\(list.count). " : "- ")
                }
            case "blockquote":
                endBlock()
                quoteDepth = max(0, quoteDepth + (tag.closing ? -1 : 1))
            case "strong", "b":
                if !tag.closing { spaceBeforeMark() }
                append("**")
            case "em", "i":
                if !tag.closing { spaceBeforeMark() }
                append("_")
            case "a":
                if tag.closing {
                    guard let label = linkLabel else { return }
                    linkLabel = nil
                    let clean = Self.escapeLabel(label.trimmingCharacters(in: .whitespaces))
                    if let href = linkHref, !clean.isEmpty {
                        line += "[\(clean)](\(Self.escapeTarget(href)))"
                    } else {
                        line += clean
                    }
                    linkHref = nil
                } else if linkLabel == nil {
                    spaceBeforeMark()
                    linkLabel = ""
                    let href = Entities.decode(tag.attributes["href"] ?? "").trimmingCharacters(in: .whitespaces)
                    linkHref = Markdown.isSafeLink(href) ? href : nil
                }
            case "img":
                spaceBeforeMark()
                let src = Entities.decode(tag.attributes["src"] ?? "").trimmingCharacters(in: .whitespaces)
                let alt = Self.escapeLabel(
                    Entities.decode(tag.attributes["alt"] ?? "")
                        .trimmingCharacters(in: .whitespaces))
                guard Markdown.isSafeLink(src), !src.lowercased().hasPrefix("mailto:") else { return }
                if linkLabel != nil { linkLabel! += alt } else { line += "![\(alt)](\(Self.escapeTarget(src)))" }
            default:
                if WordPressContent.blocks.contains(name) { endBlock() }
            }
        }

        /// A Markdown target: no spaces or parentheses (the renderer stops at the first ")").
        static func escapeTarget(_ target: String) -> String {
            var out = ""
            for c in target {
                switch c {
                case " ": out += "%20"
                case "(": out += "%28"
                case ")": out += "%29"
                case "<": out += "%3C"
                case ">": out += "%3E"
                case "\"": out += "%22"
                default: out.append(c)
                }
            }
            return out
        }

        static func escapeLabel(_ label: String) -> String {
            String(label.map { $0 == "[" ? "(" : $0 == "]" ? ")" : $0 })
        }

        mutating func newline() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { out += String(repeating: "> ", count: quoteDepth) + trimmed + "\n" }
            line = lists.isEmpty ? "" : "  "
            pendingSpace = false
        }

        mutating func endBlock() {
            if let label = linkLabel { line += Self.escapeLabel(label); linkLabel = nil; linkHref = nil }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty, !(trimmed.allSatisfy { $0 == "#" }) {
                out += String(repeating: "> ", count: quoteDepth) + trimmed + "\n"
                if lists.isEmpty { out += "\n" }
            }
            line = ""
            pendingSpace = false
        }

        mutating func finish() -> String {
            endBlock()
            var text = out
            while text.contains("\n\n\n") { text = text.replacingOccurrences(of: "\n\n\n", with: "\n\n") }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    struct Tag {
        var name: String
        var closing: Bool
        var selfClosing: Bool
        var attributes: [String: String]

        /// A tag at `start` (`<name attr="v">`, `</name>`), with the index after it; nil when `<` starts no tag.
        static func parse(_ chars: [Character], at start: Int) -> (Tag, Int)? {
            var i = start + 1
            let closing = i < chars.count && chars[i] == "/"
            if closing { i += 1 }
            guard i < chars.count, chars[i].isASCII, chars[i].isLetter else { return nil }
            var name = ""
            while i < chars.count, chars[i].isASCII,
                chars[i].isLetter || chars[i].isNumber || chars[i] == "-" || chars[i] == ":"
            {
                name.append(chars[i]); i += 1
            }
            var attributes: [String: String] = [:]
            var selfClosing = false
            while i < chars.count {
                let c = chars[i]
                if c == ">" {
                    return (
                        Tag(
                            name: name.lowercased(), closing: closing, selfClosing: selfClosing,
                            attributes: attributes), i + 1
                    )
                }
                if c == "/" { selfClosing = true; i += 1; continue }
                if c.isWhitespace { i += 1; continue }
                selfClosing = false
                var key = ""
                while i < chars.count, !chars[i].isWhitespace, chars[i] != "=", chars[i] != ">",
                    chars[i] != "/" || key.isEmpty
                {
                    key.append(chars[i]); i += 1
                }
                while i < chars.count, chars[i].isWhitespace { i += 1 }
                var value = ""
                if i < chars.count, chars[i] == "=" {
                    i += 1
                    while i < chars.count, chars[i].isWhitespace { i += 1 }
                    if i < chars.count, chars[i] == "\"" || chars[i] == "'" {
                        let quote = chars[i]; i += 1
                        while i < chars.count, chars[i] != quote { value.append(chars[i]); i += 1 }
                        i += 1
                    } else {
                        while i < chars.count, !chars[i].isWhitespace,
                            chars[i] != ">"
                        { value.append(chars[i]); i += 1 }
                    }
                }
                if !key.isEmpty, attributes[key.lowercased()] == nil { attributes[key.lowercased()] = value }
            }
            return nil
        }
    }
}
