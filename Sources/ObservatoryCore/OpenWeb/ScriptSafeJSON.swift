import Foundation

/// JSON that can sit inside an HTML `<script>` element: `<`, `>` and `&` are written as `\u003c`, `\u003e` and
/// `\u0026`, and U+2028 / U+2029 as `\u2028` / `\u2029`, so no text (a title holding `</script>` or `<!--`) can
/// close the element or start markup, and the block parses as the same JSON. These characters can occur only
/// inside JSON strings, where the escapes mean the same characters. (U+FEFF is escaped too: invisible.)
public enum ScriptSafeJSON {
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return escape(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    public static func escape(_ json: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            switch scalar {
            case "<": out.append(contentsOf: "\\u003c".unicodeScalars)
            case ">": out.append(contentsOf: "\\u003e".unicodeScalars)
            case "&": out.append(contentsOf: "\\u0026".unicodeScalars)
            case "\u{2028}": out.append(contentsOf: "\\u2028".unicodeScalars)
            case "\u{2029}": out.append(contentsOf: "\\u2029".unicodeScalars)
            case "\u{FEFF}": out.append(contentsOf: "\\ufeff".unicodeScalars)  // invisible; some readers drop it
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}

/// schema.org types of the public publication types: statements, urgent interventions and news are
/// `NewsArticle`, reports `Report`, events `Event`; links have none (they point elsewhere).
public enum SchemaOrgType: String, Sendable {
    case newsArticle = "NewsArticle", report = "Report", event = "Event"

    public init?(_ type: PublicationType) {
        switch type {
        case .statement, .urgentIntervention, .news: self = .newsArticle
        case .report: self = .report
        case .event: self = .event
        case .link: return nil
        }
    }
}
