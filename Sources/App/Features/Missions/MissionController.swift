import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Missions for case officers: the list of upcoming and past missions, a mission's file, the cases it concerns.
struct MissionController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.caseOfficer])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.missions.pattern, Self.access, registry: registry, use: index)
        routes.declare(
            .POST, OfficeRoute.missions.pattern, Self.access, registry: registry, maxBody: "1mb", use: create)
        routes.declare(.GET, OfficeRoute.mission(id: "").pattern, Self.access, registry: registry, use: show)
        routes.declare(
            .POST, OfficeRoute.mission(id: "").pattern, Self.access, registry: registry, maxBody: "1mb", use: update)
        routes.declare(.POST, OfficeRoute.missionCases(id: "").pattern, Self.access, registry: registry, use: concern)
        routes.declare(.POST, OfficeRoute.missionKit(id: "").pattern, Self.access, registry: registry, use: makeKit)
        routes.declare(
            .GET, OfficeRoute.missionKitDownload(id: "", token: "").pattern, Self.access,
            registry: registry, use: downloadKit)
        routes.declare(
            .POST, OfficeRoute.missionKitConflict(id: "", conflict: "").pattern, Self.access,
            registry: registry, use: decideKitConflict)
    }

    @Sendable func index(req: Request) async throws -> Response {
        try await list(req, form: MissionForm(), errors: [:], status: .ok)
    }

    func list(_ req: Request, form: MissionForm, errors: [String: String], status: HTTPStatus) async throws -> Response
    {
        let missions = try await MissionStore.all(cipher: req.site.cipher, on: req.db)
        let choices = try await MissionPublicationChoices.load(
            query: Self.publicationQuery(req), chosen: form,
            on: req.db)
        return try await MissionPages.index(
            missions, today: req.site.clock.today, form: form, errors: errors,
            viewer: try req.account, csrf: CSRF.token(for: req), choices: choices
        )
        .encodeResponse(status: status, for: req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let form = MissionForm(req.form), viewer = try req.account, now = req.site.clock.now()
        switch try await form.mission(id: RandomID.make("mission"), on: req.db) {
        case .failure(let e): return try await list(req, form: form, errors: e.fields, status: .unprocessableEntity)
        case .success(let mission):
            let cipher = req.site.cipher
            try await req.db.write { tx in
                try await MissionStore.save(mission, isNew: true, by: viewer.email, now: now, cipher: cipher, on: tx)
                try await AuditLog.record(
                    AuditEvent(
                        actor: viewer.email, action: "mission.create",
                        recordType: "mission",
                        recordID: mission.id), now: now, on: tx)
            }
            req.site.contentWatcher.invalidate()
            return req.redirect(within: OfficeRoute.mission(id: mission.id).path)
        }
    }

    func target(_ req: Request) async throws -> Mission {
        guard let m = try await MissionStore.find(req.parameters.get("id") ?? "", cipher: req.site.cipher, on: req.db)
        else {
            throw Abort(.notFound, reason: "There is no such mission.")
        }
        return m
    }

    func page(
        _ req: Request, _ m: Mission, form: MissionForm? = nil, errors: [String: String] = [:], status: HTTPStatus = .ok
    ) async throws -> Response {
        let cases = try await CaseStore.headers(m.concerned.map(\.caseID), cipher: req.site.cipher, on: req.db)
        let caseQuery = req.query[String.self, at: "case_q"] ?? ""
        let choices = try await LinkChoices.cases(query: caseQuery, cipher: req.site.cipher, on: req.db)
        let shown = form ?? MissionForm(m)
        let publications = try await MissionPublicationChoices.load(
            query: Self.publicationQuery(req), chosen: shown,
            on: req.db)
        let conflicts = try await KitConflicts.shown(.mission(m.id), cipher: req.site.cipher, on: req.db)
        return try await MissionPages.show(
            m, caseLabels: cases.mapValues { $0.label.reveal() },
            today: req.site.clock.today, form: shown, errors: errors,
            viewer: try req.account, csrf: CSRF.token(for: req), caseQuery: caseQuery,
            caseChoices: choices, publicationChoices: publications, kitConflicts: conflicts
        )
        .encodeResponse(status: status, for: req)
    }

    /// The publication search typed on the page, at most `ChoiceSearch.maxQueryLength` characters.
    static func publicationQuery(_ req: Request) -> String {
        String((req.query[String.self, at: MissionPublicationChoices.param] ?? "").prefix(ChoiceSearch.maxQueryLength))
    }

    @Sendable func show(req: Request) async throws -> Response {
        let m = try await target(req), viewer = try req.account
        try await AuditLog.record(
            AuditEvent(actor: viewer.email, action: "mission.view", recordType: "mission", recordID: m.id),
            now: req.site.clock.now(), on: req.db)
        return try await page(req, m)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let existing = try await target(req), form = MissionForm(req.form), viewer = try req.account,
            now = req.site.clock.now()
        switch try await form.mission(id: existing.id, on: req.db) {
        case .failure(let e):
            return try await page(req, existing, form: form, errors: e.fields, status: .unprocessableEntity)
        case .success(let mission):
            let cipher = req.site.cipher
            try await req.db.write { tx in
                try await MissionStore.save(mission, isNew: false, by: viewer.email, now: now, cipher: cipher, on: tx)
                try await AuditLog.record(
                    AuditEvent(
                        actor: viewer.email, action: "mission.update",
                        recordType: "mission",
                        recordID: mission.id), now: now, on: tx)
            }
            req.site.contentWatcher.invalidate()
            return req.redirect(within: OfficeRoute.mission(id: mission.id).path)
        }
    }

    /// Links a case (a defender, a trial) to the mission.
    @Sendable func concern(req: Request) async throws -> Response {
        let m = try await target(req), form = req.form, viewer = try req.account, now = req.site.clock.now()
        let caseID = form["case"], concern = form.raw("concern").trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [String: String] = [:]
        if caseID.isEmpty {
            errors["case"] = t("missions.error.choose-case")
        } else if try await CaseStore.headers([caseID], cipher: req.site.cipher, on: req.db).isEmpty {
            errors["case"] = t("missions.error.no-case", ["id": String(caseID.prefix(60))])
        }
        if concern.isEmpty || concern.count > 2_000 { errors["concern"] = t("missions.error.concern") }
        guard errors.isEmpty else { return try await page(req, m, errors: errors, status: .unprocessableEntity) }
        let cipher = req.site.cipher, line = "Concerned by a mission (\(m.kind.label.lowercased()), \(m.dates.starts))"
        try await req.db.write { tx in
            try await MissionStore.concern(caseID, concern, mission: m.id, now: now, cipher: cipher, on: tx)
            try await Timeline.add(line, actor: viewer.email, case: caseID, now: now, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "mission.concern", recordType: "case",
                    recordID: caseID), now: now, on: tx)
        }
        return req.redirect(within: OfficeRoute.mission(id: m.id).path)
    }

    /// A change a merged kit made to the mission itself, left to decide: keep the office's value or take the kit's.
    @Sendable func decideKitConflict(req: Request) async throws -> Response {
        let m = try await target(req), viewer = try req.account
        let conflict = req.parameters.get("conflict") ?? ""
        let decided = try await KitConflicts.decide(
            conflict, .mission(m.id), keep: req.form["keep"], by: viewer.email,
            now: req.site.clock.now(), cipher: req.site.cipher, on: req.db)
        switch decided {
        case .done:
            req.site.contentWatcher.invalidate()
            return req.redirect(within: OfficeRoute.mission(id: m.id).path)
        case .unknown:
            throw Abort(
                .notFound, reason: "There is no kit conflict “\(conflict.prefix(80))” to decide on this mission.")
        case .badChoice, .anonymised:
            throw Abort(.badRequest, reason: "Choose to keep the office's value or to take the kit's.")
        case .badDates(let problem): throw Abort(.conflict, reason: KitConflicts.badDatesReason(problem))
        }
    }

    /// Makes the mission's offline kit: the passphrase is shown on the page that answers, this once, and the file
    /// is held in memory for one download by the same account. The export is audited when it is made.
    @Sendable func makeKit(req: Request) async throws -> Response {
        let m = try await target(req), viewer = try req.account, now = req.site.clock.now()
        let typed = req.form["days"].trimmingCharacters(in: .whitespaces)
        guard let days = Int(typed.isEmpty ? String(KitExport.defaultDays) : typed),
            (1...KitExport.maxDays).contains(days)
        else {
            return try await page(req, m, errors: ["days": t("missions.error.kit-days")], status: .unprocessableEntity)
        }
        let cipher = req.site.cipher, name = "\(m.id).obskit"
        let made: KitExport.Made = try await req.db.write { tx in
            let made = try await KitExport.make(
                mission: m.id, days: days, by: viewer.email, now: now, cipher: cipher,
                on: tx)
            try await KitExport.audit(
                made, mission: m.id, to: "a download from the mission page (\(name))",
                by: viewer.email, now: now, on: tx)
            return made
        }
        let token = req.site.kitDownloads.hold(made.file, mission: m.id, account: viewer.email, now: now.seconds)
        let response = try await MissionPages.kitMade(
            m, passphrase: made.passphrase, made: made,
            download: OfficeRoute.missionKitDownload(id: m.id, token: token).path,
            viewer: viewer, csrf: CSRF.token(for: req)
        )
        .encodeResponse(status: .ok, for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// The kit made a moment ago, once.
    @Sendable func downloadKit(req: Request) async throws -> Response {
        let m = try await target(req), viewer = try req.account, now = req.site.clock.now().seconds
        guard
            let file = req.site.kitDownloads.take(
                req.parameters.get("token") ?? "", mission: m.id,
                account: viewer.email, now: now)
        else {
            throw Abort(.gone, reason: t("missions.kit-gone"))
        }
        let response = Response(status: .ok, body: .init(data: Data(file)))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "octet-stream")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(m.id).obskit\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
