import Fluent
import Foundation
import ObservatoryCore
import SQLKit

enum AssistanceStore {
    struct Row: Decodable {
        let id: String, caseId: String, beneficiaryId: String, kind: String, currency: String, amount: Int64,
            referenceAmount: Int64
        let purposeSealed: String, criteriaMet: String, status: String, requestedBy: String, requestedAt: Int64
        let rejectionSealed: String?, reportDueOn: String?, reportReceivedOn: String?, reportNoteSealed: String?
    }

    static let columns =
        "id, case_id, beneficiary_id, kind, currency, amount, reference_amount, purpose_sealed, criteria_met, status, "
        + "requested_by, requested_at, rejection_sealed, report_due_on, report_received_on, report_note_sealed"

    static func request(_ r: Row, referenceCurrency: String, cipher: FieldCipher) throws -> AssistanceRequest {
        AssistanceRequest(
            id: r.id, caseID: r.caseId, beneficiaryID: r.beneficiaryId,
            kind: AssistanceKind(rawValue: r.kind) ?? .other,
            amount: Money(minorUnits: r.amount, currency: r.currency),
            referenceAmount: Money(minorUnits: r.referenceAmount, currency: referenceCurrency),
            purpose: try cipher.open(r.purposeSealed, in: .assistancePurpose, row: r.id),
            criteriaMet: Set(r.criteriaMet.split(separator: ",").map(String.init)),
            status: AssistanceStatus(rawValue: r.status) ?? .requested,
            requestedBy: r.requestedBy, requestedAt: r.requestedAt,
            rejection: try r.rejectionSealed.map {
                try cipher.open($0, in: .assistanceRejection, row: r.id)
            },
            reportDueOn: r.reportDueOn, reportReceivedOn: r.reportReceivedOn,
            reportNote: try r.reportNoteSealed.map {
                try cipher.open($0, in: .assistanceReportNote, row: r.id)
            })
    }

    static func list(
        case caseID: String? = nil, referenceCurrency: String, cipher: FieldCipher, on db: any Database
    ) async throws -> [AssistanceRequest] {
        let filter: SQLQueryString = caseID.map { "WHERE case_id = \(bind: $0)" } ?? ""
        return try await db.rows(
            "SELECT \(unsafeRaw: columns) FROM assistance_requests \(filter) ORDER BY requested_at DESC, id LIMIT 1000",
            as: Row.self
        ).map {
            try request($0, referenceCurrency: referenceCurrency, cipher: cipher)
        }
    }

    static func find(
        _ id: String, referenceCurrency: String, cipher: FieldCipher, on db: any Database
    ) async throws -> AssistanceRequest? {
        guard
            let row = try await db.row(
                "SELECT \(unsafeRaw: columns) FROM assistance_requests WHERE id = \(bind: id)", as: Row.self
            )
        else { return nil }
        var r = try request(row, referenceCurrency: referenceCurrency, cipher: cipher)
        struct A: Decodable { let approver: String, at: Int64 }
        r.approvals = try await db.sql.raw(
            "SELECT approver, at FROM assistance_approvals WHERE request_id = \(bind: id) ORDER BY at"
        )
        .all(decoding: A.self).map { .init(approver: $0.approver, at: $0.at) }
        struct P: Decodable {
            let id: String, amount: Int64, paidOn: String, referenceSealed: String, recordedBy: String
        }
        r.payments = try await db.rows(
            """
            SELECT id, amount, paid_on, reference_sealed, recorded_by FROM assistance_payments
            WHERE request_id = \(bind: id) ORDER BY paid_on, recorded_at
            """,
            as: P.self
        )
        .map {
            .init(
                id: $0.id, amount: Money(minorUnits: $0.amount, currency: r.amount.currency), paidOn: $0.paidOn,
                reference: try cipher.open($0.referenceSealed, in: .paymentReference, row: $0.id),
                recordedBy: $0.recordedBy)
        }
        return r
    }

    static func create(_ r: AssistanceRequest, now: Date, cipher: FieldCipher, on db: any Database) async throws {
        try await db.sql.insert(into: "assistance_requests")
            .columns(
                "id", "case_id", "beneficiary_id", "kind", "currency", "amount", "reference_amount", "purpose_sealed",
                "criteria_met",
                "status", "requested_by", "requested_at"
            )
            .values(
                r.id, r.caseID, r.beneficiaryID, r.kind.rawValue, r.amount.currency, r.amount.minorUnits,
                r.referenceAmount.minorUnits,
                cipher.seal(r.purpose, in: .assistancePurpose, row: r.id),
                r.criteriaMet.sorted().joined(separator: ","),
                AssistanceStatus.requested.rawValue, r.requestedBy, now.seconds
            )
            .run()
    }

    /// New eligibility answers: earlier approvals were given on other facts, so they are withdrawn.
    static func setCriteria(_ id: String, met: Set<String>, on db: any Database) async throws {
        try await db.write { tx in
            try await tx.sql.update("assistance_requests").set("criteria_met", to: met.sorted().joined(separator: ","))
                .where("id", .equal, id).run()
            try await tx.sql.delete(from: "assistance_approvals").where("request_id", .equal, id).run()
        }
    }

