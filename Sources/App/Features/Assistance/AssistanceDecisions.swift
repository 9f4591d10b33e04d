import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// The steps of a grant after the request: eligibility answers, approvals, rejection, payments, the report.
extension AssistanceController {
    @Sendable func eligibility(req: Request) async throws -> Response {
        let (r, settings) = try await target(req)
        guard r.status == .requested else {
            return try await page(req, error: "Eligibility can be changed only before the grant is approved.")
        }
        let met = Set(req.form.values("criterion")).intersection(settings.criteria.map(\.id))
        let actor = try req.account.email, now = req.site.clock.now()
        let line =
            r.approvals.isEmpty
            ? nil : "Eligibility of a material assistance request changed: approvals withdrawn"
        try await req.db.write { tx in
            try await AssistanceStore.setCriteria(r.id, met: met, on: tx)
            try await Self.audit(r, action: "eligibility", timeline: line, by: actor, now: now, on: tx)
        }
        return done(req, r)
    }

    @Sendable func approve(req: Request) async throws -> Response {
        let (r, settings) = try await target(req), viewer = try req.account, now = req.site.clock.now()
        let due = req.site.clock.today.adding(days: 90).description
        let problems = settings.problems(r)
        let result = try await req.db.write { tx in
            let result = try await AssistanceStore.approve(
                r, by: viewer.email, problems: problems, reportDue: due,
                now: now, on: tx)
            if case .success(let complete) = result {
                try await Self.audit(
                    r, action: complete ? "approve.final" : "approve.first",
                    timeline: complete
                        ? "Material assistance approved (\(r.kind.label.lowercased()))" : nil,
                    by: viewer.email, now: now, on: tx)
            }
            return result
        }
        switch result {
        case .failure(let refusal): return try await page(req, error: refusal.description)
        case .success: return done(req, r)
        }
    }

    @Sendable func reject(req: Request) async throws -> Response {
        let (r, _) = try await target(req),
            reason = req.form.raw("reason").trimmingCharacters(in: .whitespacesAndNewlines)
        guard r.status == .requested || (r.status == .approved && r.payments.isEmpty) else {
            return try await page(req, error: "Only a request not yet paid can be rejected.")
        }
        guard !reason.isEmpty, reason.count <= 5_000 else {
            return try await page(req, errors: ["reason": "Give the reason (at most 5,000 characters)."])
        }
        let actor = try req.account.email, now = req.site.clock.now(), cipher = req.site.cipher
        try await req.db.write { tx in
            try await AssistanceStore.reject(r.id, reason: reason, now: now, cipher: cipher, on: tx)
            try await Self.audit(
                r, action: "reject", timeline: "Material assistance request rejected", by: actor,
                now: now, on: tx)
        }
        return done(req, r)
    }

    @Sendable func pay(req: Request) async throws -> Response {
        let (r, _) = try await target(req), form = req.form, viewer = try req.account, today = req.site.clock.today
        var errors: [String: String] = [:]
        let amount = Money.parse(form["amount"], currency: r.amount.currency)
        if amount == nil {
            errors["payment-amount"] = "Give the amount paid in \(r.amount.currency), a number above zero."
        }
        let day = CivilDate(form["paid-on"])
        if day == nil || day! > today {
            errors["paid-on"] = "Give the day of the payment (YYYY-MM-DD), not in the future."
        }
        let reference = form.raw("payment-reference").trimmingCharacters(in: .whitespacesAndNewlines)
        if reference.isEmpty || reference.count > 2_000 {
            errors["payment-reference"] = "Say how it was paid (transfer reference, intermediary)."
        }
        guard errors.isEmpty, let amount, let day else { return try await page(req, errors: errors) }
        let now = req.site.clock.now(), cipher = req.site.cipher
        let result = try await req.db.write { tx in
            let result = try await AssistanceStore.pay(
                r, amount, on: day.description, reference: reference,
                by: viewer.email,
                now: now, cipher: cipher, on: tx)
            if case .success(let completes) = result {
                try await Self.audit(
                    r, action: "payment",
                    timeline: completes
                        ? "Material assistance paid in full"
                        : "Material assistance: payment recorded",
                    by: viewer.email, now: now, on: tx)
            }
            return result
        }
        switch result {
        case .failure(let refusal): return try await page(req, errors: ["payment-amount": refusal.description])
        case .success: return done(req, r)
        }
    }

    @Sendable func report(req: Request) async throws -> Response {
        let (r, _) = try await target(req), form = req.form, today = req.site.clock.today
        guard r.status == .approved || r.status == .paid else {
            return try await page(req, error: "The report is followed once the grant is approved, until it arrives.")
        }
        var errors: [String: String] = [:]
        if CivilDate(form["due"]) == nil { errors["due"] = "Give the day the report is due (YYYY-MM-DD)." }
        let received = form["received"].isEmpty ? nil : CivilDate(form["received"])
        if !form["received"].isEmpty && (received == nil || received! > today) {
            errors["received"] = "Give the day it arrived (YYYY-MM-DD), not in the future."
        }
        if received != nil && r.status != .paid {
            errors["received"] = "Record the payments in full before the report."
        }
        let note = form.raw("note").trimmingCharacters(in: .whitespacesAndNewlines)
        if note.count > 20_000 { errors["note"] = "At most 20,000 characters." }
        guard errors.isEmpty else { return try await page(req, errors: errors) }
        let actor = try req.account.email, now = req.site.clock.now(), cipher = req.site.cipher, due = form["due"]
        try await req.db.write { tx in
            try await AssistanceStore.report(
                r.id, due: due, received: received?.description, note: note, now: now,
                cipher: cipher, on: tx)
            try await Self.audit(
                r, action: received == nil ? "report.due" : "report.received",
                timeline: received == nil
                    ? nil
                    : "Beneficiary's report on material assistance received",
                by: actor, now: now, on: tx)
        }
        return done(req, r)
    }
}
