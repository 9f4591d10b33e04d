import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// The counts behind `/statistics`, per country and year, from public records only:
/// - **publications** (the office's and imported archives'): published urgent interventions, originals and
///   follow-ups, not translations, each in its first country and its year;
/// - **case files** with a published intervention (a published publication): their people, acts, outcome and
///   assistance paid, in the country and year of the case's first published intervention (an outcome in the year
///   the case was closed, assistance in the year it was paid). An unpublished case, a draft, an act of a case that
///   is not public never counts;
/// - **missions** whose preliminary findings or report are published, in their country and the year they began.
/// Where a cell is: a country (nil: publications about no country), a year, and a group inside them. The case
/// files' figures are grouped by the programmes of the publication they count under (`"case:"` and the programmes),
/// so that every public figure, with or without a programme chosen, is a sum of cells protected on their own (rule 3
/// of `SmallCounts`): a programme's page is never a protected total minus a few cases.
struct StatisticsCellKey: Hashable, Sendable {
    let country: String?
    let year: Int
    var group = ""
}

enum StatisticsQueries {
    struct Counts: Sendable {
        var cells: [StatisticsCellKey: StatisticsCounts]
        let currency: String
        /// Urgent interventions with a case file behind them (the rest come from imported archives).
        var withCaseFile: Int
    }

