import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// A member organisation as the public directory shows it.
struct DirectoryEntry: Sendable, Decodable {
    let id: String, name: String, type: String?, countryCode: String?, workingLanguages: String, networks: String
    let founded: Int?, website: String?
    var description: String? = nil
    var affiliatedIds: String? = nil

    var affiliated: [String] { (affiliatedIds ?? "").split(separator: ",").map(String.init) }

    /// Read column by column: the Codable row decoder with snake-case keys costs more than the rest of the page.
    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: String.self)
        name = try row.decode(column: "name", as: String.self)
        type = try row.decode(column: "type", as: String?.self)
        countryCode = try row.decode(column: "country_code", as: String?.self)
        workingLanguages = try row.decode(column: "working_languages", as: String.self)
        networks = try row.decode(column: "networks", as: String.self)
        founded = try row.decode(column: "founded", as: Int?.self)
        website = try row.decode(column: "website", as: String?.self)
        if row.contains(column: "description") { description = try row.decode(column: "description", as: String?.self) }
        if row.contains(column: "affiliated_ids") {
            affiliatedIds = try row.decode(column: "affiliated_ids", as: String?.self)
        }
    }

    var languages: [String] { workingLanguages.split(separator: ",").map(String.init) }
    var networkSlugs: [String] { networks.split(separator: ",").map(String.init) }
    var country: Country? { countryCode.flatMap { CountryDirectory.shared.country(code: $0) } }
    var typeLabel: String? { type.map { Translations.current.texts["orgtype.\($0)"] ?? $0 } }

    static func languageName(_ code: String) -> String {
        ["en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "pt": "Português", "ru": "Русский"][code]
            ?? code
    }
    static func networkName(_ slug: String) -> String { Translations.current.texts["network.\(slug)"] ?? slug }
}

/// The directory's filters: `country`, `type`, `network`, `language`, `q` (name), `page`.
struct DirectoryFilter: Sendable, Hashable {
    var country: String? = nil, type: String? = nil, network: String? = nil, language: String? = nil, text = "",
        page = 1
    static let pageSize = 30

    init() {}

    init(_ req: Request) throws {
        func value(_ name: String, expected: String = "dir.expected-slug", _ valid: (String) -> Bool) throws -> String?
        {
            guard let raw = req.query[String.self, at: name], !raw.isEmpty else { return nil }
            guard raw.count <= 60, valid(raw) else {
                throw Abort(
                    .badRequest,
                    reason: t(
                        "error.unknown-value",
                        ["parameter": name, "value": String(raw.prefix(60)), "expected": t(expected)]))
            }
            return raw
        }
        let slug: (String) -> Bool = { $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } }
        country = try value("country", expected: "error.expected-country") {
            CountryDirectory.shared.country(code: $0) != nil
        }?.uppercased()
        type = try value("type", slug)
        network = try value("network", slug)
        language = try value("language", slug)
        text = String((req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        page =
            try value("page", expected: "error.expected-page") { Int($0).map { (1...10_000).contains($0) } ?? false }
            .flatMap(Int.init) ?? 1
    }

    func matches(_ o: DirectoryEntry, ignoring facet: String? = nil) -> Bool {
        if facet != "country", let country, o.countryCode != country { return false }
        if facet != "type", let type, o.type != type { return false }
        if facet != "network", let network, !o.networkSlugs.contains(network) { return false }
        if facet != "language", let language, !o.languages.contains(language) { return false }
        if !text.isEmpty && !o.name.localizedCaseInsensitiveContains(text)
            && o.name.range(of: text, options: [.caseInsensitive, .diacriticInsensitive]) == nil
        {
            return false
        }
        return true
    }

    var queryItems: [(String, String)] {
        [
            ("country", country?.lowercased()), ("type", type), ("network", network), ("language", language),
            ("q", text.isEmpty ? nil : text),
            ("page", page > 1 ? String(page) : nil)
        ].compactMap { name, value in value.map { (name, $0) } }
    }

    func with(_ change: (inout DirectoryFilter) -> Void) -> DirectoryFilter {
        var copy = self; change(&copy); copy.page = 1; return copy
    }
    /// The address in the current page's language.
    var path: String { SiteRoute.organisations(self).path }
}

enum DirectoryQueries {
    /// Every organisation: the directory holds hundreds, so filters and counts are worked out in memory.
    static func all(on db: any Database) async throws -> [DirectoryEntry] {
        try await db.sql.raw(
            """
            SELECT id, name, type, country_code, working_languages, networks, founded, website FROM organisations \
            ORDER BY name, id
            """
        )
        .all().map(DirectoryEntry.init(row:))
    }

    static func find(_ id: String, on db: any Database) async throws -> DirectoryEntry? {
        try await db.sql.raw(
            """
            SELECT id, name, type, country_code, working_languages, networks, founded, website, description, \
            affiliated_ids FROM organisations WHERE id = \(bind: id)
            """
        )
        .first().map(DirectoryEntry.init(row:))
    }

    /// The organisations it is affiliated with and those affiliated with it, by name.
    static func affiliations(of o: DirectoryEntry, on db: any Database) async throws -> [(id: String, name: String)] {
        struct Row: Decodable { let id: String, name: String }
        let pattern = "%," + o.id + ",%"
        let rows = try await db.sql.raw(
            """
            SELECT id, name FROM organisations WHERE id IN (\(binds: o.affiliated.isEmpty ? [""] : o.affiliated))
               OR ',' || affiliated_ids || ',' LIKE \(bind: pattern) ORDER BY name, id
            """
        ).all(decoding: Row.self)
        return rows.filter { $0.id != o.id }.map { ($0.id, $0.name) }
    }

    /// For each facet, each value with how many organisations match the other filters and it.
    static func counts(_ all: [DirectoryEntry], _ filter: DirectoryFilter) -> [String: [(String, Int)]] {
        func tally(_ facet: String, _ values: (DirectoryEntry) -> [String]) -> [(String, Int)] {
            var counts: [String: Int] = [:]
            for o in all where filter.matches(o, ignoring: facet) { for v in values(o) { counts[v, default: 0] += 1 } }
            return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        }
        return [
            "country": tally("country") { $0.countryCode.map { [$0] } ?? [] },
            "type": tally("type") { $0.type.map { [$0] } ?? [] },
            "network": tally("network") { $0.networkSlugs }, "language": tally("language") { $0.languages }
        ]
    }
}
