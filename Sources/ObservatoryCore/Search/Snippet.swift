/// A search engine's snippet, with matches between the markers `\u{2}` … `\u{3}`, as safe HTML: the text is
/// read as text (`withoutMarkdown`), escaped, each marked match becomes `<mark>…</mark>`, and stray or unbalanced
/// markers are dropped.
public enum Snippet {
    public static let start: Unicode.Scalar = "\u{2}"
    public static let end: Unicode.Scalar = "\u{3}"

    public static func html(_ text: String) -> HTML {
        var out = ""
        var open = false
        for scalar in withoutMarkdown(text).unicodeScalars {
            switch scalar {
            case start: if !open { out += "<mark>"; open = true }
            case end: if open { out += "</mark>"; open = false }
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: if scalar.value >= 0x20 || scalar == "\n" || scalar == "\t" { out.unicodeScalars.append(scalar) }
            }
        }
        if open { out += "</mark>" }
        return HTML(trusted: out)
    }
}
