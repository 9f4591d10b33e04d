import Foundation
import ObservatoryCore
import SQLKit

/// A publication as lists and feeds show it.
struct PublicationSummary: Decodable, Sendable, Equatable {
    static let columns =
        """
        p.id, p.type, p.kind, p.language, p.published_on, p.title, p.summary, p.country_codes, p.programme_slugs, \
        p.reference, p.event_date
        """

    let id: String
    let type: String
    let kind: String?
    let language: String
    let publishedOn: String
    let title: String
    let summary: String
    let countryCodes: String
    let programmeSlugs: String
    let reference: String?
    let eventDate: String?

    enum CodingKeys: String, CodingKey {
        case id, type, kind, language, title, summary, reference
        case publishedOn = "published_on", countryCodes = "country_codes", programmeSlugs = "programme_slugs",
            eventDate = "event_date"
    }

    /// Reads the columns straight from the row: lists decode 30 of these per page, and Codable costs twice as much.
    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: String.self)
        type = try row.decode(column: "type", as: String.self)
        kind = try row.decode(column: "kind", as: String?.self)
        language = try row.decode(column: "language", as: String.self)
        publishedOn = try row.decode(column: "published_on", as: String.self)
        title = try row.decode(column: "title", as: String.self)
        summary = try row.decode(column: "summary", as: String.self)
        countryCodes = try row.decode(column: "country_codes", as: String.self)
        programmeSlugs = try row.decode(column: "programme_slugs", as: String.self)
        reference = try row.decode(column: "reference", as: String?.self)
        eventDate = try row.decode(column: "event_date", as: String?.self)
    }

    var publicationType: PublicationType? { PublicationType(rawValue: type) }
    var interventionKind: InterventionKind? { kind.flatMap(InterventionKind.init(rawValue:)) }
    var lang: Language { Language(rawValue: language) ?? .en }
    var date: CivilDate? { CivilDate(publishedOn) }
    var countries: [Country] {
        countryCodes.isEmpty
            ? [] : countryCodes.split(separator: ",").compactMap { CountryDirectory.shared.country(code: String($0)) }
    }
    var programmes: [Programme] {
        programmeSlugs.isEmpty ? [] : programmeSlugs.split(separator: ",").compactMap { Self.programmeBySlug[$0] }
    }

    /// Faster than `Programme(rawValue:)`, which compares against every case's raw value.
    private static let programmeBySlug: [Substring: Programme] = Dictionary(
        uniqueKeysWithValues: Programme.allCases.map { (Substring($0.rawValue), $0) })

    /// The title, or for an event listed by date alone, "Event of March 12, 2019".
    var displayTitle: String {
        if title.utf8.contains(where: { $0 != 0x20 && $0 != 0x09 }) { return title }
        let when = (eventDate.flatMap(CivilDate.init) ?? date)?.long ?? publishedOn
        return type == PublicationType.event.rawValue
            ? t("untitled.event", ["date": when]) : t("untitled.other", ["date": when])
    }
}

/// A publication as its own page shows it.
struct PublicationDetail: Decodable, Sendable {
    static let columns = PublicationSummary.columns + ", p.body, p.follow_up_of, p.translation_of"

    let summary: PublicationSummary
    let body: String
    let followUpOf: String?
    let translationOf: String?

    var id: String { summary.id }

    enum CodingKeys: String, CodingKey {
        case body, followUpOf = "follow_up_of", translationOf = "translation_of"
    }

    init(from decoder: any Decoder) throws {
        summary = try PublicationSummary(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        body = try c.decode(String.self, forKey: .body)
        followUpOf = try c.decodeIfPresent(String.self, forKey: .followUpOf)
        translationOf = try c.decodeIfPresent(String.self, forKey: .translationOf)
    }
}
