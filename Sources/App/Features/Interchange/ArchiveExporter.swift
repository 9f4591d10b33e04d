import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Writes the public archive out in the interchange format (JSON Lines, `shared/corpus/FORMAT.md`) or as CSV
/// with the columns `CSVImporter` reads, streaming in pages of 500 rows. Only what the format holds, and only
/// what the public site shows: published publications (never a draft, a scheduled one or anything of a case),
/// organisations' public fields (never their sealed contacts). A follow-up or translation link to a publication
/// that is not published is left out, so an export never names one.
struct ArchiveExporter {
    enum Format: String, CaseIterable { case jsonl, csv }
    enum What: String, CaseIterable { case publications, organisations }

    var db: any Database
    var pageSize = 500

    struct PublicationRow: Decodable {
        let id: String, type: String, kind: String?, language: String, publishedOn: String, title: String
        let summary: String?, body: String?, countryCodes: String?, programmeSlugs: String?, reference: String?
        let followUpOf: String?, translationOf: String?, eventDate: String?
    }

    struct OrganisationRow: Decodable {
        let id: String, name: String, type: String?, countryCode: String?, workingLanguages: String?, networks: String?
        let founded: Int?, website: String?
    }

    /// One line of the interchange format, keys as FORMAT.md names them.
    struct PublicationLine: Encodable {
        let id: String, type: String, kind: String?, language: String, published: String, title: String
        let summary: String, body: String, countries: [String], programmes: [String], reference: String?
        let follow_up_of: String?, translation_of: String?, event_date: String?
    }

    struct OrganisationLine: Encodable {
        let id: String, name: String, type: String?, country: String?, working_languages: [String], networks: [String]
        let founded: Int?, website: String?
    }

    /// Calls `write` with each piece of output, in order; returns the number of records.
    func export(_ what: What, as format: Format, write: (String) throws -> Void) async throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json(_ value: some Encodable) throws -> String {
            String(
                decoding: try encoder.encode(value),
                as: UTF8.self) + "\n"
        }
        func list(_ text: String?) -> [String] { (text ?? "").split(separator: ",").map(String.init) }
        var count = 0
        var after = ""
        switch what {
        case .publications:
            if format == .csv { try write(CSVReader.line(CSVImporter.publicationColumns)) }
            while true {
                let rows = try await db.rows(
                    """
                    SELECT p.id, p.type, p.kind, p.language, p.published_on, p.title, p.summary, p.body,
                           p.country_codes,                           p.programme_slugs, p.reference, p.event_date,
                           CASE WHEN EXISTS (SELECT 1 FROM publications f
                                             WHERE f.id = p.follow_up_of AND f.status = 'published')
                                THEN p.follow_up_of END AS follow_up_of,
                           CASE WHEN EXISTS (SELECT 1 FROM publications t
                                             WHERE t.id = p.translation_of AND t.status = 'published')
                                THEN p.translation_of END AS translation_of
                    FROM publications p WHERE p.status = 'published' AND p.id > \(bind: after)
                    ORDER BY p.id LIMIT \(unsafeRaw: String(pageSize))
                    """, as: PublicationRow.self
                )
                for r in rows {
                    let line = PublicationLine(
                        id: r.id, type: r.type, kind: r.kind, language: r.language,
                        published: r.publishedOn,
                        title: r.title, summary: r.summary ?? "", body: r.body ?? "",
                        countries: list(r.countryCodes), programmes: list(r.programmeSlugs),
                        reference: r.reference, follow_up_of: r.followUpOf,
                        translation_of: r.translationOf,
                        event_date: r.eventDate)
                    if format == .jsonl {
                        try write(try json(line))
                    } else {
                        try write(
                            CSVReader.line(
                                [
                                    line.id, line.type, line.kind ?? "", line.language, line.published,
                                    line.title,
                                    line.summary, line.body, line.countries.joined(separator: "|"),
                                    line.programmes.joined(separator: "|"), line.reference ?? "",
                                    line.follow_up_of ?? "", line.translation_of ?? "",
                                    line.event_date ?? ""
                                ], guardFormulas: true))
                    }
                }
                count += rows.count
                guard rows.count == pageSize, let last = rows.last else { break }
                after = last.id
            }
        case .organisations:
            if format == .csv { try write(CSVReader.line(CSVImporter.organisationColumns)) }
            while true {
                let rows = try await db.rows(
                    """
                    SELECT id, name, type, country_code, working_languages, networks, founded, website
                    FROM organisations WHERE id > \(bind: after) ORDER BY id LIMIT \(unsafeRaw: String(pageSize))
                    """, as: OrganisationRow.self
                )
                for r in rows {
                    let line = OrganisationLine(
                        id: r.id, name: r.name, type: r.type, country: r.countryCode,
                        working_languages: list(r.workingLanguages), networks: list(r.networks),
                        founded: r.founded, website: r.website)
                    if format == .jsonl {
                        try write(try json(line))
                    } else {
                        try write(
                            CSVReader.line(
                                [
                                    line.id, line.name, line.type ?? "", line.country ?? "",
                                    line.working_languages.joined(separator: "|"),
                                    line.networks.joined(separator: "|"),
                                    line.founded.map(String.init) ?? "", line.website ?? ""
                                ],
                                guardFormulas: true))
                    }
                }
                count += rows.count
                guard rows.count == pageSize, let last = rows.last else { break }
                after = last.id
            }
        }
        return count
    }
}
