import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// Editors and case officers write portraits (consent with its date, photograph, a text per language, the
/// publications and, for case officers, the cases they concern), series and sponsors, withdraw a consent with its
/// reason, and read the sealed offers of the "sponsor a defender" form. Every write is audited in its transaction.
struct PortraitsOfficeController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.editor, .caseOfficer])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.portraits.pattern, Self.access, registry: registry, use: index)
        routes.declare(
            .POST, OfficeRoute.portraits.pattern, Self.access, registry: registry,
            maxBody: ByteCount(value: Upload.maxBytes + 256 * 1024), use: save)
        routes.declare(.POST, OfficeRoute.portraitSeries.pattern, Self.access, registry: registry, use: saveSeries)
        routes.declare(
            .POST, OfficeRoute.portraitWithdraw(id: "").pattern, Self.access, registry: registry,
            use: withdraw)
        routes.declare(
            .POST, OfficeRoute.portraitSponsors(id: "").pattern, Self.access, registry: registry,
            use: saveSponsor)
        routes.declare(.GET, OfficeRoute.sponsorOffers.pattern, Self.access, registry: registry, use: offers)
    }

    @Sendable func index(req: Request) async throws -> Response {
        try await page(req, error: nil, status: .ok)
    }

    func page(_ req: Request, error: String?, status: HTTPStatus, editing: String? = nil) async throws -> Response {
        let viewer = try req.account, csrf = CSRF.token(for: req)
        let portraits = try await PortraitStore.all(on: req.db), series = try await PortraitStore.allSeries(on: req.db)
        let edit = editing ?? req.query[String.self, at: "edit"]
        let portrait = edit.flatMap { id in portraits.first { $0.id == id } }
        var cases: [(id: String, label: String)]? = nil
        if viewer.roles.contains(.caseOfficer) {
            cases = try await CaseStore.list(status: nil, cipher: req.site.cipher, on: req.db)
                .map { (id: $0.id, label: $0.label.reveal()) }
        }
        let sponsors = try await portrait.asyncMap { try await PortraitStore.sponsors(of: [$0.id], on: req.db) } ?? []
        let shownSeries = req.query[String.self, at: "series"].flatMap { id in series.first { $0.id == id } }
        let body = PortraitOfficePages.index(
            portraits: portraits, series: series, editing: portrait,
            editingSeries: shownSeries, sponsors: sponsors, chosenSponsor: req.query[String.self, at: "sponsor"],
            cases: cases, today: req.site.clock.today, error: error,
            csrf: csrf)
        return try await OfficeLayout(
            title: t("portraits.office.title"), account: viewer, csrf: csrf,
            translated: true
        ).render(body)
            .encodeResponse(status: status, for: req)
    }

    func refuse(_ req: Request, _ message: String, editing: String? = nil) async throws -> Response {
        try await page(req, error: message, status: .unprocessableEntity, editing: editing)
    }

    /// Publication addresses typed in a field (spaces, commas or lines between them); the unknown ones.
    static func publications(_ text: String, on db: any Database) async throws -> ([String], unknown: [String]) {
        var ids: [String] = []
        let words = text.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        for id in words where !ids.contains(id) {
            ids.append(id)
        }
        guard !ids.isEmpty else { return ([], []) }
        struct Row: Decodable { let id: String }
        let known = Set(
            try await db.sql.raw("SELECT id FROM publications WHERE id IN (\(binds: ids))")
                .all(decoding: Row.self).map(\.id))
        return (ids.filter(known.contains), ids.filter { !known.contains($0) })
    }

    @Sendable func save(req: Request) async throws -> Response {
        let form = req.form, viewer = try req.account, now = req.site.clock.now(), today = req.site.clock.today
        let id = form["id"], name = form["name"]
        guard PortraitRules.isValidID(id), !name.isEmpty, name.count <= 300 else {
            return try await refuse(req, t("portraits.office.error.address"))
        }
        let consent = form["consent_on"]
        if !consent.isEmpty, let problem = PortraitRules.consentProblem(consent, today: today) {
            return try await refuse(req, problem, editing: id)
        }
        let (publications, unknown) = try await Self.publications(form.raw("publications"), on: req.db)
        guard unknown.isEmpty else {
            return try await refuse(
                req,
                t(
                    "portraits.office.error.publications",
                    [
                        "addresses": unknown.joined(separator: ", ")
                    ]), editing: id)
        }
        var typed: [Language: String] = [:]
        for language in Language.allCases {
            typed[language] = form.raw("text_\(language.rawValue)").replacingOccurrences(of: "\r\n", with: "\n")
        }
        var cleaned: (bytes: [UInt8], type: String)? = nil
        if let file = req.files.first(where: { $0.field == "photo" }), !file.data.isEmpty {
            guard case .success(let upload) = Upload.check(filename: file.filename, data: file.data),
                ["image/jpeg", "image/png"].contains(upload.contentType)
            else {
                return try await refuse(req, t("portraits.office.error.photo"), editing: id)
            }
            // The photograph as sent (GPS position, camera serial, XMP …) is never stored: only mat2's copy.
            do {
                cleaned = (
                    try await req.application.metadataStripper.strip(
                        upload.data,
                        contentType: upload.contentType),
                    upload.contentType
                )
            } catch let failure as MetadataStripFailure {
                return try await refuse(
                    req, t("portraits.office.error.not-saved", ["problem": failure.description]),
                    editing: id)
            }
        }
        let photo = cleaned, isCaseOfficer = viewer.roles.contains(.caseOfficer), texts = typed
        let chosenCases = form.values("cases")
        let wantsPublic = form["published"] == "yes"
        let refused: String? = try await req.db.write { tx in
            let stored = try await PortraitStore.find(id, on: tx)
            if stored?.withdrawnAt != nil {
                return t("portraits.office.error.withdrawn")
            }
            var cases = stored?.caseList ?? []
            if isCaseOfficer {
                let open = Set(try await CaseStore.list(status: nil, cipher: req.site.cipher, on: tx).map(\.id))
                cases = chosenCases.filter(open.contains)
            }
            let consentOn = consent.isEmpty ? nil : consent
            let fields = PortraitStore.Fields(
                name: name, texts: texts, consentOn: consentOn,
                consentBy: stored?.consentOn == consentOn ? stored?.consentBy : consentOn.map { _ in viewer.email },
                publications: publications, cases: cases)
            let photoSha256 = photo.map { Evidence.sha256($0.bytes) } ?? stored?.photoSha256
            let hash = Portrait.hash(fields, photoSha256: photoSha256)
            let changed = stored.map { $0.hash != hash } ?? true
            if wantsPublic && consentOn == nil {
                return t("portraits.office.error.no-consent")
            }
            if let refusal = try await PortraitApproval.refusal(
                subject: Portrait.subject(id), hash: hash,
                changed: changed, wasPublic: stored?.published == true, wantsPublic: wantsPublic,
                texts: [name] + Language.allCases.map { texts[$0] ?? "" }, actor: viewer.email, now: now,
                cipher: req.site.cipher, on: tx)
            {
                return refusal
            }
            try await PortraitStore.save(id, fields, published: wantsPublic, by: viewer.email, now: now, on: tx)
            if let photo { try await PortraitStore.setPhoto(id, cleaned: photo.bytes, type: photo.type, on: tx) }
            if changed {
                try await FourEyesStore.recordChange(
                    Portrait.subject(id), hash: hash, by: viewer.email,
                    now: now, on: tx)
            }
            let consentNote =
                stored?.consentOn == consentOn
                ? ""
                : "; consent "
                    + (consentOn.map { "given on \($0)" }
                        ?? "not recorded")
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "portrait.save", recordType: "portrait",
                    recordID: id, detail: (wantsPublic ? "public" : "not public") + consentNote), now: now, on: tx)
            return nil
        }
        if let refused { return try await refuse(req, refused, editing: id) }
        req.site.contentWatcher.invalidate()
        return req.redirect(within: OfficeRoute.portraits.path + "?edit=" + id)
    }

    /// Consent withdrawn: the portrait leaves every public page, the sitemap and the cache at once; the reason is
    /// in the audit trail.
    @Sendable func withdraw(req: Request) async throws -> Response {
        let id = req.parameters.get("id") ?? "", viewer = try req.account, now = req.site.clock.now()
        let reason = req.form["reason"]
        guard !reason.isEmpty, reason.count <= 400 else {
            return try await refuse(req, t("portraits.office.error.reason"), editing: id)
        }
        let done: Bool = try await req.db.write { tx in
            guard let stored = try await PortraitStore.find(id, on: tx), stored.withdrawnAt == nil else { return false }
            try await PortraitStore.withdraw(id, by: viewer.email, now: now, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "portrait.consent.withdraw",
                    recordType: "portrait", recordID: id, detail: "reason: " + reason), now: now, on: tx)
            return true
        }
        guard done else { return try await refuse(req, t("portraits.office.error.no-withdrawal")) }
        req.site.contentWatcher.invalidate()
        return req.redirect(within: OfficeRoute.portraits.path + "?edit=" + id)
    }
}
