/// Amounts as each language writes them, with the currency's decimals (ISO 4217):
/// EUR 12,500.00 (en) · 12 500,00 EUR (fr) · 12.500,00 EUR (es) · ١٢٬٥٠٠٫٠٠ EUR (ar).
extension Translations {
    public func money(_ m: Money) -> String {
        let places = Money.exponent(of: m.currency)
        var divisor: Int64 = 1
        for _ in 0..<places { divisor *= 10 }
        let magnitude = m.minorUnits.magnitude, unit = UInt64(divisor)
        let whole = String(magnitude / unit), fraction = String(magnitude % unit)
        let (group, decimal): (String, String) =
            switch language {
            case .en: (",", ".")
            case .fr: ("\u{202F}", ",")
            case .es: (".", ",")
            case .ar: ("\u{066C}", "\u{066B}")
            }
        var grouped = ""
        for (i, c) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { grouped += group }
            grouped.append(c)
        }
        let decimals = places == 0 ? "" : decimal + String(repeating: "0", count: places - fraction.count) + fraction
        let amount = (m.minorUnits < 0 ? "-" : "") + grouped + decimals
        switch language {
        case .en: return "\(m.currency) \(amount)"
        case .fr, .es: return "\(amount)\u{00A0}\(m.currency)"
        case .ar: return "\(arabicDigits(amount))\u{00A0}\(m.currency)"
        }
    }

    private func arabicDigits(_ text: String) -> String {
        String(
            text.unicodeScalars.map { s -> Character in
                guard let d = Int(String(s)), s.isASCII else { return Character(s) }
                return Character(Unicode.Scalar(0x0660 + UInt32(d))!)
            })
    }
}
