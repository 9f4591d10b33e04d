import Foundation
import ObservatoryCore

/// The list filters readers combine as query parameters: `type`, `programme`, `country`, `language`, `year`, `page`.
struct PublicationFilter: Hashable, Sendable {
    var type: PublicationType?
    var programme: Programme?
    var country: Country?
    var language: Language?
    var year: Int?
    var page = 1

    static let pageSize = 30
    var offset: Int { (page - 1) * Self.pageSize }

    /// A parameter with a value the site does not know; shown to the reader as a 400 page naming it.
    struct Invalid: Error, Sendable {
        let parameter: String
        let value: String
        let expected: String
        var message: String {
            t("error.unknown-value", ["parameter": parameter, "value": String(value.prefix(60)), "expected": expected])
        }
    }

    /// Parses query parameters; an empty value means "no filter".
    init(query: [String: String], countries: CountryDirectory = .shared) throws {
        func value(_ key: String) -> String? {
            guard let raw = query[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        if let raw = value("type") {
            guard let type = PublicationType(rawValue: raw.lowercased()) else {
                throw Invalid(
                    parameter: "type", value: raw,
                    expected: t(
                        "error.expected-one-of",
                        ["values": PublicationType.allCases.map(\.rawValue).joined(separator: ", ")]))
            }
            self.type = type
        }
        if let raw = value("programme") {
            guard let programme = Programme(rawValue: raw.lowercased()) else {
                throw Invalid(
                    parameter: "programme", value: raw,
                    expected: t(
                        "error.expected-one-of", ["values": Programme.allCases.map(\.rawValue).joined(separator: ", ")])
                )
            }
            self.programme = programme
        }
        if let raw = value("country") {
            guard let country = countries.country(code: raw) else {
                throw Invalid(parameter: "country", value: raw, expected: t("error.expected-country"))
            }
            self.country = country
        }
        if let raw = value("language") {
            guard let language = Language(rawValue: raw.lowercased()) else {
                throw Invalid(parameter: "language", value: raw, expected: t("error.expected-language"))
            }
            self.language = language
        }
        if let raw = value("year") {
            guard let year = Int(raw), (1900...2100).contains(year) else {
                throw Invalid(parameter: "year", value: raw, expected: t("error.expected-year"))
            }
            self.year = year
        }
        if let raw = value("page") {
            guard let page = Int(raw), (1...100_000).contains(page) else {
                throw Invalid(parameter: "page", value: raw, expected: t("error.expected-page"))
            }
            self.page = page
        }
    }

    init(
        type: PublicationType? = nil, programme: Programme? = nil, country: Country? = nil,
        language: Language? = nil, year: Int? = nil, page: Int = 1
    ) {
        self.type = type; self.programme = programme; self.country = country
        self.language = language; self.year = year; self.page = page
    }

    /// The same filter on another page, or with one facet changed.
    func with(page: Int) -> Self { var copy = self; copy.page = page; return copy }
    var firstPage: Self { with(page: 1) }
    var isEmpty: Bool { type == nil && programme == nil && country == nil && language == nil && year == nil }

    /// Query items in a fixed order, so every filter has one stable URL.
    func queryItems(includingCountry: Bool = true, includingPage: Bool = true) -> [(String, String)] {
        var items: [(String, String)] = []
        if let type { items.append(("type", type.rawValue)) }
        if let programme { items.append(("programme", programme.rawValue)) }
        if includingCountry, let country { items.append(("country", country.slug)) }
        if let language { items.append(("language", language.rawValue)) }
        if let year { items.append(("year", String(year))) }
        if includingPage, page > 1 { items.append(("page", String(page))) }
        return items
    }
}
