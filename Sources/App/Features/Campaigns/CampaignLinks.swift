import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// Linking a campaign to publications (editors, on the campaign) and to cases (case officers, from the case file),
/// by choosing from searched lists. A campaign on the public site is not changed in place; a change of links voids
/// its approvals without making the linker its author, and the public page still shows only published material.
struct CampaignLinks: Sendable {
    let registry: RouteRegistry
    static let caseAccess = CaseController.access

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(
            .POST, OfficeRoute.campaignPublications(id: "").pattern, CampaignsOfficeController.access,
            registry: registry, use: linkPublications)
        routes.declare(
            .GET, OfficeRoute.caseCampaigns(id: "").pattern, Self.caseAccess, registry: registry,
            use: caseCampaigns)
        routes.declare(
            .POST, OfficeRoute.caseCampaigns(id: "").pattern, Self.caseAccess, registry: registry,
            use: linkCase)
    }

    static func refusedPublic(_ c: Campaign) -> String {
        "The campaign “\(c.title)” is on the public site and is not changed in place: an editor takes it off the "
            + "site, the links are changed, and another editor puts it back."
    }

    /// Writes a campaign's new links in `tx`: a new four-eyes revision (its text's author stays its author).
    static func store(
        _ c: Campaign, publications: [String], cases: [String], now: Date,
        on tx: any Database
    ) async throws {
        try await tx.sql.update("campaigns").set("publication_ids", to: publications.joined(separator: ","))
            .set("case_ids", to: cases.joined(separator: ",")).where("id", .equal, c.id).run()
        let subject = "campaign:\(c.id)"
        let hash = ContentHash.of([c.title, c.text, publications.joined(separator: ","), cases.joined(separator: ",")])
        let author = try await FourEyesStore.version(subject, fallback: nil, on: tx).changedBy
        try await FourEyesStore.recordChange(subject, hash: hash, by: author, now: now, on: tx)
    }

    /// The campaign as stored now, locked until the transaction ends on PostgreSQL (SQLite writers take turns).
    static func locked(_ id: String, on tx: any Database) async throws -> Campaign? {
        if tx.sql.dialect.name == "postgresql" {
            try await tx.sql.raw("SELECT id FROM campaigns WHERE id = \(bind: id) FOR UPDATE").run()
        }
        return try await CampaignStore.find(id, on: tx)
    }

    enum Outcome: Sendable { case done, refused(String), missing }

    @Sendable func linkPublications(req: Request) async throws -> Response {
        let id = req.parameters.get("id") ?? "", form = req.form, viewer = try req.account, now = req.site.clock.now()
        let add = form.values("add"), remove = form.values("remove")
        struct Row: Decodable { let id: String }
        let existing =
            add.isEmpty
            ? []
            : try await req.db.sql.raw("SELECT id FROM publications WHERE id IN (\(binds: add))")
                .all(decoding: Row.self).map(\.id)
        let outcome: Outcome = try await req.db.write { tx in
            guard let c = try await Self.locked(id, on: tx) else { return .missing }
            guard !c.published else { return .refused(Self.refusedPublic(c)) }
            switch LinkChange.apply(current: c.publicationList, add: add, remove: remove, choosable: Set(existing)) {
            case .failure(let refusal): return .refused(refusal.description)
            case .success(let list):
                try await Self.store(c, publications: list, cases: c.caseList, now: now, on: tx)
                try await AuditLog.record(
                    AuditEvent(
                        actor: viewer.email, action: "campaign.link",
                        recordType: "campaign", recordID: c.id, detail: "publications +\(add.count) -\(remove.count)"),
                    now: now, on: tx)
                return .done
            }
        }
        switch outcome {
        case .missing: throw Abort(.notFound, reason: "There is no campaign “\(id.prefix(60))”.")
        case .refused(let reason):
            return try await CampaignsOfficeController(registry: registry)
                .page(req, error: reason, status: .unprocessableEntity, editing: id)
        case .done: return req.redirect(within: OfficeRoute.campaigns.path + "?edit=" + id + "&linked=1#links")
        }
    }

    /// `/office/cases/{id}/campaigns`: the campaigns this case is in, and others to choose by title.
    @Sendable func caseCampaigns(req: Request) async throws -> Response {
        let file = try await CaseController.target(req), viewer = try req.account
        try await AuditLog.record(
            AuditEvent(
                actor: viewer.email, action: "case.view", recordType: "case",
                recordID: file.id), now: req.site.clock.now(), on: req.db)
        return try await page(req, file, error: nil, status: .ok)
    }

    func page(_ req: Request, _ file: CaseFile, error: String?, status: HTTPStatus) async throws -> Response {
        let query = req.query[String.self, at: "q"] ?? "", csrf = CSRF.token(for: req)
        let all = try await CampaignStore.all(on: req.db)
        let linked = all.filter { $0.caseList.contains(file.id) }
        let (found, more) = try await LinkChoices.campaigns(query: query, on: req.db)
        let offered = found.filter { !$0.caseList.contains(file.id) }
        func choice(_ c: Campaign) -> Choice {
            Choice(
                id: c.id, label: c.title,
                detail: c.published ? "on the public site: cannot be changed" : "not public")
        }
        let locked = Set(all.filter(\.published).map(\.id)), path = OfficeRoute.caseCampaigns(id: file.id).path
        return try await OfficeLayout(title: "Campaigns of the case", account: try req.account, csrf: csrf).render(
            """
            <p><a href="\(OfficeRoute.caseFile(id: file.id).path)">\(file.label.reveal())</a></p>
            <h1>Campaigns of the case</h1>
            <p class="meta">A campaign shows only the published interventions of its cases, never the case file.</p>
            \(error.map { "<p class=\"notice error\" role=\"alert\" id=\"link-error\">\($0)</p>" } ?? .empty)
            \(Self.saved(req))
            <section aria-labelledby="links"><h2 id="links">Choose campaigns</h2>
            \(ChoiceList.search(action: path, param: "q", query: query, label: "Find a campaign by title or address",
                            anchor: "links"))
            <form method="post" action="\(path)" class="office-form">\(CSRF.field(csrf))
            \(ChoiceList.options(linked.map(choice), name: "remove", multiple: true,
                             legend: "In these campaigns (tick to unlink)", id: "case-campaigns", query: "",
                             more: false, disabled: locked))
            \(ChoiceList.options(offered.map(choice), name: "add", multiple: true, legend: "Add to these campaigns",
                             id: "campaign-choices", query: query, more: more, disabled: locked))
            <p class="actions"><button type="submit">Save the links</button></p></form></section>
            """
        ).encodeResponse(status: status, for: req)
    }

    /// Links the case to the chosen campaigns and unlinks it from others; each must exist and be off the site.
    @Sendable func linkCase(req: Request) async throws -> Response {
        let file = try await CaseController.target(req), form = req.form, viewer = try req.account
        let now = req.site.clock.now(), add = form.values("add"), remove = form.values("remove")
        let caseID = file.id
        let outcome: Outcome = try await req.db.write { tx in
            let existing = Set(try await CampaignStore.all(on: tx).map(\.id))
            let chosen = add + remove
            guard !chosen.isEmpty else { return .refused(LinkChange.Refusal.nothingChosen.description) }
            if let wrong = chosen.first(where: { !existing.contains($0) }) {
                return .refused(LinkChange.Refusal.notChoosable(wrong).description)
            }
            var changed: [String] = []
            for id in Array(Set(chosen)).sorted() {
                guard let c = try await Self.locked(id, on: tx) else {
                    return .refused("The campaign changed meanwhile.")
                }
                guard !c.published else { return .refused(Self.refusedPublic(c)) }
                let adding = add.contains(id) ? [caseID] : [], removing = remove.contains(id) ? [caseID] : []
                switch LinkChange.apply(current: c.caseList, add: adding, remove: removing, choosable: [caseID]) {
                case .failure(let refusal): return .refused(refusal.description)
                case .success(let list):
                    try await Self.store(c, publications: c.publicationList, cases: list, now: now, on: tx)
                    changed.append(c.title)
                }
            }
            try await Timeline.add(
                "Campaigns changed: \(changed.joined(separator: ", "))", actor: viewer.email,
                case: caseID, now: now, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "case.campaigns", recordType: "case",
                    recordID: caseID, detail: "+\(add.count) -\(remove.count)"), now: now, on: tx)
            return .done
        }
        switch outcome {
        case .missing: throw Abort(.notFound)
        case .refused(let reason): return try await page(req, file, error: reason, status: .unprocessableEntity)
        case .done: return req.redirect(within: OfficeRoute.caseCampaigns(id: caseID).path + "?linked=1")
        }
    }
}

