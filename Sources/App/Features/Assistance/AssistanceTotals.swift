import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// The only figures of material assistance that leave the office: per kind, the grants paid in a year and the
/// amount, in the reference currency (the ceiling's).
struct AssistanceTotals: Sendable {
    struct Line: Sendable, Equatable { let kind: AssistanceKind, grants: Int, paid: Money }
    let lines: [Line]
    var total: Money? {
        lines.first.map { first in
            Money(minorUnits: lines.reduce(0) { $0 + $1.paid.minorUnits }, currency: first.paid.currency)
        }
    }

    static func year(_ year: Int, on db: any Database) async throws -> AssistanceTotals {
        let currency = try await AssistanceSettings.load(on: db).currency
        struct Row: Decodable { let id: String, kind: String, amount: Int64, referenceAmount: Int64, paid: Int64 }
        let rows = try await db.rows(
            """
            SELECT r.id, r.kind, r.amount, r.reference_amount, p.amount AS paid FROM assistance_payments p JOIN \
            assistance_requests r ON r.id = p.request_id
            WHERE p.paid_on >= \(bind: "\(year)-01-01") AND p.paid_on <= \(bind: "\(year)-12-31")
            """, as: Row.self
        )
        var grants: [AssistanceKind: Set<String>] = [:], sums: [AssistanceKind: Int64] = [:]
        for row in rows {
            let kind = AssistanceKind(rawValue: row.kind) ?? .other
            grants[kind, default: []].insert(row.id)
            sums[kind, default: 0] += AssistanceRules.inReference(
                row.paid, amount: row.amount, referenceAmount: row.referenceAmount)
        }
        return AssistanceTotals(
            lines: AssistanceKind.allCases.compactMap { kind in
                grants[kind].map {
                    Line(kind: kind, grants: $0.count, paid: Money(minorUnits: sums[kind] ?? 0, currency: currency))
                }
            })
    }
}
