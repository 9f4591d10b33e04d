import Foundation

/// CSV as RFC 4180 writes it, made safe for spreadsheets.
///
/// - Fields are separated by commas and rows end with CRLF; a field holding a comma, a double quote, CR or LF is
///   quoted, with its quotes doubled.
/// - A text cell a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or CR) is prefixed
///   with `'`, so opening an export never runs what someone typed into a title ("formula injection").
/// - Files start with the UTF-8 byte order mark, so spreadsheet programs read the text as UTF-8.
public enum CSVText {
    public static let byteOrderMark = "\u{FEFF}"

    /// One cell. `text` cells are guarded against formula injection; `number` cells (years, counts) are written as is.
    public static func field(_ value: String, number: Bool = false) -> String {
        var text = value
        if !number, let first = text.unicodeScalars.first, formulaStarts.contains(first) { text = "'" + text }
        guard text.unicodeScalars.contains(where: { needsQuotes.contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record with its CRLF.
    public static func row(_ fields: [String]) -> String {
        fields.map { field($0) }.joined(separator: ",") + "\r\n"
    }

    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
    static let needsQuotes: Set<Unicode.Scalar> = [",", "\"", "\r", "\n"]

    /// Reads CSV back (RFC 4180, quoted fields with doubled quotes); for tests and round trips.
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, afterQuote = false
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        var sawAny = false
        while let c = next() {
            sawAny = true
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false; afterQuote = true; pending = n
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote: quoted = true
            case ",": row.append(field); field = ""; afterQuote = false
            case "\r":
                if let n = next(), n != "\n" { pending = n }
                row.append(field); rows.append(row); row = []; field = ""; afterQuote = false
            case "\n": row.append(field); rows.append(row); row = []; field = ""; afterQuote = false
            default: field.unicodeScalars.append(c)
            }
        }
        if sawAny && (!field.isEmpty || !row.isEmpty) { row.append(field); rows.append(row) }
        return rows
    }
}