extension CampaignLinks {
    static func saved(_ req: Request) -> HTML {
        req.query[String.self, at: "linked"] == nil ? .empty : "<p class=\"notice\" role=\"status\">Saved.</p>"
    }

    /// The campaign page's links section: its publications (tick to unlink) and publications found by title,
    /// reference code, country or id (tick to add); its cases are counted, and chosen by case officers.
    static func section(_ c: Campaign, req: Request, csrf: String) async throws -> HTML {
        let query = req.query[String.self, at: "pub_q"] ?? ""
        let linked = try await LinkChoices.publications(ids: c.publicationList, on: req.db)
        let (found, more) = try await LinkChoices.publications(query: query, on: req.db)
        let offered = found.filter { !c.publicationList.contains($0.id) }
        let path = OfficeRoute.campaignPublications(id: c.id).path
        let form: HTML =
            c.published
            ? "<p class=\"meta\" id=\"links-locked\">\(refusedPublic(c))</p>"
            : """
            \(ChoiceList.search(action: OfficeRoute.campaigns.path, param: "pub_q", query: query,
                                label: "Find publications by title, reference code, country or id", anchor: "links",
                                keep: [("edit", c.id)]))
            <form method="post" action="\(path)" class="office-form">\(CSRF.field(csrf))
            \(ChoiceList.options(linked, name: "remove", multiple: true, legend: "Publications of the campaign "
                                 + "(tick to unlink)", id: "campaign-publications", query: "", more: false))
            \(ChoiceList.options(offered, name: "add", multiple: true, legend: "Add these publications",
                                 id: "publication-choices", query: query, more: more))
            <p class="actions"><button type="submit">Save the links</button></p></form>
            """
        let cases = Translations.$current.withValue(.of(.en)) { t("count.cases", count: c.caseList.count) }
        return """
            <section aria-labelledby="links"><h2 id="links">What the campaign gathers</h2>
            \(saved(req))
            \(form)
            <p class="meta" id="campaign-cases">\(cases) linked: case officers
             choose them from the case file (Campaigns of the case); only their published interventions appear.</p>
            </section>
            """
    }
}
