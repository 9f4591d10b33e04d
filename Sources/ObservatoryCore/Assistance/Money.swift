import Foundation

/// An amount of money in a currency's smallest unit (cents), so sums are exact.
public struct Money: Sendable, Hashable {
    public let minorUnits: Int64
    public let currency: String

    public init(minorUnits: Int64, currency: String) { self.minorUnits = minorUnits; self.currency = currency }

    /// Digits after the decimal point in a currency (ISO 4217): most have 2, some none, a few 3.
    public static func exponent(of currency: String) -> Int {
        if [
            "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF",
            "XPF"
        ].contains(currency) {
            return 0
        }
        if ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"].contains(currency) { return 3 }
        return 2
    }

    /// A currency code as typed: three letters, upper-cased; nil otherwise.
    public static func currency(_ text: String) -> String? {
        let code = text.trimmingCharacters(in: .whitespaces).uppercased()
        return code.count == 3 && code.allSatisfy({ $0.isASCII && $0.isLetter }) ? code : nil
    }

    /// Reads "1250", "1 250,50", "1,250.50" or "1.250,50". With both marks, the last one is the decimal point; with
    /// one mark seen once, it is the decimal point unless exactly three digits follow (then it groups thousands,
    /// except for currencies with three decimals). Groups of thousands must have three digits. Nil for anything
    /// else, for zero, and for more decimals than the currency has.
    public static func parse(_ text: String, currency: String) -> Money? {
        let places = exponent(of: currency)
        let s = text.filter { !$0.isWhitespace && $0 != "'" }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }) else { return nil }
        let marks = s.filter { $0 == "." || $0 == "," }
        var decimalMark: Character? = nil
        if Set(marks).count == 2 {
            decimalMark = marks.last
        } else if marks.count == 1, let mark = marks.first, let index = s.firstIndex(of: mark) {
            let after = s.distance(from: index, to: s.endIndex) - 1
            if after != 3 || places == 3 { decimalMark = mark }
        }
        var whole = s, fraction = ""
        if let decimalMark, let index = s.lastIndex(of: decimalMark) {
            whole = String(s[..<index])
            fraction = String(s[s.index(after: index)...])
            guard !fraction.isEmpty, fraction.count <= places, fraction.allSatisfy(\.isNumber) else { return nil }
        }
        let groups = whole.split(separator: ",", omittingEmptySubsequences: false).flatMap {
            $0.split(separator: ".", omittingEmptySubsequences: false)
        }
        guard let first = groups.first, !first.isEmpty, first.count <= 13,
            groups.dropFirst().allSatisfy({ $0.count == 3 })
        else { return nil }
        let digits = groups.joined()
        guard digits.count <= 13 else { return nil }
        fraction += String(repeating: "0", count: places - fraction.count)
        guard let units = Int64(digits + fraction), units > 0 else { return nil }
        return Money(minorUnits: units, currency: currency)
    }

    /// "EUR 1,250.50".
    public var formatted: String {
        let places = Money.exponent(of: currency)
        var divisor: Int64 = 1
        for _ in 0..<places { divisor *= 10 }
        let whole = String(minorUnits / divisor), fraction = String(minorUnits % divisor)
        var grouped = "", count = 0
        for character in whole.reversed() {
            if count > 0 && count % 3 == 0 { grouped.append(",") }
            grouped.append(character); count += 1
        }
        let decimals = places == 0 ? "" : "." + String(repeating: "0", count: places - fraction.count) + fraction
        return "\(currency) \(String(grouped.reversed()))\(decimals)"
    }
}
