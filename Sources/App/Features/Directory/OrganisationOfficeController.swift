import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// The back office's directory: editors and case officers correct an organisation's public details and
/// description; its contacts (people, phones, secure channels) are sealed and only case officers and
/// administrators read or change them.
struct OrganisationOfficeController: Sendable {
    let registry: RouteRegistry
    static let access = Access.roles([.editor, .caseOfficer, .administrator])

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(.GET, OfficeRoute.organisation(id: "").pattern, Self.access, registry: registry, use: show)
        routes.declare(.POST, OfficeRoute.organisation(id: "").pattern, Self.access, registry: registry, use: save)
    }

    static func readsContacts(_ account: Account) -> Bool {
        !account.roles.isDisjoint(with: [.caseOfficer, .administrator])
    }

    func target(_ req: Request) async throws -> DirectoryEntry {
        guard let o = try await DirectoryQueries.find(req.parameters.get("id") ?? "", on: req.db) else {
            throw Abort(.notFound, reason: "There is no such organisation.")
        }
        return o
    }

    static func contacts(_ id: String, cipher: FieldCipher, on db: any Database) async throws -> Confidential {
        struct Row: Decodable { let contactsSealed: String? }
        let row = try await db.row("SELECT contacts_sealed FROM organisations WHERE id = \(bind: id)", as: Row.self)
        return try row?.contactsSealed.map { try cipher.open($0, in: .organisationContacts, row: id) } ?? .empty
    }

    @Sendable func show(req: Request) async throws -> Response {
        let o = try await target(req), viewer = try req.account
        var contacts: Confidential? = nil
        if Self.readsContacts(viewer) {
            contacts = try await Self.contacts(o.id, cipher: req.site.cipher, on: req.db)
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "organisation.view", recordType: "organisation", recordID: o.id),
                now: req.site.clock.now(), on: req.db)
        }
        let saved: HTML =
            req.query[String.self, at: "saved"] != nil
            ? "<p class=\"notice\" role=\"status\">\(t("casefile.notice.saved"))</p>" : .empty
        return try await OfficeLayout(title: o.name, account: viewer, csrf: CSRF.token(for: req), translated: true)
            .render(
                """
                <h1>\(o.name)</h1>
                \(saved)
                <p><a href="\(SiteRoute.organisation(id: o.id).path(in: .en))">\(t("intervention.public-page"))</a></p>
                <form method="post" action="\(OfficeRoute.organisation(id: o.id).path)" class="office-form">\
                \(CSRF.field(CSRF.token(for: req)))
                \(FormView.field("name", label: t("casefile.name"), value: o.name))
                \(FormView.field("website", label: t("organisation.website"), value: o.website ?? ""))
                \(FormView.field("affiliated", label: t("organisation.affiliated"),
                         value: o.affiliated.joined(separator: ", ")))
                \(EditorialPages.textarea("description", label: t("organisation.description"), value: o.description ?? "",
                                  rows: 6, error: nil))
                \(contacts.map { EditorialPages.textarea("contacts",
                    label: t("organisation.contacts"), value: $0.reveal(), rows: 5,
                    error: nil) } ?? .empty)
                <p class="actions"><button type="submit">\(t("users.save"))</button></p></form>
                """
            ).encodeResponse(for: req)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let o = try await target(req), viewer = try req.account, form = req.form, now = req.site.clock.now()
        let name = form["name"], website = form["website"]
        guard !name.isEmpty, name.count <= 300,
            website.isEmpty || website.hasPrefix("https://") || website.hasPrefix("http://"),
            form.raw("description").count <= 20_000, form.raw("contacts").count <= 20_000
        else {
            throw Abort(.badRequest, reason: t("organisation.error"))
        }
        let affiliated = Array(
            Set(
                form["affiliated"].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                    !$0.isEmpty && $0 != o.id
                })
        ).sorted()
        struct Known: Decodable { let id: String }
        let known =
            affiliated.isEmpty
            ? []
            : try await req.db.sql.raw("SELECT id FROM organisations WHERE id IN (\(binds: affiliated))").all(
                decoding: Known.self
            ).map(\.id)
        if let unknown = affiliated.first(where: { !known.contains($0) }) {
            throw Abort(
                .badRequest,
                reason: "Affiliated with: there is no organisation “\(unknown.prefix(60))” in the directory.")
        }
        let description = form.raw("description").replacingOccurrences(of: "\r\n", with: "\n")
        let contacts =
            Self.readsContacts(viewer) && form.has("contacts")
            ? req.site.cipher.seal(form.raw("contacts"), in: .organisationContacts, row: o.id) : nil
        try await req.db.write { tx in
            let update = tx.sql.update("organisations").set("name", to: name).set(
                "website",
                to: website.isEmpty ? nil : website
            )
            .set("affiliated_ids", to: affiliated.isEmpty ? nil : affiliated.joined(separator: ","))
            .set("description", to: description).set("updated_at", to: now)
            if let contacts { update.set("contacts_sealed", to: contacts) }
            try await update.where("id", .equal, o.id).run()
            try await ContentVersion.bump(on: tx, now: now)
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "organisation.update",
                    recordType: "organisation", recordID: o.id), now: now, on: tx)
        }
        req.site.contentWatcher.invalidate()
        return req.redirect(within: OfficeRoute.organisation(id: o.id).path + "?saved=1")
    }
}
