import Fluent
import ObservatoryCore
import Vapor

/// The public archive of bulletins (`/bulletins`) and each bulletin (`/bulletins/2026-10/fr`, in its language).
struct BulletinController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.localizedGet(SiteRoute.Pattern.bulletins) { req in
            .publicPage(BulletinView.archive(try await BulletinStore.archive(on: req.db)))
        }
        let bulletin = SiteRoute.Pattern.bulletin.map(PathComponent.init)
        routes.grouped(PublicPageMiddleware()).get(bulletin) { req async throws -> Response in
            guard let month = BulletinMonth(req.parameters.get("month") ?? ""),
                let language = Language(rawValue: req.parameters.get("language") ?? "")
            else {
                throw Abort(.notFound)
            }
            return try await req.localized(language) {
                let bulletin = try await BulletinStore.find(month, language: language, on: req.db)
                guard bulletin.status == "published" else { throw Abort(.notFound) }
                return .publicPage(BulletinView.page(bulletin))
            }
        }
    }
}

/// Editors compose a month's bulletin: see what it lists, write the introduction, publish it (and send it).
struct BulletinOfficeController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.editor, .administrator])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.bulletins.pattern, Self.access, registry: registry, use: index)
        routes.declare(
            .GET, OfficeRoute.bulletin(month: "", language: "").pattern, Self.access, registry: registry, use: show)
        routes.declare(
            .POST, OfficeRoute.bulletin(month: "", language: "").pattern, Self.access, registry: registry, use: save)
    }

    @Sendable func index(req: Request) async throws -> Response {
        // The form of this page is a GET: month and language pick the bulletin to open.
        if let month = req.query[String.self, at: "month"], let language = req.query[String.self, at: "language"] {
            guard BulletinMonth(month) != nil, Language(rawValue: language) != nil else {
                throw Abort(
                    .badRequest, reason: "Give the month as YYYY-MM (e.g. 2026-10) and a language from the list.")
            }
            return req.redirect(within: OfficeRoute.bulletin(month: month, language: language).path)
        }
        let archive = try await BulletinStore.archive(on: req.db)
        let lastMonth = req.site.clock.today.adding(days: -req.site.clock.today.day)
        return try await BulletinPages.index(
            archive, suggested: String(lastMonth.description.prefix(7)), viewer: try req.account,
            csrf: CSRF.token(for: req)
        ).encodeResponse(for: req)
    }

    func target(_ req: Request) throws -> (BulletinMonth, Language) {
        guard let month = BulletinMonth(req.parameters.get("month") ?? ""),
            let language = Language(rawValue: req.parameters.get("language") ?? "")
        else {
            throw Abort(
                .notFound, reason: "Bulletins are named by month and language, e.g. /office/bulletins/2026-10/fr.")
        }
        return (month, language)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let (month, language) = try target(req)
        return try await page(req, month, language, introduction: nil, error: nil)
    }

    /// The bulletin's page; `introduction` is what was typed when it is shown again with `error`.
    func page(
        _ req: Request, _ month: BulletinMonth, _ language: Language, introduction: String?,
        error: String?
    ) async throws -> Response {
        var bulletin = try await BulletinStore.find(month, language: language, on: req.db)
        let state = try await BulletinFourEyes.state(bulletin, on: req.db)
        if let introduction { bulletin.introduction = introduction }
        let preview = Translations.$current.withValue(.of(language)) { BulletinView.content(bulletin, baseURL: "") }
        return try await BulletinPages.show(
            bulletin, preview: preview, notice: req.query[String.self, at: "notice"], viewer: try req.account,
            csrf: CSRF.token(for: req), fourEyes: state, error: error
        )
        .encodeResponse(status: error == nil ? .ok : .unprocessableEntity, for: req)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let (month, language) = try target(req), viewer = try req.account, now = req.site.clock.now()
        let introduction = req.form.raw("introduction").replacingOccurrences(of: "\r\n", with: "\n")
        guard introduction.count <= 20_000 else {
            throw Abort(.badRequest, reason: "The introduction is limited to 20,000 characters.")
        }
        let action = req.form["action"], publish = action == "publish"
        guard ["save", "publish", "approve"].contains(action) else {
            throw Abort(.badRequest, reason: "Unknown action “\(action.prefix(20))”.")
        }
        let stored = try await BulletinStore.find(month, language: language, on: req.db)
        let subject = BulletinFourEyes.subject(month, language),
            hash = BulletinFourEyes.hash(
                month, language,
                introduction)
        let changed = stored.introduction != introduction
        // Four eyes: a public bulletin does not change; what is approved or published is exactly the saved text.
        var refusal: String? = nil
        if changed && stored.status == "published" {
            refusal = "This bulletin is public and was sent: its introduction no longer changes."
        } else if changed && action != "save" {
            refusal = "Save this introduction first: a second person must approve exactly what is published and sent."
        } else if action == "approve" {
            refusal = try await req.db.write { tx in
                let refused = try await FourEyesStore.approve(
                    subject, revision: Int(req.form["revision"]) ?? -1,
                    hash: hash,
                    by: viewer.email,
                    fallback: nil, now: now, on: tx)
                if refused == nil {
                    try await AuditLog.record(
                        AuditEvent(
                            actor: viewer.email, action: "bulletin.approve",
                            recordType: "bulletin",
                            recordID: "\(month)-\(language.rawValue)"),
                        now: now, on: tx)
                }
                return refused
            }?.description
        } else if publish && stored.status != "published" {
            refusal = try await FourEyesStore.check(
                subject, hash: hash, fallback: nil, exempt: false,
                on: req.db)?.description
        }
        if let refusal { return try await page(req, month, language, introduction: introduction, error: refusal) }
        if action == "approve" {
            return req.redirect(
                within: OfficeRoute.bulletin(
                    month: month.description,
                    language: language.rawValue
                ).path + "?notice=approved")
        }
        try await req.db.write { tx in
            let revision = try await FourEyesStore.version(subject, fallback: nil, on: tx).revision
            if changed || revision == 0 {
                try await FourEyesStore.recordChange(subject, hash: hash, by: viewer.email, now: now, on: tx)
            }
            try await BulletinStore.save(
                month, language: language, introduction: introduction, publish: publish,
                by: viewer.email, now: now, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email,
                    action: publish ? "bulletin.publish" : "bulletin.save",
                    recordType: "bulletin", recordID: "\(month)-\(language.rawValue)"),
                now: now, on: tx)
        }
        req.site.contentWatcher.invalidate()
        return req.redirect(
            within: OfficeRoute.bulletin(month: month.description, language: language.rawValue).path
                + "?notice=" + (publish ? "published" : "saved"))
    }
}
