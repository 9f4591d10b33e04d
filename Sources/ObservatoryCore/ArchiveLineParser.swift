import Foundation

/// What a line turned out to be.
public enum ParsedLine: Sendable, Equatable {
    case accepted(ArchiveRecord)
    case rejected([ArchiveProblem])
}

/// Turns one JSON line of an archive into a validated record, or into every problem found on it.
public struct ArchiveLineParser: Sendable {
    public struct Limits: Sendable {
        public var lineBytes = 2_000_000
        public var idCharacters = 200
        public var titleCharacters = 1_000
        public var summaryCharacters = 5_000
        public var bodyCharacters = 1_000_000
        public var listItems = 50
        public init() {}
    }

    public let countries: CountryDirectory
    public let limits: Limits

    public init(countries: CountryDirectory = .shared, limits: Limits = Limits()) {
        self.countries = countries
        self.limits = limits
    }

    public func parse(_ line: [UInt8], number: Int) -> ParsedLine {
        parse(line[...], number: number)
    }

    public func parse(_ line: ArraySlice<UInt8>, number: Int) -> ParsedLine {
        func fail(_ field: String, _ reason: String) -> ParsedLine {
            .rejected([ArchiveProblem(line: number, field: field, reason: reason)])
        }
        guard line.count <= limits.lineBytes else {
            return fail("line", "too long (\(line.count) bytes, at most \(limits.lineBytes))")
        }
        let hasNul = line.withUnsafeBytes { raw in raw.baseAddress.map { memchr($0, 0, raw.count) != nil } ?? false }
        guard !hasNul else { return fail("line", "contains a NUL byte") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(line), options: [])
        } catch {
            return fail("line", "invalid JSON")
        }
        guard let dict = object as? [String: Any] else { return fail("line", "not a JSON object") }
        var fields = FieldReader(dict: dict, line: number, limits: limits)
        if dict["name"] != nil && dict["published"] == nil {
            let org = readOrganisation(&fields)
            return fields.problems.isEmpty ? .accepted(.organisation(org)) : .rejected(fields.problems)
        }
        let publication = readPublication(&fields)
        return fields.problems.isEmpty ? .accepted(.publication(publication)) : .rejected(fields.problems)
    }

    func readPublication(_ f: inout FieldReader) -> ArchivePublication {
        let id = f.identifier("id", required: true) ?? ""
        let type = f.enumeration("type", PublicationType.self, required: true)
        let kind = f.enumeration("kind", InterventionKind.self, required: false)
        if let kind, let type, type != .urgentIntervention {
            f.problem("kind", "\"\(kind.rawValue)\" is only for urgent interventions, not \(type.rawValue)")
        }
        let language = f.enumeration("language", Language.self, required: true)
        let published = f.date("published", required: true)
        let titleText = f.text("title", required: true, max: limits.titleCharacters, singleLine: true)
        let title = titleText ?? ""
        if let titleText, titleText.trimmingCharacters(in: .whitespaces).isEmpty, let type, type != .event {
            f.problem("title", "empty (only an event may have no title)")
        }
        let summary = f.text("summary", required: false, max: limits.summaryCharacters, singleLine: false) ?? ""
        let body = f.text("body", required: false, max: limits.bodyCharacters, singleLine: false) ?? ""
        var codes: [String] = []
        for name in f.strings("countries") {
            if let country = countries.resolve(name) {
                if !codes.contains(country.code) { codes.append(country.code) }
            } else {
                f.problem("countries", "unknown country \"\(name.prefix(80))\"")
            }
        }
        var programmes: [Programme] = []
        for slug in f.strings("programmes") {
            if let programme = Programme(rawValue: slug) {
                if !programmes.contains(programme) { programmes.append(programme) }
            } else {
                f.problem("programmes", "unknown programme \"\(slug.prefix(80))\"")
            }
        }
        let reference = f.text("reference", required: false, max: 60, singleLine: true)
        let followUpOf = f.identifier("follow_up_of", required: false)
        let translationOf = f.identifier("translation_of", required: false)
        if let reference, !reference.isEmpty, let published,
            let problem = ReferenceCode.schemeProblem(
                reference, countries: codes, published: published,
                followUpOf: followUpOf, translationOf: translationOf,
                directory: countries)
        {
            f.problem("reference", problem)
        } else if let reference, !reference.isEmpty, ReferenceCode(reference) == nil {
            f.problem("reference", "\"\(reference)\" is not a reference code like MEX 001 / 0916 / OBS 077")
        }
        return ArchivePublication(
            id: id, type: type ?? .news, kind: kind, language: language ?? .en,
            published: published ?? CivilDate(year: 2000, month: 1, day: 1)!,
            title: title, summary: summary, body: body, countries: codes, programmes: programmes,
            reference: reference.flatMap { $0.isEmpty ? nil : $0 },
            followUpOf: followUpOf, translationOf: translationOf,
            eventDate: f.date("event_date", required: false))
    }

    func readOrganisation(_ f: inout FieldReader) -> ArchiveOrganisation {
        let id = f.identifier("id", required: true) ?? ""
        let name = f.text("name", required: true, max: limits.titleCharacters, singleLine: true) ?? ""
        if name.trimmingCharacters(in: .whitespaces).isEmpty, f.has("name") { f.problem("name", "empty") }
        let type = f.enumeration("type", OrganisationType.self, required: false)
        var country: String? = nil
        if let text = f.text("country", required: false, max: 100, singleLine: true), !text.isEmpty {
            country = countries.resolve(text)?.code
            if country == nil { f.problem("country", "unknown country \"\(text.prefix(80))\"") }
        }
        let languages = f.strings("working_languages")
        for tag in languages where tag.count < 2 || tag.count > 8 || !tag.allSatisfy({ $0.isASCII && $0.isLetter }) {
            f.problem("working_languages", "\"\(tag.prefix(20))\" is not a language tag")
        }
        let founded = f.integer("founded", in: 1800...2100)
        let website = f.text("website", required: false, max: 500, singleLine: true)
        if let website, !website.isEmpty, !(website.hasPrefix("https://") || website.hasPrefix("http://")) {
            f.problem("website", "must start with http:// or https://")
        }
        return ArchiveOrganisation(
            id: id, name: name, type: type, country: country, workingLanguages: languages.map { $0.lowercased() },
            networks: f.strings("networks"), founded: founded, website: website.flatMap { $0.isEmpty ? nil : $0 })
    }
}
