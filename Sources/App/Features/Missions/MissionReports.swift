import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

extension MissionStore {
    /// The mission a publication reports on (as its preliminary findings or its report), public facts only.
    static func published(about publicationID: String, on db: any Database) async throws -> MissionReport? {
        try await published(
            where:
                "preliminary_publication_id = \(bind: publicationID) OR report_publication_id = \(bind: publicationID)",
            on: db
        ).first
    }

    /// Missions with a published preliminary findings or report, latest first: public facts only.
    static func published(on db: any Database) async throws -> [MissionReport] {
        try await published(
            where: "preliminary_publication_id IS NOT NULL OR report_publication_id IS NOT NULL", on: db)
    }

    private static func published(where condition: SQLQueryString, on db: any Database) async throws -> [MissionReport]
    {
        struct Row: Decodable {
            let kind: String, countryCode: String, startsOn: String, endsOn: String, preliminaryPublicationId: String?,
                reportPublicationId: String?
        }
        let rows = try await db.rows(
            """
            SELECT kind, country_code, starts_on, ends_on, preliminary_publication_id, report_publication_id FROM \
            missions
            WHERE \(condition) ORDER BY ends_on DESC, id
            """, as: Row.self
        )
        let ids = rows.flatMap { [$0.preliminaryPublicationId, $0.reportPublicationId].compactMap { $0 } }
        guard !ids.isEmpty else { return [] }
        let publications = try await db.sql.raw(
            """
            SELECT \(unsafeRaw: PublicationSummary.columns) FROM publications p WHERE p.status = 'published' AND p.id \
            IN (\(binds: Array(Set(ids))))
            """
        ).all().map(PublicationSummary.init(row:))
        let byID = Dictionary(publications.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return rows.compactMap { r in
            let preliminary = r.preliminaryPublicationId.flatMap { byID[$0] },
                report = r.reportPublicationId.flatMap { byID[$0] }
            guard preliminary != nil || report != nil, let kind = MissionKind(rawValue: r.kind),
                let dates = try? MissionDates.check(starts: r.startsOn, ends: r.endsOn).get()
            else { return nil }
            return MissionReport(
                kind: kind, country: r.countryCode, dates: dates, preliminary: preliminary, report: report)
        }
    }
}

/// The public page of mission reports: `/missions` in every language.
struct MissionReportsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.localizedGet(SiteRoute.Pattern.missions) { req in
            .publicPage(Self.page(try await MissionStore.published(on: req.db)))
        }
    }

    /// A mission's public facts and its publications, preliminary findings first.
    static func item(_ m: MissionReport, heading: String = "h2") -> HTML {
        let country = CountryDirectory.shared.country(code: m.country)?.localName ?? m.country
        let when =
            m.dates.starts == m.dates.ends ? m.dates.starts.long : "\(m.dates.starts.long) – \(m.dates.ends.long)"
        let publications = [
            m.preliminary.map { (t("mission.preliminary"), $0) }, m.report.map { (t("mission.report"), $0) }
        ].compactMap { $0 }
        let links: [HTML] = publications.map { label, p in
            """
            <li><span class=\"meta\">\(label):</span> <a href=\"\(SiteRoute.publication(id: p.id).path)\" \
            lang=\"\(p.language)\"><bdi>\(p.displayTitle)</bdi></a></li>
            """
        }
        let tag = HTML(trusted: heading == "h3" ? "h3" : "h2")
        return
            "<\(tag)>\(t("mission.kind.\(m.kind.rawValue)")) — \(country)</\(tag)><p class=\"meta\">\(when)</p><ul>\(links.joined())</ul>"
    }

    static func page(_ missions: [MissionReport]) -> HTML {
        let items: [HTML] = missions.map { "<li class=\"mission\">\(item($0))</li>" }
        return Layout(title: t("mission.list"), facts: nil).render(
            """
            <h1>\(t("mission.list"))</h1>
            \(items.isEmpty ? "<p>\(t("mission.none"))</p>" as HTML : "<ol id=\"mission-reports\" class=\"plain\">\(items.joined())</ol>")
            """)
    }
}
