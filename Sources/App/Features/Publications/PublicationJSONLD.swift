import ObservatoryCore

/// schema.org JSON-LD of a publication page: `NewsArticle` (statements, urgent interventions, news), `Report`,
/// `Event`; links have none. Public fields only (those the page shows), in a `<script type="application/ld+json">`
/// data block: browsers never execute it, so the strict CSP (`script-src 'self'`) stays as it is, and the JSON is
/// written by `ScriptSafeJSON`, so no title can close the element.
enum PublicationJSONLD {
    struct Thing: Encodable {
        var type: String
        var name: String
        var description: String?
        var datePublished: String
        var inLanguage: String
        var url: String
        var identifier: String?
        var startDate: String?
        var location: [String: String]?
        var about: [[String: String]]
        var publisherName: String

        func encode(to encoder: any Encoder) throws {
            struct Key: CodingKey {
                var stringValue: String; var intValue: Int? { nil }
                init(_ s: String) { stringValue = s }
                init?(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }
            var c = encoder.container(keyedBy: Key.self)
            try c.encode("https://schema.org", forKey: Key("@context"))
            try c.encode(type, forKey: Key("@type"))
            try c.encode(name, forKey: Key(type == SchemaOrgType.event.rawValue ? "name" : "headline"))
            try c.encodeIfPresent(description, forKey: Key("description"))
            try c.encode(datePublished, forKey: Key("datePublished"))
            try c.encode(inLanguage, forKey: Key("inLanguage"))
            try c.encode(url, forKey: Key("url"))
            try c.encodeIfPresent(identifier, forKey: Key("identifier"))
            try c.encodeIfPresent(startDate, forKey: Key("startDate"))
            try c.encodeIfPresent(location, forKey: Key("location"))
            if !about.isEmpty { try c.encode(about, forKey: Key("about")) }
            let role = type == SchemaOrgType.event.rawValue ? "organizer" : "publisher"
            try c.encode(["@type": "Organization", "name": publisherName], forKey: Key(role))
        }
    }

    static func thing(_ p: PublicationSummary, baseURL: String) -> Thing? {
        guard let type = p.publicationType.flatMap(SchemaOrgType.init) else { return nil }
        let countries = p.countries.map { ["@type": "Country", "name": $0.name, "identifier": $0.code] }
        return Thing(
            type: type.rawValue, name: p.displayTitle, description: p.summary.isEmpty ? nil : p.summary,
            datePublished: p.publishedOn, inLanguage: p.language,
            url: baseURL + SiteRoute.publication(id: p.id).path, identifier: p.reference,
            startDate: type == .event ? (p.eventDate ?? p.publishedOn) : nil,
            location: type == .event
                ? countries.first.map { ["@type": "Place", "name": $0["name"] ?? ""] }
                : nil,
            about: countries, publisherName: t("site.full-name"))
    }

    /// The `<script type="application/ld+json">` element, or nothing for a type with no schema.org counterpart.
    static func element(_ p: PublicationSummary, baseURL: String) -> HTML {
        guard let thing = thing(p, baseURL: baseURL), let json = try? ScriptSafeJSON.encode(thing) else {
            return .empty
        }
        return HTML(trusted: "<script type=\"application/ld+json\">" + json + "</script>")
    }
}