    /// Approvals and payments of this process, one at a time (SQLite has one writer).
    static let writer = AsyncLock()

    /// Takes the request's row lock (PostgreSQL, across app instances) inside the transaction, so two people approving
    /// or paying at the same moment are checked one after the other.
    static func lock(_ id: String, on tx: any Database) async throws -> AssistanceStatus? {
        struct S: Decodable { let status: String }
        try await tx.sql.raw("UPDATE assistance_requests SET status = status WHERE id = \(bind: id)").run()
        return try await tx.sql.raw("SELECT status FROM assistance_requests WHERE id = \(bind: id)").first(
            decoding: S.self
        ).flatMap { AssistanceStatus(rawValue: $0.status) }
    }

    /// Records an approval if the rules allow it; the last one needed approves the grant and sets the report's due day.
    static func approve(
        _ r: AssistanceRequest, by approver: String, problems: [String], reportDue: String, now: Date,
        on db: any Database
    ) async throws -> Result<Bool, AssistanceRules.ApprovalRefusal> {
        // Inside a caller's write the gate already orders writers (and taking this lock there would invert the order).
        let outside = !db.inTransaction
        // A second handle inside a write is refused before this lock, which it could otherwise wait on (r16, nit).
        if outside && WriteGate.held { throw WriteGate.WriteInsideAWrite() }
        if outside { await writer.acquire() }
        defer { if outside { writer.release() } }
        return try await db.write { tx in
            let status = try await lock(r.id, on: tx) ?? .rejected
            struct A: Decodable { let approver: String }
            let approvals = try await tx.sql.raw(
                "SELECT approver FROM assistance_approvals WHERE request_id = \(bind: r.id)"
            ).all(decoding: A.self).map(\.approver)
            let decision = AssistanceRules.approve(
                by: approver, requester: r.requestedBy, status: status, approvals: approvals,
                eligibilityProblems: problems)
            guard case .success(let complete) = decision else { return decision }
            try await tx.sql.insert(into: "assistance_approvals").columns("request_id", "approver", "at").values(
                r.id, approver, now.seconds
            ).run()
            if complete {
                try await tx.sql.update("assistance_requests").set("status", to: AssistanceStatus.approved.rawValue)
                    .set("decided_at", to: now.seconds)
                    .set("report_due_on", to: reportDue).where("id", .equal, r.id).run()
            }
            return decision
        }
    }

    static func reject(_ id: String, reason: String, now: Date, cipher: FieldCipher, on db: any Database) async throws {
        try await db.sql.update("assistance_requests").set("status", to: AssistanceStatus.rejected.rawValue).set(
            "decided_at", to: now.seconds
        )
        .set("rejection_sealed", to: cipher.seal(reason, in: .assistanceRejection, row: id))
        .where("id", .equal, id).run()
    }

    /// Records a payment if it keeps within the approved amount; the one that completes it marks the grant paid.
    static func pay(
        _ r: AssistanceRequest, _ payment: Money, on paidOn: String, reference: String, by actor: String, now: Date,
        cipher: FieldCipher, on db: any Database
    ) async throws -> Result<Bool, AssistanceRules.PaymentRefusal> {
        // Inside a caller's write the gate already orders writers (and taking this lock there would invert the order).
        let outside = !db.inTransaction
        // A second handle inside a write is refused before this lock, which it could otherwise wait on (r16, nit).
        if outside && WriteGate.held { throw WriteGate.WriteInsideAWrite() }
        if outside { await writer.acquire() }
        defer { if outside { writer.release() } }
        return try await db.write { tx in
            let status = try await lock(r.id, on: tx) ?? .rejected
            struct Total: Decodable { let total: Int64? }
            let paid =
                try await tx.sql.raw(
                    """
                    SELECT CAST(SUM(amount) AS BIGINT) AS total FROM assistance_payments
                    WHERE request_id = \(bind: r.id)
                    """
                ).first(decoding: Total.self)?.total ?? 0
            let decision = AssistanceRules.pay(payment, approved: r.amount, alreadyPaid: paid, status: status)
            guard case .success(let completes) = decision else { return decision }
            let paymentID = RandomID.make("payment")
            try await tx.sql.insert(into: "assistance_payments").columns(
                "id", "request_id", "amount", "paid_on", "reference_sealed", "recorded_by", "recorded_at"
            )
            .values(
                paymentID, r.id, payment.minorUnits, paidOn,
                cipher.seal(reference, in: .paymentReference, row: paymentID), actor, now.seconds
            ).run()
            if completes {
                try await tx.sql.update("assistance_requests").set("status", to: AssistanceStatus.paid.rawValue).where(
                    "id", .equal, r.id
                ).run()
            }
            return decision
        }
    }

    static func report(
        _ id: String, due: String, received: String?, note: String, now: Date, cipher: FieldCipher, on db: any Database
    ) async throws {
        var update = db.sql.update("assistance_requests").set("report_due_on", to: due)
        if let received {
            update = update.set("report_received_on", to: received).set(
                "status", to: AssistanceStatus.reportReceived.rawValue
            )
            .set("report_note_sealed", to: cipher.seal(note, in: .assistanceReportNote, row: id))
        }
        try await update.where("id", .equal, id).run()
    }
}
