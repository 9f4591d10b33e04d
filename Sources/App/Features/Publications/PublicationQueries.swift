import Fluent
import ObservatoryCore
import SQLKit

/// Read queries of published publications. They take a `Database` and plain values, never a `Request`.
enum PublicationQueries {
    enum Facet: CaseIterable { case type, programme, country, language, year }

    /// `status = 'published'` plus every active filter except `facet`, as an SQL condition on `alias`:
    /// `p` (publications, keyed by `id`) or a join table (which carries the facets, keyed by `publication_id`).
    static func conditions(
        _ filter: PublicationFilter, except facet: Facet? = nil, on alias: String = "p"
    ) -> SQLQueryString {
        let id = alias == "p" ? "p.id" : "\(alias).publication_id"
        var parts: [SQLQueryString] = ["\(unsafeRaw: alias).status = 'published'"]
        if facet != .type, let type = filter.type { parts.append("\(unsafeRaw: alias).type = \(bind: type.rawValue)") }
        if facet != .language, let language = filter.language {
            parts.append("\(unsafeRaw: alias).language = \(bind: language.rawValue)")
        }
        if facet != .year, let year = filter.year { parts.append("\(unsafeRaw: alias).year = \(bind: year)") }
        if facet != .country, let country = filter.country {
            parts.append(
                """
                \(unsafeRaw: id) IN (SELECT publication_id FROM publication_countries WHERE country_code = \
                \(bind: country.code))
                """
            )
        }
        if facet != .programme, let programme = filter.programme {
            parts.append(
                """
                \(unsafeRaw: id) IN (SELECT publication_id FROM publication_programmes WHERE programme = \
                \(bind: programme.rawValue))
                """
            )
        }
        return parts.joined(separator: " AND ")
    }

    static func list(
        _ filter: PublicationFilter, limit: Int = PublicationFilter.pageSize, on db: any Database
    ) async throws -> [PublicationSummary] {
        try await db.sql.raw(listQuery(filter, limit: limit)).all().map(PublicationSummary.init(row:))
    }

    /// A page of a list, newest first. With a country or a programme, it walks that facet's rows, which carry the
    /// publication's status, type, language, year and date (migration 035): the page is read in index order, the
    /// same rows and order as over `publications` alone, without sorting every match (issue 22).
    /// `CROSS JOIN` keeps SQLite from starting with `publications`; PostgreSQL plans it like any inner join.
    static func listQuery(_ filter: PublicationFilter, limit: Int = PublicationFilter.pageSize) -> SQLQueryString {
        let page: SQLQueryString = "LIMIT \(literal: limit) OFFSET \(literal: filter.offset)"
        let driver: (table: String, alias: String, facet: Facet, key: SQLQueryString)?
        if let country = filter.country {
            driver = ("publication_countries", "c", .country, "c.country_code = \(bind: country.code)")
        } else if let programme = filter.programme {
            driver = ("publication_programmes", "g", .programme, "g.programme = \(bind: programme.rawValue)")
        } else {
            driver = nil
        }
        guard let driver else {
            return """
                SELECT \(unsafeRaw: PublicationSummary.columns) FROM publications p WHERE \(conditions(filter))
                ORDER BY p.published_on DESC, p.id DESC \(page)
                """
        }
        let a = driver.alias
        return """
            SELECT \(unsafeRaw: PublicationSummary.columns) FROM \(unsafeRaw: driver.table) \(unsafeRaw: a)
            CROSS JOIN publications p
            WHERE \(driver.key) AND \(conditions(filter, except: driver.facet, on: a))
            AND p.id = \(unsafeRaw: a).publication_id AND p.status = 'published'
            ORDER BY \(unsafeRaw: a).published_on DESC, \(unsafeRaw: a).publication_id DESC \(page)
            """
    }

    private struct CountRow: Decodable { let n: Int }
    private struct FacetRow: Decodable { let value: String; let n: Int }

    static func count(_ filter: PublicationFilter, on db: any Database) async throws -> Int {
        let query: SQLQueryString = "SELECT COUNT(*) AS n FROM publications p WHERE \(conditions(filter))"
        return try await db.sql.raw(query).first(decoding: CountRow.self)?.n ?? 0
    }

    /// Published since `date` (inclusive), for "N new".
    static func count(publishedSince date: CivilDate, on db: any Database) async throws -> Int {
        let query: SQLQueryString =
            """
            SELECT COUNT(*) AS n FROM publications p WHERE p.status = 'published' AND p.published_on >= \
            \(bind: date.description)
            """
        return try await db.sql.raw(query).first(decoding: CountRow.self)?.n ?? 0
    }

