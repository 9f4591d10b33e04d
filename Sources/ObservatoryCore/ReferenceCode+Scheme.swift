/// The scheme an imported code must follow (DOMAIN.md): `MEX 001 / 0916 / OBS 077`, the alpha-3 of a known
/// country (or `INT` for an appeal on no one country), serials from 1 in their canonical three-digit form, a month
/// of issue no later than the publication, and `.N` only on a follow-up or a translation of one.
extension ReferenceCode {
    /// The highest serial (and follow-up number) an imported code may carry: three digits.
    public static let maxSerial = 999

    /// Why `text` cannot be the code of a publication with these facts, or nil when it can.
    public static func schemeProblem(
        _ text: String, countries: [String], published: CivilDate, followUpOf: String?,
        translationOf: String?,
        directory: CountryDirectory = .shared
    ) -> String? {
        let example = "a reference code like MEX 001 / 0916 / OBS 077"
        guard let code = ReferenceCode(text) else { return "\"\(text)\" is not \(example)" }
        guard code.countrySerial >= 1, code.observatorySerial >= 1 else {
            return "\"\(text)\": serial numbers start at 001"
        }
        // A crafted serial (OBS 9223372036854775807) would move the year's next code past any number the allocator
        // can count to; the scheme writes three digits.
        guard code.countrySerial <= maxSerial, code.observatorySerial <= maxSerial,
            (code.followUp ?? 1) <= maxSerial
        else {
            return "\"\(text.prefix(80))\": serial numbers have three digits (001 to 999)"
        }
        guard code.description == text else { return "\"\(text)\" is not written as \(example) (\"\(code)\")" }
        let known = directory.all.filter { $0.alpha3 == code.alpha3 }
        guard code.alpha3 == "INT" || !known.isEmpty else {
            return "\"\(text)\": \(code.alpha3) is not the ISO 3166-1 alpha-3 code of a country (nor INT)"
        }
        // The issue is the latest month with these two digits of year at or before the publication.
        var year = published.year - published.year % 100 + code.year
        if year > published.year { year -= 100 }
        if year == published.year && code.month > published.month {
            return "\"\(text)\": issued in \(code.month)/\(year), after the publication (\(published))"
        }
        if code.followUp != nil && followUpOf == nil && translationOf == nil {
            return "\"\(text)\": a follow-up's code (.\(code.followUp!)) on a publication that follows up nothing"
        }
        return nil
    }
}
