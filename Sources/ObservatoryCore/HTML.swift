/// A fragment of HTML that is safe to emit as is.
///
/// Building one by string interpolation escapes every interpolated `String` and passes every
/// interpolated `HTML` through, so escaping is the default and raw markup must be asked for.
///
///     let name = "<script>"
///     let link: HTML = "<a href=\"\(url)\">\(name)</a>"   // name is escaped
public struct HTML: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public private(set) var rendered: String

    /// Markup the caller vouches for (a literal, or output of a renderer that escapes).
    public init(trusted markup: String) { rendered = markup }
    public init(stringLiteral value: String) { rendered = value }
    public init(stringInterpolation: Interpolation) { rendered = stringInterpolation.output }
    public var description: String { rendered }
    public static let empty = HTML(trusted: "")

    public struct Interpolation: StringInterpolationProtocol {
        var output = ""
        public init(literalCapacity: Int, interpolationCount: Int) {
            output.reserveCapacity(literalCapacity + interpolationCount * 16)
        }
        public mutating func appendLiteral(_ literal: String) { output += literal }
        public mutating func appendInterpolation(_ text: String) { output += HTML.escape(text) }
        public mutating func appendInterpolation(_ number: Int) { output += String(number) }
        public mutating func appendInterpolation(_ html: HTML) { output += html.rendered }
        public mutating func appendInterpolation(_ parts: [HTML]) {
            for part in parts { output += part.rendered }
        }
    }

    public static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(trusted: lhs.rendered + rhs.rendered) }
    public static func += (lhs: inout HTML, rhs: HTML) { lhs.rendered += rhs.rendered }

    /// Escapes text for element content and double- or single-quoted attribute values.
    public static func escape(_ text: String) -> String {
        var needs = false
        for unit in text.utf8 where unit == 0x26 || unit == 0x3C || unit == 0x3E || unit == 0x22 || unit == 0x27 {
            needs = true
            break
        }
        guard needs else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension Array where Element == HTML {
    public func joined(separator: HTML = .empty) -> HTML {
        HTML(trusted: map(\.rendered).joined(separator: separator.rendered))
    }
}
