import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// Addresses of retention: the administrators' periods, the case officers' due records and their decisions.
enum RetentionRoute {
    case policies
    case due
    case decide
    case confirm
    case withdraw

    var pattern: [String] {
        switch self {
        case .policies: ["office", "retention", "periods"]
        case .confirm: ["office", "retention", "periods", "confirm"]
        case .withdraw: ["office", "retention", "periods", "withdraw"]
        case .due: ["office", "retention"]
        case .decide: ["office", "retention", "decide"]
        }
    }

    var path: String { "/" + pattern.joined(separator: "/") }
}

/// Administrators set a period per kind of record; case officers see what is due and, for each record, extend
/// it (a reason and a new date), anonymise it or delete it, with a reason. Bad input is refused by name and
/// changes nothing; a record that is not due (already decided, forged id) is refused.
struct RetentionController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.caseOfficer])
    static let policyAccess = Access.roles([.administrator])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, RetentionRoute.policies.pattern, Self.policyAccess, registry: registry, use: policies)
        routes.declare(.POST, RetentionRoute.policies.pattern, Self.policyAccess, registry: registry, use: setPolicies)
        routes.declare(.POST, RetentionRoute.confirm.pattern, Self.policyAccess, registry: registry, use: confirm)
        routes.declare(.POST, RetentionRoute.withdraw.pattern, Self.policyAccess, registry: registry, use: withdraw)
        routes.declare(.GET, RetentionRoute.due.pattern, Self.access, registry: registry, use: due)
        routes.declare(.POST, RetentionRoute.decide.pattern, Self.access, registry: registry, use: decide)
    }

    @Sendable func policies(req: Request) async throws -> Response {
        try await policyPage(req, error: nil, status: .ok)
    }

    func policyPage(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let notice = req.query[String.self, at: "notice"].flatMap { value in
            ["saved", "proposed", "confirmed", "withdrawn"].contains(value) ? t("retention.periods.\(value)") : nil
        }
        let proposals = try await RetentionStore.proposals(on: req.db)
        let users = try await SecondAdministrator.Trail.read(on: req.db).users
        var void: Set<RetainedKind> = []
        for (kind, proposal) in proposals
        where try await SecondAdministrator.proposerChanged(proposal, users, on: req.db) {
            void.insert(kind)
        }
        return try await RetentionPages.policies(
            try await RetentionStore.policy(on: req.db),
            proposals: proposals, void: void, viewer: try req.account,
            error: error, notice: error == nil ? notice : nil,
            csrf: CSRF.token(for: req)
        )
        .encodeResponse(status: status, for: req)
    }

    @Sendable func setPolicies(req: Request) async throws -> Response {
        let viewer = try req.account, now = req.site.clock.now()
        var fields: [String: String] = [:]
        for kind in RetainedKind.allCases where req.form.has(kind.rawValue) {
            fields[kind.rawValue] = req.form.raw(kind.rawValue)
        }
        let current = try await RetentionStore.policy(on: req.db)
        switch current.parse(fields) {
        case .failure(let refusal):
            return try await policyPage(
                req,
                error: t(
                    "retention.periods.refused",
                    [
                        "kind": t("retention.kind.\(refusal.field)"), "value": refusal.value
                    ]), status: .unprocessableEntity)
        case .success(let next):
            let proposed = try await req.officeWrite { tx in
                try await RetentionStore.submit(next, by: viewer.email, now: now, on: tx)
            }
            return req.redirect(within: RetentionRoute.policies.path + "?notice=" + (proposed ? "proposed" : "saved"))
        }
    }

    /// A second administrator confirms the proposed shortening the page showed (its days and time); the proposer,
    /// and an account set up or taken over since the proposal, are refused and told why.
    @Sendable func confirm(req: Request) async throws -> Response {
        let viewer = try req.account, now = req.site.clock.now()
        guard let kind = RetainedKind(rawValue: req.form["kind"]) else {
            return try await policyPage(req, error: t("retention.periods.no-proposal"), status: .notFound)
        }
        let days = Int(req.form["days"]), proposedAt = Int64(req.form["proposed"])
        let session = req.signedIn?.session.id
        let outcome = try await req.officeWrite { tx in
            try await RetentionStore.confirm(
                kind, days: days, proposedAt: proposedAt, by: viewer, session: session, now: now, on: tx)
        }
        switch outcome {
        case .done: return req.redirect(within: RetentionRoute.policies.path + "?notice=confirmed")
        case .none: return try await policyPage(req, error: t("retention.periods.no-proposal"), status: .notFound)
        case .changed: return try await policyPage(req, error: t("retention.periods.changed"), status: .conflict)
        case .ownProposal:
            return try await policyPage(req, error: t("retention.periods.own-proposal"), status: .forbidden)
        case .tooRecent(let refusal):
            return try await policyPage(
                req, error: t("retention.periods.recent.\(refusal.rawValue)"), status: .forbidden)
        }
    }

    /// Any administrator withdraws a proposed shortening.
    @Sendable func withdraw(req: Request) async throws -> Response {
        let viewer = try req.account, now = req.site.clock.now()
        let kind = RetainedKind(rawValue: req.form["kind"])
        guard let kind,
            try await req.officeWrite({ tx in
                try await RetentionStore.withdraw(kind, by: viewer.email, now: now, on: tx)
            })
        else {
            return try await policyPage(req, error: t("retention.periods.no-proposal"), status: .notFound)
        }
        return req.redirect(within: RetentionRoute.policies.path + "?notice=withdrawn")
    }

    @Sendable func due(req: Request) async throws -> Response {
        try await duePage(req, error: nil, status: .ok)
    }

    func duePage(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let now = req.site.clock.now()
        let notice = req.query[String.self, at: "notice"].flatMap(RetentionDecision.init(rawValue:))
            .map { t("retention.done.\($0.rawValue)") }
        return try await RetentionPages.due(
            try await RetentionStore.due(now: now, on: req.db), now: now,
            viewer: try req.account, error: error,
            notice: error == nil ? notice : nil, csrf: CSRF.token(for: req)
        )
        .encodeResponse(status: status, for: req)
    }

    @Sendable func decide(req: Request) async throws -> Response {
        let viewer = try req.account, now = req.site.clock.now()
        guard let kind = RetainedKind(rawValue: req.form["kind"]), kind.decided else {
            let value = String(req.form["kind"].prefix(40))
            return try await duePage(
                req, error: t("retention.refused.kind", ["value": value]),
                status: .unprocessableEntity)
        }
        guard let decision = RetentionDecision(rawValue: req.form["decision"]) else {
            return try await duePage(
                req,
                error: t(
                    "retention.refused.decision",
                    [
                        "value": String(req.form["decision"].prefix(40))
                    ]), status: .unprocessableEntity)
        }
        let id = req.form["id"]
        guard let reason = RetentionReason(rawValue: req.form["reason"]) else {
            return try await duePage(
                req,
                error: t(
                    "retention.refused.reason",
                    [
                        "value": String(req.form["reason"].prefix(40))
                    ]), status: .unprocessableEntity)
        }
        // The note is the one free text: sealed on the decision, never in the audit trail; a deletion keeps none.
        let note = req.form.raw("note").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= RetentionReason.maximumNote, decision != .delete || note.isEmpty else {
            return try await duePage(
                req,
                error: t(
                    decision == .delete
                        ? "retention.refused.note-delete"
                        : "retention.refused.note"),
                status: .unprocessableEntity)
        }
        let outcome: RetentionActions.Outcome
        switch decision {
        case .extend:
            let today = CivilDate(daysSinceEpoch: Int(now.seconds / 86_400))
            switch RetentionExtension.parse(reason: reason.rawValue, until: req.form["until"], today: today) {
            case .failure(let refusal):
                return try await duePage(
                    req, error: t("retention.refused.\(refusal.field)", ["value": refusal.value]),
                    status: .unprocessableEntity)
            case .success(let ext):
                outcome = try await RetentionActions.extend(
                    kind, id: id, with: ext, reason: reason,
                    note: note.isEmpty ? nil : note, by: viewer.email,
                    now: now, cipher: req.site.cipher, checks: req.officeChecks(), on: req.db)
            }
        case .anonymise, .delete:
            outcome = try await RetentionActions.erase(
                kind, id: id, decision: decision, reason: reason,
                note: note.isEmpty ? nil : note, by: viewer.email, now: now,
                cipher: req.site.cipher, logger: req.logger, checks: req.officeChecks(), on: req.db)
        }
        if outcome == .notYetExpired {
            return try await duePage(req, error: t("retention.refused.not-expired"), status: .conflict)
        }
        guard outcome == .done else {
            return try await duePage(req, error: t("retention.refused.not-due"), status: .notFound)
        }
        if decision != .extend { req.site.contentWatcher.invalidate() }
        return req.redirect(within: RetentionRoute.due.path + "?notice=\(decision.rawValue)")
    }
}
