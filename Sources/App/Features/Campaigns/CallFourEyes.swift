import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// Four eyes on calls for input, as on every text that goes public: the public text of a call (its title, its
/// Markdown text and its deadline, which the public page shows) is approved by someone other than its latest
/// editor, for one content hash at one revision; any edit raises the revision and voids the approval; opening
/// the call checks the approval inside the write that opens it. The leak check (every case's confidential
/// values: names of people not agreeing to be named, contacts, sources, notes) runs before approval and again
/// at opening: a call is not about one case, so no case's secrets may appear in it.
enum CallFourEyes {
    static func subject(_ id: String) -> String { "call:\(id)" }

    /// Everything the public reads of a call. The id is in the subject (the address), not in the hash.
    static func hash(title: String, text: String, deadline: String) -> String {
        ContentHash.of(["call", title, text, deadline])
    }

    static func hash(_ c: CallForInput) -> String { hash(title: c.title, text: c.text, deadline: c.deadline) }

    /// Who last saved the call (the author of texts saved before four eyes covered calls).
    static func lastEditor(_ id: String, on db: any Database) async throws -> String? {
        struct Row: Decodable { let updatedBy: String }
        return try await db.row("SELECT updated_by FROM calls WHERE id = \(bind: id)", as: Row.self)?.updatedBy
    }

    static func leakMessage(_ count: Int) -> String {
        t("calls.error.leaks", ["values": t("count.confidential-values", count: count)])
    }

    /// Whether the call's current public text (hash `hash`) may be opened now, checked on the version row locked
    /// by a conditional update (a change committed in between, on either engine, makes this refuse). Run it in
    /// the write that opens the call.
    static func checkLocked(
        _ subject: String, hash: String, fallback: String?, now: Date,
        on tx: any Database
    ) async throws -> FourEyes.Refusal? {
        struct Revision: Decodable { let revision: Int }
        let version = try await FourEyesStore.version(subject, fallback: fallback, on: tx)
        let locked = try await tx.sql.raw(
            """
            UPDATE four_eyes_versions SET changed_at = changed_at WHERE subject = \(bind: subject)
            AND revision = \(bind: version.revision) RETURNING revision
            """
        ).first(decoding: Revision.self)
        guard locked != nil else { return .notApproved }
        return FourEyes.mayPublish(
            hash: hash, current: version,
            approvals: try await FourEyesStore.approvals(subject, on: tx), exempt: false)
    }

    /// The approval state shown on the office page.
    struct State: Sendable {
        var version: FourEyes.Version
        var hash: String
        var approvedBy: [String]
    }

    static func state(_ c: CallForInput, on db: any Database) async throws -> State {
        let subject = subject(c.id), hash = hash(c)
        let version = try await FourEyesStore.version(subject, fallback: try await lastEditor(c.id, on: db), on: db)
        let approvals = try await FourEyesStore.approvals(subject, on: db)
            .filter {
                $0.revision == version.revision && $0.hash == hash
                    && $0.approver.lowercased() != version.changedBy?.lowercased()
            }
        return State(version: version, hash: hash, approvedBy: approvals.map(\.approver))
    }

    /// The approval part of a call's office page: who must approve, who did, and the button.
    static func section(_ c: CallForInput, state: State, viewer: Account, csrf: String) -> HTML {
        let approved = !state.approvedBy.isEmpty
        let own = state.version.changedBy?.lowercased() == viewer.email.lowercased()
        let status: String =
            approved
            ? t("calls.approved", ["people": state.approvedBy.joined(separator: ", ")])
            : own ? t("calls.own-change") : t("calls.needs-approval")
        let button: HTML =
            approved || own
            ? .empty
            : """
            <form method="post" action="\(OfficeRoute.calls.path)" class="office-form">\(CSRF.field(csrf))
            <input type="hidden" name="id" value="\(c.id)"><input type="hidden" name="action" value="approve">
            <input type="hidden" name="revision" value="\(String(state.version.revision))">
            <input type="hidden" name="version" value="\(state.hash)">
            <p class="actions"><button type="submit">\(t("publications.approve"))</button></p></form>
            """
        return """
            <section id="call-approval"><h2>\(t("calls.second-approval"))</h2>\
            <p id="call-approval-status">\(status)</p>\(button)
            </section>
            """
    }
}

