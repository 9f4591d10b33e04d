import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// Public campaign pages: `/campaigns`, `/campaigns/{id}` and its image.
struct CampaignsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.localizedGet(SiteRoute.Pattern.campaigns) { req in
            let campaigns = try await CampaignStore.all(on: req.db).filter(\.published)
            let items: [HTML] = campaigns.map {
                "<li><a href=\"\(SiteRoute.campaign(id: $0.id).path)\">\($0.title)</a></li>"
            }
            return .publicPage(
                Layout(title: t("campaign.list"), facts: nil).render(
                    """
                    <h1>\(t("campaign.list"))</h1>
                    \(items.isEmpty ? "<p>\(t("campaign.none"))</p>" as HTML : "<ul id=\"campaigns\">\(items.joined())</ul>")
                    <p class="meta">\(ListExport.links(csv: ListExport.campaigns(.csv), json: ListExport.campaigns(.json)))</p>
                    """))
        }
        routes.localizedGet(SiteRoute.Pattern.campaign) { req in
            guard let c = try await CampaignStore.find(req.parameters.get("id") ?? "", on: req.db), c.published else {
                throw Abort(.notFound)
            }
            let gathered = try await CampaignStore.gathered(c, on: req.db)
            let image = SiteRoute.campaignImage(id: c.id).path
            return .publicPage(
                Layout(title: c.title, facts: nil).render(
                    """
                    <article class="campaign"><h1>\(c.title)</h1>
                    \(c.imageType == nil || !c.imageClean ? .empty
                        : "<p><img src=\"\(image)\" alt=\"\" class=\"campaign-image\"></p>" as HTML)
                    <div class="body">\(Markdown.render(c.text))</div>
                    <section aria-labelledby="gathered"><h2 id="gathered">\(t("campaign.gathered"))</h2>\(ListItemView.list(gathered))</section></article>
                    """))
        }
        routes.get(SiteRoute.Pattern.campaignImage.map(PathComponent.init)) { req async throws -> Response in
            guard let (data, type) = try await CampaignStore.image(req.parameters.get("id") ?? "", on: req.db) else {
                throw Abort(.notFound)
            }
            let response = Response(status: .ok, body: .init(data: data))
            response.headers.replaceOrAdd(name: .contentType, value: type)
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            return response
        }
    }
}

