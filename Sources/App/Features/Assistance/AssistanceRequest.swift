import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// A request for material assistance as case officers read it, decrypted. Confidential as a whole: only yearly
/// totals by kind leave the office (the annual report).
struct AssistanceRequest: Sendable {
    struct Approval: Sendable { let approver: String, at: Int64 }
    struct Payment: Sendable {
        let id: String, amount: Money, paidOn: String, reference: Confidential, recordedBy: String
    }

    var id: String
    var caseID: String
    var beneficiaryID: String
    var kind: AssistanceKind
    var amount: Money
    var referenceAmount: Money
    var purpose: Confidential
    var criteriaMet: Set<String>
    var status: AssistanceStatus
    var requestedBy: String
    var requestedAt: Int64
    var rejection: Confidential?
    var reportDueOn: String?
    var reportReceivedOn: String?
    var reportNote: Confidential?
    var approvals: [Approval] = []
    var payments: [Payment] = []

    var paid: Int64 { payments.reduce(0) { $0 + $1.amount.minorUnits } }

    /// Paid or approved, the report not received, and its day gone.
    func reportOverdue(today: CivilDate) -> Bool {
        guard status == .paid || status == .approved, reportReceivedOn == nil,
            let due = reportDueOn.flatMap(CivilDate.init)
        else { return false }
        return today > due
    }
}

/// The ceiling per grant and the eligibility criteria, set by administrators.
struct AssistanceSettings: Sendable {
    struct Criterion: Sendable { let id: String, text: String, active: Bool }
    var ceiling: Money
    var criteria: [Criterion]
    var activeCriteria: [AssistanceRules.Criterion] {
        criteria.filter(\.active).map { AssistanceRules.Criterion(id: $0.id, text: $0.text) }
    }
    var currency: String { ceiling.currency }

    static func load(on db: any Database) async throws -> AssistanceSettings {
        struct Setting: Decodable { let key: String, value: String }
        struct Row: Decodable { let id: String, text: String, active: Bool }
        let values = Dictionary(
            try await db.sql.raw("SELECT key, value FROM assistance_settings").all(decoding: Setting.self).map {
                ($0.key, $0.value)
            },
            uniquingKeysWith: { a, _ in a })
        let criteria = try await db.sql.raw("SELECT id, text, active FROM assistance_criteria ORDER BY position, id")
            .all(decoding: Row.self)
        return AssistanceSettings(
            ceiling: Money(
                minorUnits: Int64(values["ceiling"] ?? "") ?? 500_000, currency: values["currency"] ?? "EUR"),
            criteria: criteria.map { Criterion(id: $0.id, text: $0.text, active: $0.active) })
    }

    static func save(
        ceiling: Money, criteria: [(id: String, text: String, active: Bool)], on db: any Database
    ) async throws {
        try await db.write { tx in
            for (key, value) in [("currency", ceiling.currency), ("ceiling", String(ceiling.minorUnits))] {
                try await tx.sql.insert(into: "assistance_settings").columns("key", "value").values(key, value)
                    .onConflict(with: ["key"]) { $0.set(excludedValueOf: "value") }.run()
            }
            for (position, c) in criteria.enumerated() {
                try await tx.sql.insert(into: "assistance_criteria").columns("id", "position", "text", "active").values(
                    c.id, position, c.text, c.active
                )
                .onConflict(with: ["id"]) {
                    $0.set(excludedValueOf: "position").set(excludedValueOf: "text").set(excludedValueOf: "active")
                }.run()
            }
        }
    }

    /// Whether this request meets the criteria and ceiling in force: the reasons it does not.
    func problems(_ r: AssistanceRequest) -> [String] {
        AssistanceRules.eligibilityProblems(
            amount: r.referenceAmount, ceiling: ceiling, criteria: activeCriteria, met: r.criteriaMet)
    }
}
