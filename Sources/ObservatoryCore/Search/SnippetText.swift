/// A search engine's snippet is a cut of the stored Markdown (SQLite's `snippet()` and PostgreSQL's `ts_headline`
/// both quote the source): this reads it as the page shows it. Headings, quotes, list marks, emphasis, code marks
/// and rules go, a link or image keeps its label (also when the cut falls inside it), line breaks become spaces.
/// The match markers (`Snippet.start`, `Snippet.end`) are kept wherever the visible words they surround are.
extension Snippet {
    public static func withoutMarkdown(_ fragment: String) -> String {
        let lines = fragment.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap {
            index, line -> String? in
            var rest = Substring(line)
            // A cut that starts at a list number ("…2. text"): numbers are words to the engines, marks are not.
            if index == 0, rest.hasPrefix("…"), let match = rest.dropFirst().prefixMatch(of: #/\d{1,2}[.)] /#) {
                rest = Substring("…" + rest.dropFirst()[match.range.upperBound...])
            }
            while true {
                let trimmed = rest.drop(while: { $0 == " " || $0 == "\t" })
                if isRule(trimmed) || trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { return nil }
                if trimmed.hasPrefix(">") { rest = trimmed.dropFirst(); continue }
                if let heading = Markdown.headingOf(trimmed) { rest = heading.1; continue }
                if let text = Markdown.bulletItem(trimmed) ?? Markdown.orderedItem(trimmed) { rest = text; continue }
                rest = trimmed
                break
            }
            return String(rest)
        }
        var text = lines.filter { !$0.isEmpty }.joined(separator: " ")
        // A cut that starts inside a link's target ("…org/news/257) the text"): the rest of the target goes.
        text.replace(#/^(…)[^\s()\[\]]*\) */#) { String($0.output.1) }
        text.replace(#/^[^\s()\[\]]*[\/.:][^\s()\[\]]*\) */#, with: "")
        text.replace(#/!?\[([^\]\n]*)\]\([^)\n]*\)/#) { String($0.output.1) }  // [label](target) → label
        text.replace(#/\]\([^)\s]*\)?/#, with: "")  // the end of a link whose start was cut off
        text.replace(#/!?\[([^\]]*)\]\([^)]*$/#) { String($0.output.1) }  // a link cut inside its target
        text.replace(#/!?\[(?=[^\]]*$)/#, with: "")  // a link cut inside its label
        text = withoutEmphasis(text)
        text.replace(#/ {2,}/#, with: " ")
        return text
    }

    /// `*`, `` ` `` and `~~` go; `_` goes unless it joins two letters or digits (`snake_case`).
    static func withoutEmphasis(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        for (i, c) in chars.enumerated() {
            switch c {
            case "*", "`": continue
            case "~" where (i > 0 && chars[i - 1] == "~") || (i + 1 < chars.count && chars[i + 1] == "~"): continue
            case "_":
                let joins =
                    i > 0 && i + 1 < chars.count && (chars[i - 1].isLetter || chars[i - 1].isNumber)
                    && (chars[i + 1].isLetter || chars[i + 1].isNumber)
                if !joins { continue }
            default: break
            }
            out.append(c)
        }
        return out
    }

    /// `---`, `***`, `___` (three or more, spaces allowed between).
    static func isRule(_ line: Substring) -> Bool {
        let marks = line.filter { $0 != " " && $0 != "\t" }
        guard marks.count >= 3, let first = marks.first, "-*_".contains(first) else { return false }
        return marks.allSatisfy { $0 == first }
    }
}
