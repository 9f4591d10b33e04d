/// One line of the archive interchange format (`shared/corpus/FORMAT.md`), validated.
public enum ArchiveRecord: Sendable, Equatable {
    case publication(ArchivePublication)
    case organisation(ArchiveOrganisation)
}

public struct ArchivePublication: Sendable, Equatable {
    public var id: String
    public var type: PublicationType
    public var kind: InterventionKind?
    public var language: Language
    public var published: CivilDate
    public var title: String
    public var summary: String
    public var body: String
    /// Alpha-2 codes (or `EU`), resolved, without repeats, in the archive's order.
    public var countries: [String]
    public var programmes: [Programme]
    public var reference: String?
    public var followUpOf: String?
    public var translationOf: String?
    public var eventDate: CivilDate?

    public init(
        id: String, type: PublicationType, kind: InterventionKind? = nil, language: Language, published: CivilDate,
        title: String, summary: String = "", body: String = "", countries: [String] = [], programmes: [Programme] = [],
        reference: String? = nil, followUpOf: String? = nil, translationOf: String? = nil, eventDate: CivilDate? = nil
    ) {
        self.id = id; self.type = type; self.kind = kind; self.language = language; self.published = published
        self.title = title; self.summary = summary; self.body = body; self.countries = countries
        self.programmes = programmes; self.reference = reference; self.followUpOf = followUpOf
        self.translationOf = translationOf; self.eventDate = eventDate
    }
}

public struct ArchiveOrganisation: Sendable, Equatable {
    public var id: String
    public var name: String
    public var type: OrganisationType?
    public var country: String?
    public var workingLanguages: [String]
    public var networks: [String]
    public var founded: Int?
    public var website: String?

    public init(
        id: String, name: String, type: OrganisationType? = nil, country: String? = nil,
        workingLanguages: [String] = [],
        networks: [String] = [], founded: Int? = nil, website: String? = nil
    ) {
        self.id = id; self.name = name; self.type = type; self.country = country
        self.workingLanguages = workingLanguages; self.networks = networks; self.founded = founded;
        self.website = website
    }
}

/// A problem with one field of one line: printed as `line 12: countries: unknown country "Atlantis"`.
public struct ArchiveProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let field: String
    public let reason: String
    public init(line: Int, field: String, reason: String) {
        self.line = line; self.field = field; self.reason = reason
    }
    public var description: String { "line \(line): \(field): \(reason)" }
}
