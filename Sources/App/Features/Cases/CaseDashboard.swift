import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// What needs a case officer's attention: cases by status, verifications waiting too long, cases with no
/// published intervention for a month.
struct CaseDashboard: Sendable {
    static let verificationWaitDays: Int64 = 7
    static let quietDays: Int64 = 30

    struct Waiting: Sendable { let caseID: String, caseLabel: Confidential, organisation: String, askedAt: Int64 }
    struct Quiet: Sendable { let caseID: String, label: Confidential, lastPublished: Int64? }

    var counts: [CaseStatus: Int]
    var waiting: [Waiting]
    var quiet: [Quiet]
    var fieldWork = FieldWork()
    /// Reports from a busy source, still received, waiting for bulk triage (see `IntakeBulk`).
    var bulk = BulkTriage()
    /// Records whose retention period ends within its notice window or has ended (see `RetentionStore`).
    /// nil where retention is off (a mission kit's local copy).
    var retentionDue: Int? = 0

    /// Grants awaiting approval, beneficiaries' reports overdue, missions under way or starting within 30 days.
    struct FieldWork: Sendable { var grantsAwaiting = 0, reportsOverdue = 0, missionsSoon = 0 }

    static func fieldWork(today: CivilDate, on db: any Database) async throws -> FieldWork {
        struct N: Decodable { let n: Int }
        func count(_ query: SQLQueryString) async throws -> Int {
            try await db.sql.raw(query).first(decoding: N.self)?.n ?? 0
        }
        return FieldWork(
            grantsAwaiting: try await count("SELECT COUNT(*) AS n FROM assistance_requests WHERE status = 'requested'"),
            reportsOverdue: try await count(
                """
                SELECT COUNT(*) AS n FROM assistance_requests WHERE status IN ('approved', 'paid') AND \
                report_received_on IS NULL
                AND report_due_on < \(bind: today.description)
                """),
            missionsSoon: try await count(
                """
                SELECT COUNT(*) AS n FROM missions WHERE ends_on >= \(bind: today.description) AND starts_on <= \
                \(bind: today.adding(days: 30).description)
                """))
    }

    static func load(
        now: Date, cipher: FieldCipher, retention: Bool = true,
        on db: any Database
    ) async throws -> CaseDashboard {
        let sql = db.sql
        struct Count: Decodable { let status: String, n: Int }
        let counts = try await sql.raw("SELECT status, COUNT(*) AS n FROM cases GROUP BY status").all(
            decoding: Count.self)
        struct WaitingRow: Decodable {
            let caseId: String, labelSealed: String, name: String?, organisationId: String, askedAt: Int64
        }
        let waiting = try await sql.rows(
            """
            SELECT v.case_id, c.label_sealed, o.name, v.organisation_id, v.asked_at FROM verifications v
            JOIN cases c ON c.id = v.case_id LEFT JOIN organisations o ON o.id = v.organisation_id
            WHERE v.answer IS NULL AND v.asked_at < \(bind: now.seconds - verificationWaitDays * 86_400) ORDER BY \
            v.asked_at LIMIT 100
            """, as: WaitingRow.self
        )
        struct QuietRow: Decodable {
            let id: String, labelSealed: String, lastPublished: Int64?, statusChangedAt: Int64
        }
        let quiet = try await sql.rows(
            """
            SELECT c.id, c.label_sealed, c.status_changed_at,
              (SELECT MAX(i.published_at) FROM interventions i WHERE i.case_id = c.id) AS last_published
            FROM cases c WHERE c.status IN ('action-launched', 'follow-up') ORDER BY c.last_activity_at LIMIT 500
            """, as: QuietRow.self
        )
        let cutoff = now.seconds - quietDays * 86_400
        var dashboard = CaseDashboard(
            counts: Dictionary(
                uniqueKeysWithValues: counts.compactMap { row in CaseStatus(rawValue: row.status).map { ($0, row.n) } }),
            waiting: try waiting.map {
                Waiting(
                    caseID: $0.caseId,
                    caseLabel: try cipher.open(
                        $0.labelSealed, in: .caseLabel,
                        row: $0.caseId),
                    organisation: $0.name ?? $0.organisationId, askedAt: $0.askedAt)
            },
            quiet: try quiet.filter { ($0.lastPublished ?? $0.statusChangedAt) < cutoff }.map {
                Quiet(
                    caseID: $0.id, label: try cipher.open($0.labelSealed, in: .caseLabel, row: $0.id),
                    lastPublished: $0.lastPublished)
            })
        dashboard.fieldWork = try await fieldWork(today: CivilDate(daysSinceEpoch: Int(now.seconds / 86_400)), on: db)
        dashboard.bulk = try await BulkTriage.load(cipher: cipher, on: db)
        dashboard.retentionDue = retention ? try await RetentionStore.dueCount(now: now, on: db) : nil
        return dashboard
    }
}