    static func counts(programme: Programme?, on db: any Database) async throws -> Counts {
        let sql = db.sql
        var cells: [StatisticsCellKey: StatisticsCounts] = [:]
        let inProgramme: (String) -> SQLQueryString = { column in
            guard let programme else { return "" }
            return
                " AND \(unsafeRaw: column) IN (SELECT publication_id FROM publication_programmes WHERE programme = \(bind: programme.rawValue))"
        }
        struct PublicationRow: Decodable { let country: String?, year: Int, followUp: Int, n: Int }
        let publications = try await sql.rows(
            """
            SELECT pc.country_code AS country, p.year AS year,
                   CASE WHEN p.follow_up_of IS NULL THEN 0 ELSE 1 END AS follow_up, COUNT(*) AS n
            FROM publications p LEFT JOIN publication_countries pc ON pc.publication_id = p.id AND pc.position = 0
            WHERE p.status = 'published' AND p.type = 'urgent-intervention' AND p.translation_of IS \
            NULL\(inProgramme("p.id"))
            GROUP BY pc.country_code, p.year, CASE WHEN p.follow_up_of IS NULL THEN 0 ELSE 1 END
            """, as: PublicationRow.self
        )
        for row in publications {
            let key = StatisticsCellKey(country: row.country, year: row.year)
            if row.followUp == 0 {
                cells[key, default: .init()].interventions += row.n
            } else {
                cells[key, default: .init()].followUps += row.n
            }
        }

        // Public cases: those with a published intervention whose publication is out; each in its first one's place.
        struct CaseRow: Decodable {
            let caseId: String, publicationId: String, publishedOn: String, year: Int, country: String?
        }
        let caseRows = try await sql.rows(
            """
            SELECT i.case_id, p.id AS publication_id, p.published_on, p.year, pc.country_code AS country
            FROM interventions i JOIN publications p ON p.id = i.publication_id
            LEFT JOIN publication_countries pc ON pc.publication_id = p.id AND pc.position = 0
            WHERE i.status = 'published' AND p.status = 'published'
            """, as: CaseRow.self
        )
        var first: [String: CaseRow] = [:]
        for row in caseRows {
            if let known = first[row.caseId],
                (known.publishedOn, known.publicationId) <= (row.publishedOn, row.publicationId)
            {
                continue
            }
            first[row.caseId] = row
        }
        // The programmes of each case's publication: a case counts in the group of exactly those programmes, and a
        // programme's page adds the groups that hold it (a filter never subtracts one case from a protected cell).
        struct ProgrammeRow: Decodable { let publicationId: String, programme: String }
        var programmes: [String: [String]] = [:]
        for chunk in Array(Set(first.values.map(\.publicationId))).statisticsChunks(500) {
            for row in try await sql.rows(
                """
                SELECT publication_id, programme FROM publication_programmes WHERE publication_id IN (\(binds: chunk))
                """, as: ProgrammeRow.self
            ) {
                programmes[row.publicationId, default: []].append(row.programme)
            }
        }
        if let programme {
            first = first.filter { programmes[$0.value.publicationId]?.contains(programme.rawValue) == true }
        }
        let withCaseFile = Set(first.values.map(\.publicationId)).count
        func key(_ caseID: String, year: Int? = nil) -> StatisticsCellKey? {
            first[caseID].map {
                let group = "case:" + Set(programmes[$0.publicationId] ?? []).sorted().joined(separator: ",")
                return StatisticsCellKey(country: $0.country, year: year ?? $0.year, group: group)
            }
        }

        struct PeopleRow: Decodable { let caseId: String, kind: String, n: Int }
        for row in try await sql.rows(
            "SELECT case_id, kind, COUNT(*) AS n FROM case_people GROUP BY case_id, kind", as: PeopleRow.self)
        {
            guard let k = key(row.caseId) else { continue }
            if row.kind == AtRiskKind.defender.rawValue {
                cells[k, default: .init()].defenders += row.n
            } else if row.kind == AtRiskKind.organisation.rawValue {
                cells[k, default: .init()].organisations += row.n
            }
        }
        struct ActRow: Decodable { let caseId: String, type: String, perpetrator: String, n: Int }
        for row in try await sql.rows(
            """
            SELECT case_id, type, perpetrator, COUNT(*) AS n FROM case_acts GROUP BY case_id, type, perpetrator
            """, as: ActRow.self
        ) {
            guard let k = key(row.caseId) else { continue }
            let type = ActType(rawValue: row.type) ?? .other
            cells[k, default: .init()].acts[type, default: 0] += row.n
            if PerpetratorType(rawValue: row.perpetrator)?.isState == true {
                cells[k, default: .init()].stateActs += row.n
            } else {
                cells[k, default: .init()].nonStateActs += row.n
            }
        }
        struct OutcomeRow: Decodable { let id: String, outcome: String, statusChangedAt: Int64 }
        for row in try await sql.rows(
            """
            SELECT id, outcome, status_changed_at FROM cases WHERE status = 'closed' AND outcome IS NOT NULL
            """, as: OutcomeRow.self
        ) {
            let year = CivilDate(daysSinceEpoch: Int((Double(row.statusChangedAt) / 86_400).rounded(.down))).year
            guard let k = key(row.id, year: year) else { continue }
            cells[k, default: .init()].outcomes[Outcome(rawValue: row.outcome) ?? .other, default: 0] += 1
        }
        struct PaymentRow: Decodable {
            let caseId: String, id: String, amount: Int64, referenceAmount: Int64, paid: Int64, paidOn: String
        }
        var grants: [StatisticsCellKey: Set<String>] = [:]
        for row in try await sql.rows(
            """
            SELECT r.case_id, r.id, r.amount, r.reference_amount, p.amount AS paid, p.paid_on
            FROM assistance_payments p JOIN assistance_requests r ON r.id = p.request_id
            """, as: PaymentRow.self
        ) {
            guard let year = Int(row.paidOn.prefix(4)), let k = key(row.caseId, year: year) else { continue }
            grants[k, default: []].insert(row.id)
            cells[k, default: .init()].paid += AssistanceRules.inReference(
                row.paid, amount: row.amount,
                referenceAmount: row.referenceAmount)
        }
        for (k, ids) in grants { cells[k, default: .init()].grants = ids.count }

        struct MissionRow: Decodable { let countryCode: String, startsOn: String }
        for row in try await sql.rows(
            """
            SELECT m.country_code, m.starts_on FROM missions m WHERE EXISTS (SELECT 1 FROM publications p
              WHERE p.status = 'published' AND (p.id = m.preliminary_publication_id OR p.id = m.report_publication_id)\
            \(inProgramme("p.id")))
            """, as: MissionRow.self
        ) {
            guard let year = Int(row.startsOn.prefix(4)) else { continue }
            cells[StatisticsCellKey(country: row.countryCode, year: year), default: .init()].missions += 1
        }
        let currency = try await AssistanceSettings.load(on: db).currency
        return Counts(cells: cells, currency: currency, withCaseFile: withCaseFile)
    }
}

extension Array {
    fileprivate func statisticsChunks(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
