import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// Four eyes on portraits, series and sponsors, as on campaigns: a text about a person goes public only when
/// someone other than its latest author ticks "On the public site" on the saved text, and a public one is not
/// changed in place. The leak check (every case's confidential values) runs before it goes public.
enum PortraitApproval {
    static func refusal(
        subject: String, hash: String, changed: Bool, wasPublic: Bool, wantsPublic: Bool,
        texts: [String], actor: String, now: Date, cipher: FieldCipher,
        on tx: any Database
    ) async throws -> String? {
        guard wantsPublic else { return nil }
        if changed {
            return t("portraits.office.error.save-first")
        }
        if wasPublic { return nil }
        let leaks = try await CaseLeaks.find(in: texts, cipher: cipher, on: tx)
        if !leaks.isEmpty {
            return t("portraits.office.error.leaks", ["values": t("count.confidential-values", count: leaks.count)])
        }
        let version = try await FourEyesStore.version(subject, fallback: nil, on: tx)
        return try await FourEyesStore.approve(
            subject, revision: version.revision, hash: hash, by: actor,
            fallback: nil, now: now, on: tx)?.description
    }
}

extension PortraitsOfficeController {
    @Sendable func saveSeries(req: Request) async throws -> Response {
        let form = req.form, viewer = try req.account, now = req.site.clock.now()
        let id = form["series_id"], title = form["series_title"]
        guard PortraitRules.isValidID(id), !title.isEmpty, title.count <= 300 else {
            return try await refuse(req, t("portraits.office.error.series"))
        }
        let text = form.raw("series_text").replacingOccurrences(of: "\r\n", with: "\n")
        let known = Set(try await PortraitStore.all(on: req.db).map(\.id))
        var listed: [String] = []
        for line in form.raw("series_portraits").split(whereSeparator: \.isNewline) {
            let member = line.trimmingCharacters(in: .whitespaces)
            if !member.isEmpty && !listed.contains(member) { listed.append(member) }
        }
        let members = listed
        let unknown = members.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            return try await refuse(
                req,
                t(
                    "portraits.office.error.series-portraits",
                    [
                        "addresses": unknown.joined(separator: ", ")
                    ]))
        }
        let wantsPublic = form["published"] == "yes"
        let refused: String? = try await req.db.write { tx in
            let stored = try await PortraitStore.series(id, on: tx)
            let hash = ContentHash.of(["portrait-series", title, text, members.joined(separator: ",")])
            let changed = stored.map { $0.hash != hash } ?? true
            if let refusal = try await PortraitApproval.refusal(
                subject: PortraitSeries.subject(id), hash: hash,
                changed: changed, wasPublic: stored?.published == true, wantsPublic: wantsPublic,
                texts: [title, text], actor: viewer.email, now: now, cipher: req.site.cipher, on: tx)
            {
                return refusal
            }
            try await PortraitStore.saveSeries(
                id, title: title, text: text, portraits: members,
                published: wantsPublic, by: viewer.email, now: now, on: tx)
            if changed {
                try await FourEyesStore.recordChange(
                    PortraitSeries.subject(id), hash: hash,
                    by: viewer.email, now: now, on: tx)
            }
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "portrait-series.save",
                    recordType: "portrait-series", recordID: id, detail: wantsPublic ? "public" : "not public"),
                now: now, on: tx)
            return nil
        }
        if let refused { return try await refuse(req, refused) }
        req.site.contentWatcher.invalidate()
        return req.redirect(within: OfficeRoute.portraits.path + "?series=" + id)
    }

    /// A sponsor of a portrait: a public figure, a few words on them, their statement.
    @Sendable func saveSponsor(req: Request) async throws -> Response {
        let portraitID = req.parameters.get("id") ?? "", form = req.form, viewer = try req.account
        let now = req.site.clock.now()
        let name = form["sponsor_name"], description = form["sponsor_description"]
        let statement = form.raw("statement").replacingOccurrences(of: "\r\n", with: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 300, description.count <= 300, !statement.isEmpty,
            statement.count <= 5_000
        else {
            return try await refuse(req, t("portraits.office.error.sponsor"), editing: portraitID)
        }
        let wantsPublic = form["published"] == "yes", given = form["sponsor"]
        let refused: String? = try await req.db.write { tx in
            guard try await PortraitStore.find(portraitID, on: tx) != nil else {
                return t("portraits.office.error.no-portrait")
            }
            var stored: PortraitSponsor? = nil
            if !given.isEmpty {
                stored = try await PortraitStore.sponsors(of: [portraitID], on: tx).first { $0.id == given }
            }
            if !given.isEmpty && stored == nil { return t("portraits.office.error.no-sponsor") }
            let sponsor = PortraitSponsor(
                id: stored?.id ?? RandomID.make("sponsor"), portraitId: portraitID,
                name: name, description: description, statement: statement, published: wantsPublic,
                updatedBy: viewer.email)
            let changed = stored.map { $0.hash != sponsor.hash } ?? true
            if let refusal = try await PortraitApproval.refusal(
                subject: PortraitSponsor.subject(sponsor.id),
                hash: sponsor.hash, changed: changed, wasPublic: stored?.published == true, wantsPublic: wantsPublic,
                texts: [name, description, statement], actor: viewer.email, now: now, cipher: req.site.cipher,
                on: tx)
            {
                return refusal
            }
            try await PortraitStore.saveSponsor(sponsor, by: viewer.email, now: now, on: tx)
            if changed {
                try await FourEyesStore.recordChange(
                    PortraitSponsor.subject(sponsor.id), hash: sponsor.hash,
                    by: viewer.email, now: now, on: tx)
            }
            try await AuditLog.record(
                AuditEvent(
                    actor: viewer.email, action: "portrait.sponsor.save",
                    recordType: "portrait", recordID: portraitID,
                    detail: "\(sponsor.id): " + (wantsPublic ? "public" : "not public")), now: now, on: tx)
            return nil
        }
        if let refused { return try await refuse(req, refused, editing: portraitID) }
        req.site.contentWatcher.invalidate()
        return req.redirect(within: OfficeRoute.portraits.path + "?edit=" + portraitID)
    }

    /// The offers sent through the "sponsor a defender" form, opened for the reader and audited.
    @Sendable func offers(req: Request) async throws -> Response {
        let viewer = try req.account, csrf = CSRF.token(for: req)
        try await req.db.write { tx in
            try await AuditLog.record(
                AuditEvent(actor: viewer.email, action: "sponsor-offers.view", recordType: "sponsor-offers"),
                now: req.site.clock.now(), on: tx)
        }
        let offers = try await SponsorOfferStore.all(cipher: req.site.cipher, on: req.db)
        return try await OfficeLayout(
            title: t("portraits.office.offers"), account: viewer, csrf: csrf,
            translated: true
        )
        .render(PortraitOfficePages.offers(offers)).encodeResponse(for: req)
    }
}