extension CallFourEyes {
    /// Saves a call: its text, deadline and whether it is on the public site. Returns what was refused, or nil.
    /// The public text of an open call is not changed in place; a call is opened only on its saved text, by
    /// someone other than its latest editor (approving it at that moment) or once a second person approved that
    /// exact version; the leak check runs on it again. The save, the new revision and the audit entry commit in
    /// one write.
    static func save(
        id: String, title: String, text: String, deadline: String, open: Bool, by actor: String,
        now: Date, cipher: FieldCipher, on db: any Database
    ) async throws -> String? {
        let subject = subject(id), hash = hash(title: title, text: text, deadline: deadline)
        return try await db.write { tx in
            let stored = try await CallStore.find(id, on: tx)
            let changed = stored.map { Self.hash($0) != hash } ?? true
            if open && changed {
                return stored?.open == true
                    ? t("calls.error.public") : t("calls.error.save-first")
            }
            var approvedNow = false
            if open && stored?.open != true {
                let leaks = try await CaseLeaks.find(in: [title, text], cipher: cipher, on: tx)
                if !leaks.isEmpty { return leakMessage(leaks.count) }
                let fallback = try await lastEditor(id, on: tx)
                if try await checkLocked(subject, hash: hash, fallback: fallback, now: now, on: tx) != nil {
                    // Not approved yet: the person opening it approves it now, if she did not write it.
                    let version = try await FourEyesStore.version(subject, fallback: fallback, on: tx)
                    if let refusal = try await FourEyesStore.approve(
                        subject, revision: version.revision, hash: hash,
                        by: actor, fallback: fallback, now: now, on: tx)
                    {
                        return refusal.description
                    }
                    approvedNow = true
                }
            }
            try await CallStore.save(
                id: id, title: title, text: text, deadline: deadline, open: open, by: actor,
                now: now, on: tx)
            if changed {
                try await FourEyesStore.recordChange(subject, hash: hash, by: actor, now: now, on: tx)
            }
            if approvedNow {
                try await AuditLog.record(
                    AuditEvent(
                        actor: actor, action: "call.approve", recordType: "call",
                        recordID: id, detail: "on opening"), now: now, on: tx)
            }
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "call.save", recordType: "call", recordID: id,
                    detail: open ? "public" : "not public"), now: now, on: tx)
            return nil
        }
    }

    /// `actor` approves the version of the call she read (`revision`, `version` from the page): refused when it
    /// changed since, when she made its latest change, or when it holds a confidential value of a case.
    static func approve(
        id: String, revision: Int, version: String, by actor: String, now: Date, cipher: FieldCipher,
        on db: any Database
    ) async throws -> String? {
        try await db.write { tx in
            guard let stored = try await CallStore.find(id, on: tx) else { return t("calls.error.none") }
            let hash = Self.hash(stored)
            guard version == hash else { return FourEyes.Refusal.changedSinceRead.description }
            let leaks = try await CaseLeaks.find(in: [stored.title, stored.text], cipher: cipher, on: tx)
            if !leaks.isEmpty { return leakMessage(leaks.count) }
            if let refusal = try await FourEyesStore.approve(
                subject(id), revision: revision, hash: hash, by: actor,
                fallback: try await lastEditor(id, on: tx), now: now, on: tx)
            {
                return refusal.description
            }
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "call.approve", recordType: "call",
                    recordID: id, detail: "revision \(revision)"), now: now, on: tx)
            return nil
        }
    }
}

extension CallsOfficeController {
    func approve(_ req: Request, id: String) async throws -> Response {
        let form = req.form, viewer = try req.account
        guard try await CallStore.find(id, on: req.db) != nil else {
            throw Abort(.notFound, reason: t("calls.error.none"))
        }
        if let refused = try await CallFourEyes.approve(
            id: id, revision: Int(form["revision"]) ?? -1,
            version: form["version"], by: viewer.email, now: req.site.clock.now(), cipher: req.site.cipher,
            on: req.db)
        {
            return try await CallPages.index(
                try await CallStore.all(on: req.db), error: refused, viewer: viewer,
                csrf: CSRF.token(for: req)
            ).encodeResponse(status: .unprocessableEntity, for: req)
        }
        return req.redirect(within: OfficeRoute.call(id: id).path + "?approved=1")
    }
}

/// The leak check for public texts that belong to no case (calls for input, campaigns): the confidential values of
/// every case (names of people not agreeing to be named, mission members, contacts, sources, lines of notes).
enum CaseLeaks {
    static func find(in texts: [String], cipher: FieldCipher, on db: any Database) async throws -> [String] {
        struct Row: Decodable { let id: String }
        let ids = try await db.sql.raw("SELECT id FROM cases ORDER BY id").all(decoding: Row.self)
        let publicText = texts.joined(separator: "\n")
        var found: [String] = []
        for row in ids {
            guard let file = try await CaseStore.find(row.id, cipher: cipher, on: db) else { continue }
            for value in file.redactor.leaks(in: publicText) where !found.contains(value) { found.append(value) }
        }
        return found
    }
}
