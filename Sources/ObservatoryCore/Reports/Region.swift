import Foundation

/// The regions the bulletin and the annual report group countries by (from UN M49; see tools/gen-regions.py).
public enum Region: String, CaseIterable, Sendable {
    case africa, americas
    case asiaPacific = "asia-pacific"
    case europeCentralAsia = "europe-central-asia"
    case mena
    /// Publications about no country in particular.
    case international

    public var label: String { Translations.current.texts["region.\(rawValue)"] ?? rawValue }

    static let byCountry: [String: Region] = {
        var map: [String: Region] = [:]
        for line in bundledText("regions", "tsv").split(separator: "\n") where !line.hasPrefix("#") {
            let cols = line.split(separator: "\t")
            if cols.count == 2, let region = Region(rawValue: String(cols[1])) { map[String(cols[0])] = region }
        }
        return map
    }()

    /// The region of a country code (`MX`, `EU`); `international` for none.
    public static func of(_ code: String?) -> Region {
        guard let code else { return .international }
        return byCountry[code.uppercased()] ?? .international
    }
}

/// Publications grouped for a bulletin or a report: region, then country (by local name), then date.
public struct Grouped<Item: Sendable>: Sendable {
    public struct Country: Sendable { public let code: String?; public let name: String; public let items: [Item] }
    public struct Section: Sendable { public let region: Region; public let countries: [Country] }
    public let sections: [Section]

    /// `country` gives an item's first country code (nil: international).
    public init(_ items: [Item], country: (Item) -> String?) {
        var byRegion: [Region: [String: [Item]]] = [:]
        for item in items {
            let code = country(item)
            byRegion[Region.of(code), default: [:]][code ?? "", default: []].append(item)
        }
        sections = Region.allCases.compactMap { region in
            guard let countries = byRegion[region] else { return nil }
            let list = countries.map { code, items -> Country in
                let name =
                    code.isEmpty
                    ? Region.international.label : (CountryDirectory.shared.country(code: code)?.localName ?? code)
                return Country(code: code.isEmpty ? nil : code, name: name, items: items)
            }.sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
            return Section(region: region, countries: list)
        }
    }
}
