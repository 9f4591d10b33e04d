import Foundation
import ObservatoryCore
import Vapor

/// The filters of `/statistics`: `from` and `to` (years, inclusive), `country`, `region`, `programme`.
struct StatisticsFilter: Hashable, Sendable {
    var from: Int?
    var to: Int?
    var country: Country?
    var region: Region?
    var programme: Programme?

    init(from: Int? = nil, to: Int? = nil, country: Country? = nil, region: Region? = nil, programme: Programme? = nil)
    {
        self.from = from; self.to = to; self.country = country; self.region = region; self.programme = programme
    }

    /// Parses query parameters (an empty value means no filter); a bad one is named (`PublicationFilter.Invalid`).
    init(query: [String: String], countries: CountryDirectory = .shared) throws {
        typealias Invalid = PublicationFilter.Invalid
        func value(_ key: String) -> String? {
            guard let raw = query[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        func year(_ key: String) throws -> Int? {
            guard let raw = value(key) else { return nil }
            guard raw.count <= 4, let year = Int(raw), (1900...2100).contains(year) else {
                throw Invalid(parameter: key, value: raw, expected: t("error.expected-year"))
            }
            return year
        }
        if let single = try year("year") { from = single; to = single }
        if let f = try year("from") { from = f }
        if let l = try year("to") { to = l }
        if let f = from, let l = to, f > l {
            throw Invalid(parameter: "to", value: String(l), expected: t("stats.error.range", ["from": String(f)]))
        }
        if let raw = value("country") {
            guard let country = countries.country(code: raw) else {
                throw Invalid(parameter: "country", value: raw, expected: t("error.expected-country"))
            }
            self.country = country
        }
        if let raw = value("region") {
            guard let region = Region(rawValue: raw.lowercased()) else {
                throw Invalid(
                    parameter: "region", value: raw,
                    expected: t(
                        "error.expected-one-of",
                        ["values": Region.allCases.map(\.rawValue).joined(separator: ", ")]))
            }
            self.region = region
        }
        if let raw = value("programme") {
            guard let programme = Programme(rawValue: raw.lowercased()) else {
                throw Invalid(
                    parameter: "programme", value: raw,
                    expected: t(
                        "error.expected-one-of",
                        ["values": Programme.allCases.map(\.rawValue).joined(separator: ", ")]))
            }
            self.programme = programme
        }
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let from { items.append(("from", String(from))) }
        if let to { items.append(("to", String(to))) }
        if let country { items.append(("country", country.slug)) }
        if let region { items.append(("region", region.rawValue)) }
        if let programme { items.append(("programme", programme.rawValue)) }
        return items
    }

    /// The same places and programme for other years.
    func years(_ from: Int?, _ to: Int?) -> StatisticsFilter {
        var f = self
        f.from = from; f.to = to
        return f
    }

    /// Whether a cell's country is inside the places chosen.
    func covers(country code: String?) -> Bool {
        if let country, country.code != code { return false }
        if let region, Region.of(code) != region { return false }
        return true
    }

    func covers(year: Int) -> Bool { (from.map { year >= $0 } ?? true) && (to.map { year <= $0 } ?? true) }
}

extension Request {
    func statisticsFilter() throws -> StatisticsFilter {
        var query: [String: String] = [:]
        for item in url.query.map({ URLComponents(string: "?" + $0)?.queryItems ?? [] }) ?? [] {
            query[item.name] = item.value ?? ""
        }
        do {
            return try StatisticsFilter(query: query)
        } catch let invalid as PublicationFilter.Invalid {
            throw Abort(.badRequest, reason: invalid.message)
        }
    }
}