/// Editors write campaigns: text, image (JPEG or PNG), the publications and cases gathered.
struct CampaignsOfficeController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.editor, .administrator])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.campaigns.pattern, Self.access, registry: registry, use: index)
        routes.declare(
            .POST, OfficeRoute.campaigns.pattern, Self.access, registry: registry,
            maxBody: ByteCount(value: Upload.maxBytes + 256 * 1024), use: save)
        CampaignLinks(registry: registry).boot(routes)
    }

    @Sendable func index(req: Request) async throws -> Response {
        try await page(req, error: nil, status: .ok)
    }

    func page(_ req: Request, error: String?, status: HTTPStatus, editing id: String? = nil) async throws -> Response {
        let campaigns = try await CampaignStore.all(on: req.db), csrf = CSRF.token(for: req)
        let editing =
            try await (id ?? req.query[String.self, at: "edit"]).asyncMap {
                try await CampaignStore.find($0, on: req.db)
            } ?? nil
        let links = try await editing.asyncMap { try await CampaignLinks.section($0, req: req, csrf: csrf) } ?? .empty
        let rows: [HTML] = campaigns.map {
            let state = $0.published ? "" : " (\(t("campaigns.not-public")))"
            return "<li><a href=\"\(OfficeRoute.campaigns.path)?edit=\($0.id)\">\($0.title)</a>\(state)</li>"
        }
        return try await OfficeLayout(
            title: t("office.nav.campaigns"), account: try req.account, csrf: csrf,
            translated: true
        ).render(
            """
            <h1>\(t("office.nav.campaigns"))</h1>
            \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
            <ul id="office-campaigns">\(rows.joined())</ul>
            <h2>\(t(editing == nil ? "campaigns.new" : "campaigns.edit"))</h2>
            <form method="post" action="\(OfficeRoute.campaigns.path)" enctype="multipart/form-data" class="office-form">\(CSRF.field(csrf))
            \(FormView.field("id", label: t("campaigns.address"), value: editing?.id ?? "",
                         attributes: editing == nil ? "" : "readonly"))
            \(FormView.field("title", label: t("intervention.title"), value: editing?.title ?? ""))
            \(EditorialPages.textarea("text", label: t("intervention.body"), value: editing?.text ?? "", rows: 8,
                                  error: nil))
            \(editing.map { $0.imageType != nil && !$0.imageClean } == true ? Self.imageNotPublic() : .empty)
            \(FormView.field("image", label: t("campaigns.image"), value: "", type: "file"))
            <p class="field"><label><input type="checkbox" name="published" value="yes"\
            \(HTML(trusted: editing?.published == true ? " checked" : ""))> \(t("campaigns.public"))</label></p>
            <p class="actions"><button type="submit">\(t("users.save"))</button></p></form>
            \(links)
            """
        ).encodeResponse(status: status, for: req)
    }

    static func imageNotPublic() -> HTML {
        "<p class=\"notice error\" id=\"image-not-public\">\(t("campaigns.image-not-public"))</p>"
    }

    @Sendable func save(req: Request) async throws -> Response {
        let form = req.form, viewer = try req.account, now = req.site.clock.now()
        let id = form["id"]
        guard id.count >= 3, id.count <= 60,
            id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }), !form["title"].isEmpty
        else {
            return try await page(req, error: t("campaigns.error.address"), status: .unprocessableEntity)
        }
        var image: Upload? = nil
        if let file = req.files.first(where: { $0.field == "image" }), !file.data.isEmpty {
            guard case .success(let upload) = Upload.check(filename: file.filename, data: file.data),
                upload.contentType.hasPrefix("image/")
            else {
                return try await page(req, error: t("campaigns.error.image"), status: .unprocessableEntity)
            }
            image = upload
        }
        // Nothing public carries metadata (issue 20): the copy the site serves is re-encoded by mat2 first, and an
        // image whose metadata cannot be removed is not stored at all.
        var cleaned: [UInt8]? = nil
        if let image {
            do {
                cleaned = try await req.application.metadataStripper.strip(image.data, contentType: image.contentType)
            } catch let failure as MetadataStripFailure {
                return try await page(
                    req, error: t("campaigns.error.metadata", ["problem": failure.description]),
                    status: .unprocessableEntity)
            }
        }
        let cleanedImage = cleaned
        let title = form["title"], text = form.raw("text").replacingOccurrences(of: "\r\n", with: "\n")
        let wantsPublic = form["published"] == "yes"
        // Four eyes, as for every text that goes public: a campaign goes on the site only when someone other than
        // its latest author ticks "On the public site" on the saved text, and a public one is not changed in place.
        // Its publications and cases are chosen in lists once it is saved (`CampaignLinks`), never typed here.
        let subject = "campaign:\(id)", upload = image
        let refused: String? = try await req.db.write { tx in
            let stored = try await CampaignStore.find(id, on: tx)
            let publications = stored?.publicationList ?? [], cases = stored?.caseList ?? []
            let hash = ContentHash.of([title, text, publications.joined(separator: ","), cases.joined(separator: ",")])
            let changed =
                upload != nil
                || stored.map {
                    ContentHash.of([
                        $0.title, $0.text, $0.publicationIds,
                        $0.caseIds
                    ]) != hash
                } ?? true
            if wantsPublic && changed {
                return t("campaigns.error.save-first")
            }
            if wantsPublic && stored?.published != true {
                let leaks = try await CaseLeaks.find(in: [title, text], cipher: req.site.cipher, on: tx)
                if !leaks.isEmpty {
                    return t("campaigns.error.leaks", ["values": t("count.confidential-values", count: leaks.count)])
                }
                let version = try await FourEyesStore.version(subject, fallback: nil, on: tx)
                if let refusal = try await FourEyesStore.approve(
                    subject, revision: version.revision, hash: hash,
                    by: viewer.email, fallback: nil, now: now, on: tx)
                {
                    return refusal.description
                }
            }
            try await CampaignStore.save(
                id: id, title: title, text: text, publications: publications, cases: cases,
                published: wantsPublic, image: nil, by: viewer.email, now: now, on: tx)
            if let upload, let cleanedImage {
                try await CampaignStore.setImage(
                    id, original: upload, cleaned: cleanedImage, cipher: req.site.cipher,
                    on: tx)
            }
            if changed {
                try await FourEyesStore.recordChange(subject, hash: hash, by: viewer.email, now: now, on: tx)
            }
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "campaign.save", recordType: "campaign",
                    recordID: id, detail: wantsPublic ? "public" : "not public"), now: now, on: tx)
            return nil
        }
        if let refused { return try await page(req, error: refused, status: .unprocessableEntity) }
        req.site.contentWatcher.invalidate()
        return req.redirect(within: OfficeRoute.campaigns.path + "?edit=" + id)
    }
}
