import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// `/statistics` in every language with its CSV and JSON (behind the page cache, dropped when content changes),
/// and `/office/statistics`: the same figures unsuppressed, for staff (partners are refused).
struct StatisticsController: RouteCollection {
    static let officePath = ["office", "statistics"]
    static let officeAccess = Access.roles([.administrator, .editor, .caseOfficer])

    func boot(routes: any RoutesBuilder) throws {
        routes.localizedGet(SiteRoute.Pattern.statistics) { req in
            let filter = try req.statisticsFilter()
            let sheet = try await Self.publicSheet(filter, on: req.db)
            let links = StatisticsPage.Links(
                page: { SiteRoute.statistics($0).path },
                download: { StatisticsExport.path($0, $1) })
            let layout = Layout(
                title: t("stats.title"), facts: try await req.siteFacts(),
                canonical: SiteRoute.statistics(filter).path, description: t("stats.description"))
            return .publicPage(
                layout.render(
                    """
                    <h1>\(t("stats.title"))</h1>
                    \(StatisticsPage.body(sheet, links: links, office: false))
                    """))
        }
        for format in ListExport.Format.allCases {
            routes.localizedGet(SiteRoute.Pattern.statisticsExport(format), negotiate: false) { req in
                let filter = try req.statisticsFilter()
                let sheet = try await Self.publicSheet(filter, on: req.db)
                return ListExport.answer(
                    try StatisticsExport.document(sheet, format),
                    format, filename: ListExport.filename("statistics", filter.queryItems, format))
            }
        }
    }

    /// The only way the public page gets its figures: every country and year protected (`PublicCell`).
    static func publicSheet(_ filter: StatisticsFilter, on db: any Database) async throws -> StatisticsSheet<PublicCell>
    {
        let counts = try await StatisticsQueries.counts(programme: filter.programme, on: db)
        return StatisticsSheet(filter: filter, counts: counts, cell: PublicCell.init(protecting:))
    }

    func bootOffice(_ routes: any RoutesBuilder, registry: RouteRegistry) {
        routes.declare(.GET, Self.officePath, Self.officeAccess, registry: registry) { req in
            let filter = try req.statisticsFilter()
            let counts = try await StatisticsQueries.counts(programme: filter.programme, on: req.db)
            let sheet = StatisticsSheet(filter: filter, counts: counts, cell: { $0 })
            let links = StatisticsPage.Links(
                page: { "/office/statistics" + SiteRoute.query($0.queryItems) },
                download: nil)
            return try await OfficeLayout(
                title: t("stats.office-title"), account: try req.account,
                csrf: CSRF.token(for: req), translated: true
            ).render(
                """
                <h1>\(t("stats.office-title"))</h1>
                \(StatisticsPage.body(sheet, links: links, office: true))
                """
            ).encodeResponse(status: .ok, for: req)
        }
    }
}