    /// How many publications each value of `facet` would show, under the other active filters.
    static func counts(of facet: Facet, _ filter: PublicationFilter, on db: any Database) async throws -> [String: Int]
    {
        let condition = conditions(filter, except: facet, on: facet == .country ? "c" : facet == .programme ? "g" : "p")
        let query: SQLQueryString =
            switch facet {
            case .type: "SELECT p.type AS value, COUNT(*) AS n FROM publications p WHERE \(condition) GROUP BY p.type"
            case .language:
                "SELECT p.language AS value, COUNT(*) AS n FROM publications p WHERE \(condition) GROUP BY p.language"
            case .year:
                """
                SELECT CAST(p.year AS TEXT) AS value, COUNT(*) AS n FROM publications p WHERE \(condition) GROUP \
                BY p.year
                """
            case .country:
                """
                SELECT c.country_code AS value, COUNT(*) AS n FROM publication_countries c WHERE \(condition) GROUP \
                BY c.country_code
                """
            case .programme:
                """
                SELECT g.programme AS value, COUNT(*) AS n FROM publication_programmes g WHERE \(condition) GROUP BY \
                g.programme
                """
            }
        let rows = try await db.sql.raw(query).all(decoding: FacetRow.self)
        return Dictionary(rows.map { ($0.value, $0.n) }, uniquingKeysWith: +)
    }

    static func find(id: String, on db: any Database) async throws -> PublicationDetail? {
        let query: SQLQueryString =
            """
            SELECT \(unsafeRaw: PublicationDetail.columns) FROM publications p WHERE p.id = \(bind: id) AND \
            p.status = 'published'
            """
        return try await db.sql.raw(query).first(decoding: PublicationDetail.self)
    }

    /// The other language versions of a publication (its original and the original's translations).
    static func translations(
        of publication: PublicationDetail, on db: any Database
    ) async throws -> [PublicationSummary] {
        let group = publication.translationOf ?? publication.id
        let query: SQLQueryString = """
            SELECT \(unsafeRaw: PublicationSummary.columns) FROM publications p
            WHERE p.status = 'published' AND p.id = \(bind: group) AND p.id <> \(bind: publication.id)
            UNION ALL
            SELECT \(unsafeRaw: PublicationSummary.columns) FROM publications p
            WHERE p.status = 'published' AND p.translation_of = \(bind: group) AND p.id <> \(bind: publication.id)
            """
        return try await db.sql.raw(query).all().map(PublicationSummary.init(row:)).sorted {
            ($0.language, $0.id) < ($1.language, $1.id)
        }
    }

    /// The whole follow-up chain a publication belongs to: the original appeal and every follow-up, in order.
    /// Empty when the publication has no follow-up and follows up nothing.
    static func followUpChain(
        of publication: PublicationDetail, on db: any Database
    ) async throws -> [PublicationSummary] {
        var root = publication.id
        var parent = publication.followUpOf
        var hops = 0
        while let next = parent, hops < 50 {
            root = next
            let query: SQLQueryString = "SELECT p.follow_up_of AS value FROM publications p WHERE p.id = \(bind: next)"
            parent = try await db.sql.raw(query).first(decoding: OptionalValue.self)?.value
            hops += 1
        }
        var members: [PublicationSummary] = []
        var frontier = [root]
        var seen: Set<String> = []
        let rootQuery: SQLQueryString =
            """
            SELECT \(unsafeRaw: PublicationSummary.columns) FROM publications p WHERE p.id = \(bind: root) AND \
            p.status = 'published'
            """
        members += try await db.sql.raw(rootQuery).all().map(PublicationSummary.init(row:))
        while !frontier.isEmpty, seen.count < 500 {
            seen.formUnion(frontier)
            let query: SQLQueryString = """
                SELECT \(unsafeRaw: PublicationSummary.columns) FROM publications p
                WHERE p.status = 'published' AND p.follow_up_of IN (\(binds: frontier))
                """
            let found = try await db.sql.raw(query).all().map(PublicationSummary.init(row:)).filter {
                !seen.contains($0.id)
            }
            members += found
            frontier = found.map(\.id)
        }
        guard members.count > 1 else { return [] }
        return members.sorted {
            ($0.publishedOn, $0.reference ?? "", $0.id) < ($1.publishedOn, $1.reference ?? "", $1.id)
        }
    }

    private struct OptionalValue: Decodable { let value: String? }
}

extension PublicationQueries {
    /// The published translations into `language` of these originals, by original id (500 ids a query).
    static func translations(
        of ids: [String], into language: Language, on db: any Database
    ) async throws -> [String: PublicationSummary] {
        guard !ids.isEmpty else { return [:] }
        var result: [String: PublicationSummary] = [:]
        for batch in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for row in try await db.sql.raw(
                """
                SELECT \(unsafeRaw: PublicationSummary.columns), p.translation_of FROM publications p
                WHERE p.status = 'published' AND p.language = \(bind: language.rawValue) AND p.translation_of IN \
                (\(binds: batch))
                """
            ).all() {
                result[try row.decode(column: "translation_of", as: String.self)] = try PublicationSummary(row: row)
            }
        }
        return result
    }
}
