import Foundation
import ObservatoryCore

/// What the API answers, built only from the public types the pages use (`PublicationSummary`, `PublicationDetail`,
/// `DirectoryEntry`, `MissionReport`, `SearchResult`), which hold no `Confidential` and only published rows.
enum ApiModel {
    struct Publication: Encodable, Sendable {
        let id: String, type: String, kind: String?, language: String, publishedOn: String, title: String
        let summary: String, countries: [String], programmes: [String], reference: String?, eventDate: String?
        let url: String

        init(_ p: PublicationSummary) {
            id = p.id; type = p.type; kind = p.kind; language = p.language; publishedOn = p.publishedOn
            title = p.displayTitle; summary = p.summary
            countries = p.countryCodes.split(separator: ",").map(String.init)
            programmes = p.programmeSlugs.split(separator: ",").map(String.init)
            reference = p.reference; eventDate = p.eventDate; url = SiteRoute.publication(id: p.id).path
        }
    }

    struct PublicationDetail: Encodable, Sendable {
        let publication: Publication
        let body: String, bodyHtml: String
        let followUpOf: String?, translationOf: String?
        let translations: [Publication], followUpChain: [Publication]
        let mission: Mission?

        enum CodingKeys: String, CodingKey {
            case body, bodyHtml, followUpOf, translationOf, translations, followUpChain, mission
        }

        init(_ c: PublicationShowPage.Context) {
            publication = Publication(c.publication.summary)
            body = c.publication.body
            bodyHtml = Markdown.render(c.publication.body).rendered
            // Links to other publications only when those are public themselves.
            let chainIDs = Set(c.chain.map(\.id)), translationIDs = Set(c.translations.map(\.id))
            followUpOf = c.publication.followUpOf.flatMap { chainIDs.contains($0) ? $0 : nil }
            translationOf = c.publication.translationOf.flatMap { translationIDs.contains($0) ? $0 : nil }
            translations = c.translations.map(Publication.init)
            followUpChain = c.chain.map(Publication.init)
            mission = c.mission.map(Mission.init)
        }

        func encode(to encoder: any Encoder) throws {
            try publication.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(body, forKey: .body)
            try c.encode(bodyHtml, forKey: .bodyHtml)
            try c.encodeIfPresent(followUpOf, forKey: .followUpOf)
            try c.encodeIfPresent(translationOf, forKey: .translationOf)
            try c.encode(translations, forKey: .translations)
            try c.encode(followUpChain, forKey: .followUpChain)
            try c.encodeIfPresent(mission, forKey: .mission)
        }
    }

    struct PublicationPage: Encodable, Sendable {
        let items: [Publication]
        let total: Int
        let nextCursor: String?
        let facets: [String: [String: Int]]
    }

    struct Country: Encodable, Sendable {
        let code: String, slug: String, name: String, count: Int, url: String
    }

    struct CountryList: Encodable, Sendable { let items: [Country] }

    struct Organisation: Encodable, Sendable {
        let id: String, name: String, type: String?, country: String?, workingLanguages: [String], networks: [String]
        let founded: Int?, website: String?, url: String
        var description: String? = nil
        var affiliations: [String]? = nil

        init(_ o: DirectoryEntry) {
            id = o.id; name = o.name; type = o.type; country = o.countryCode; workingLanguages = o.languages
            networks = o.networkSlugs; founded = o.founded; website = o.website
            url = SiteRoute.organisation(id: o.id).unprefixedPath
        }
    }

    struct OrganisationPage: Encodable, Sendable {
        let items: [Organisation], total: Int, page: Int, pageSize: Int
        let facets: [String: [String: Int]]
    }

    struct SearchHit: Encodable, Sendable {
        let publication: Publication
        let snippetHtml: String
        enum CodingKeys: String, CodingKey { case snippetHtml }
        init(_ r: SearchResult) { publication = Publication(r.publication); snippetHtml = r.snippet.rendered }
        func encode(to encoder: any Encoder) throws {
            try publication.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(snippetHtml, forKey: .snippetHtml)
        }
    }

    struct SearchPage: Encodable, Sendable {
        let query: String, total: Int, page: Int, pageSize: Int, items: [SearchHit]
    }

    struct Mission: Encodable, Sendable {
        let kind: String, country: String, startsOn: String, endsOn: String
        let preliminaryFindings: Publication?, report: Publication?
        init(_ m: MissionReport) {
            kind = m.kind.rawValue; country = m.country; startsOn = m.dates.starts.description
            endsOn = m.dates.ends.description
            preliminaryFindings = m.preliminary.map(Publication.init); report = m.report.map(Publication.init)
        }
    }

    struct MissionList: Encodable, Sendable { let items: [Mission] }

    /// A back-office publication as a token's writes return it.
    struct Draft: Encodable, Sendable {
        let id: String, status: String, type: String, kind: String?, language: String, publishedOn: String
        let title: String, summary: String, body: String, countries: [String], programmes: [String]
        let reference: String?, followUpOf: String?, translationOf: String?, eventDate: String?, publishAt: String?
        let revision: Int, approved: Bool

        init(_ r: EditorialRecord, revision: Int, approved: Bool) {
            let p = r.publication
            id = p.id; status = r.status.rawValue; type = p.type.rawValue; kind = p.kind?.rawValue
            language = p.language.rawValue; publishedOn = p.published.description; title = p.title
            summary = p.summary; body = p.body; countries = p.countries; programmes = p.programmes.map(\.rawValue)
            reference = p.reference; followUpOf = p.followUpOf; translationOf = p.translationOf
            eventDate = p.eventDate?.description; publishAt = r.publishAt.map { iso8601(seconds: $0) }
            self.revision = revision; self.approved = approved
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
