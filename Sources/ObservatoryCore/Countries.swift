import Foundation

/// A country (ISO 3166-1) or a non-state entity such as the European Union, as the archive names it.
public struct Country: Sendable, Hashable, Codable {
    /// ISO 3166-1 alpha-2, upper case (`MX`), or `EU`.
    public let code: String
    /// ISO 3166-1 alpha-3 (`MEX`), used in reference codes.
    public let alpha3: String
    /// The English name used in the archive ("Congo, Democratic Republic").
    public let name: String
    public let aliases: [String]

    /// The lowercase form used in URLs (`/countries/mx`).
    public var slug: String { code.lowercased() }
}

/// Every known country, looked up by code or by any of its names and legacy spellings.
public struct CountryDirectory: Sendable {
    public let all: [Country]
    private let byCode: [String: Country]
    private let byName: [String: Country]

    /// The directory generated from Debian's iso-codes (see tools/gen-countries.py).
    public static let shared: CountryDirectory = {
        let text = bundledText("countries", "tsv")
        return CountryDirectory(tsv: text)
    }()

    public init(tsv: String) {
        var countries: [Country] = []
        for line in tsv.split(separator: "\n") where !line.hasPrefix("#") {
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cols.count >= 3 else { continue }
            let aliases = cols.count > 3 ? cols[3].split(separator: "|").map(String.init) : []
            countries.append(Country(code: cols[0], alpha3: cols[1], name: cols[2], aliases: aliases))
        }
        self.init(countries)
    }

    public init(_ countries: [Country]) {
        all = countries.sorted { $0.name < $1.name }
        var byCode: [String: Country] = [:]
        var byName: [String: Country] = [:]
        for country in countries {
            byCode[country.code] = country
            for name in [country.name] + country.aliases where name.count > 3 {
                byName[Self.normalize(name)] = country
            }
        }
        self.byCode = byCode
        self.byName = byName
    }

    /// The country with this alpha-2 code (`MX`, `mx`, `EU`), or nil.
    public func country(code: String) -> Country? {
        guard code.utf8.count == 2 else { return nil }
        return byCode[code.uppercased()]
    }

    /// Resolves what an archive writes: an alpha-2 code, or a name or legacy spelling
    /// ("Russian Federation", "Lao People's Democ. Rep."), ignoring case and accents.
    public func resolve(_ text: String) -> Country? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let country = country(code: trimmed) { return country }
        let normalized = Self.normalize(trimmed)
        if let found = byName[normalized] { return found }
        return Self.translatedNames[normalized].flatMap { byCode[$0] }
    }

    /// Country names in French, Spanish and Arabic (and their aliases), normalised, to codes.
    static let translatedNames: [String: String] = Dictionary(
        CountryNames.allNames.map { (normalize($0.name), $0.code) }, uniquingKeysWith: { first, _ in first })

    static func normalize(_ name: String) -> String {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        var out = ""
        var lastWasSpace = true
        for ch in folded {
            if ch.isLetter || ch.isNumber {
                out.append(ch)
                lastWasSpace = false
            } else if !lastWasSpace {
                out.append(" ")
                lastWasSpace = true
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}
