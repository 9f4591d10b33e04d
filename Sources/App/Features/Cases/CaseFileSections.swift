import ObservatoryCore

/// The sections of the case file page, each with its table and the form that adds to it.
enum CaseFileSections {
    static func people(_ c: CaseFile, errors e: [String: String], csrf: String) -> HTML {
        let rows: [HTML] = c.people.map { p in
            """
            <tr><td>\(p.kind.label)</td><td>\(p.name.reveal())</td><td>\(p.consentsToBeNamed ? "Yes" : "No")</td><td>\(p.publicDescription)</td><td>\(p.contact.reveal())</td>
            <td><details><summary>Change</summary><form method="post" action="\(OfficeRoute.casePerson(id: c.id, person: p.id).path)">\(CSRF.field(csrf))
            <label><input type="checkbox" name="consents" value="yes"\(HTML(trusted: p.consentsToBeNamed ? " checked" : ""))> Agrees to be named</label>
            <label>Public description <input name="description" value="\(p.publicDescription)"></label>
            <label>Contact <input name="contact" value="\(p.contact.reveal())"></label>
            <button type="submit">Save</button></form></details></td></tr>
            """
        }
        return """
        <section aria-labelledby="people"><h2 id="people">At risk</h2>
        <table class="office"><thead><tr><th>Kind</th><th>Name</th><th>Named in public</th><th>Public description</th><th>Contact</th><th></th></tr></thead><tbody>\(rows.joined())</tbody></table>
        <details\(HTML(trusted: e["person"] != nil || e["description"] != nil ? " open" : ""))><summary>Add a person or organisation</summary>
        <form method="post" action="\(OfficeRoute.casePeople(id: c.id).path)" class="office-form">\(CSRF.field(csrf))
        \(EditorialPages.select("kind", label: "Kind", value: AtRiskKind.defender.rawValue, options: AtRiskKind.allCases.map { ($0.rawValue, $0.label) }, error: nil))
        \(FormView.field("person", label: "Name", value: "", error: e["person"]))
        <p class="field"><label><input type="checkbox" name="consents" value="yes"> Agrees to be named in public</label></p>
        \(FormView.field("description", label: "Public description when not named", value: "", error: e["description"]))
        \(FormView.field("contact", label: "Contact (confidential)", value: "", error: nil))
        <p class="actions"><button type="submit">Add</button></p></form></details>
        \(TranslationPages.people(c, errors: e, csrf: csrf))</section>
        """
    }

    static func acts(_ c: CaseFile, errors e: [String: String], csrf: String) -> HTML {
        let rows: [HTML] = c.acts.map { a in
            "<tr><td>\(a.type.label)</td><td>\(a.occurredOn ?? "")</td><td>\(a.place.reveal())</td><td>\(a.perpetrator.label) (\(a.perpetrator.isState ? "state" : "non-state"))\(a.perpetratorDetail.isEmpty ? "" : ": \(a.perpetratorDetail.reveal())")</td></tr>"
        }
        return """
        <section aria-labelledby="acts"><h2 id="acts">Acts</h2>
        <table class="office"><thead><tr><th>Act</th><th>Date</th><th>Place</th><th>Alleged perpetrator</th></tr></thead><tbody>\(rows.joined())</tbody></table>
        <details\(HTML(trusted: e["act"] != nil ? " open" : ""))><summary>Add an act</summary>
        <form method="post" action="\(OfficeRoute.caseActs(id: c.id).path)" class="office-form">\(CSRF.field(csrf))
        \(EditorialPages.select("type", label: "Act", value: "", options: ActType.allCases.map { ($0.rawValue, $0.label) }, error: e["act"]))
        \(FormView.field("date", label: "Date", value: "", type: "date", error: e["date"]))
        \(FormView.field("place", label: "Place", value: "", error: nil))
        \(EditorialPages.select("perpetrator", label: "Alleged perpetrator", value: "", options: PerpetratorType.allCases.map { ($0.rawValue, $0.label) }, error: nil))
        \(FormView.field("detail", label: "Perpetrator details", value: "", error: nil))
        <p class="actions"><button type="submit">Add</button></p></form></details></section>
        """
    }

    static func sources(_ c: CaseFile, errors e: [String: String], csrf: String) -> HTML {
        let rows: [HTML] = c.sources.map { s in "<tr><td>\(s.description.reveal())</td><td>\(s.contact.reveal())</td><td>\(CasePages.day(s.addedAt))</td></tr>" }
        return """
        <section aria-labelledby="sources"><h2 id="sources">Sources (never public)</h2>
        <table class="office"><thead><tr><th>Source</th><th>Contact</th><th>Added</th></tr></thead><tbody>\(rows.joined())</tbody></table>
        <details\(HTML(trusted: e["source"] != nil ? " open" : ""))><summary>Add a source</summary>
        <form method="post" action="\(OfficeRoute.caseSources(id: c.id).path)" class="office-form">\(CSRF.field(csrf))
        \(FormView.field("description", label: "Who or what", value: "", error: e["source"]))
        \(FormView.field("contact", label: "Contact", value: "", error: nil))
        <p class="actions"><button type="submit">Add</button></p></form></details></section>
        """
    }

    static func attachments(_ c: CaseFile, errors e: [String: String], csrf: String) -> HTML {
        let items: [HTML] = c.attachments.map { a in
            let size = t("count.bytes", count: a.size)
            return """
                <li><a href="\(OfficeRoute.caseAttachment(id: c.id, file: a.id).path)">\(a.filename.reveal())</a> \
                (\(a.contentType), \(size), \(CasePages.day(a.addedAt)), \(a.addedBy))</li>
                """
        }
        return """
        <section aria-labelledby="attachments"><h2 id="attachments">Attachments</h2><ul>\(items.joined())</ul>
        <form method="post" action="\(OfficeRoute.caseAttachments(id: c.id).path)" enctype="multipart/form-data" class="office-form">\(CSRF.field(csrf))
        <p class="field\(e["files"] != nil ? " invalid" : "")"><label for="files">Add files (PDF, JPEG, PNG or text; 5 MB each)</label><input id="files" name="files" type="file" multiple>
        \(e["files"].map { "<strong class=\"error\">\($0)</strong>" } ?? .empty)</p>
        <p class="actions"><button type="submit">Upload</button></p></form></section>
        """
    }

    static func messages(_ c: CaseFile, errors e: [String: String], csrf: String) -> HTML {
        guard c.origin == "report" else { return .empty }
        let items: [HTML] = c.messages.map { m in
            "<li class=\"\(m.fromReporter ? "from-reporter" : "from-office")\"><p class=\"meta\">\(m.fromReporter ? "Reporter" : m.author) · \(iso8601(seconds: m.at))</p><p class=\"message\">\(m.body.reveal())</p></li>"
        }
        return """
        <section aria-labelledby="messages"><h2 id="messages">Messages with the reporter</h2><ol class="messages">\(items.joined())</ol>
        <form method="post" action="\(OfficeRoute.caseMessages(id: c.id).path)" class="office-form">\(CSRF.field(csrf))
        \(EditorialPages.textarea("message", label: "Question to the reporter (they read it with their receipt code)", value: "", rows: 4, error: e["message"]))
        <p class="actions"><button type="submit">Send</button></p></form></section>
        """
    }

    static func verifications(_ c: CaseFile, organisations: [(id: String, name: String)], errors e: [String: String], csrf: String) -> HTML {
        let rows: [HTML] = c.verifications.map { v in
            """
            <tr><td><a href="\(OfficeRoute.organisation(id: v.organisationID).path)">\(v.organisationName)</a></td><td>\(CasePages.day(v.askedAt)) by \(v.askedBy)\(v.expiresAt.map { "; access until \(CasePages.day($0))" } ?? "")</td><td class="shared">\(v.shared.reveal())</td>
            <td class="answer">\(v.answer?.label ?? "Waiting")</td><td>\(v.note?.reveal() ?? "")</td><td>\(v.answeredBy.map { "\($0), \(CasePages.day(v.answeredAt ?? 0))" } ?? "")</td></tr>
            """
        }
        return """
        <section aria-labelledby="verifications"><h2 id="verifications">Verification with partners</h2>
        <table class="office" id="verification-table"><thead><tr><th>Organisation</th><th>Asked</th><th>What was shared</th><th>Answer</th><th>Note</th><th>Answered by</th></tr></thead><tbody>\(rows.joined())</tbody></table>
        <form method="post" action="\(OfficeRoute.caseVerifications(id: c.id).path)" class="office-form">\(CSRF.field(csrf))
        \(EditorialPages.select("organisation", label: "Ask the partner organisation", value: "", options: organisations.map { ($0.id, $0.name) }, error: e["organisation"]))
        \(EditorialPages.textarea("shared", label: "What they may read (only this is shown to them)", value: "", rows: 5, error: e["shared"]))
        \(EditorialPages.select("days", label: "Their access lasts", value: "14", options: [("7", "7 days"), ("14", "14 days"), ("30", "30 days"), ("90", "90 days")], error: nil))
        <p class="actions"><button type="submit">Ask to verify</button></p></form></section>
        """
    }

    static func interventions(_ c: CaseFile) -> HTML {
        let rows: [HTML] = c.interventions.map { i in
            let role = i.translationOf != nil ? "Translation" : (i.followUpOf != nil ? "Follow-up" : "Original")
            let kind = InterventionKind(rawValue: i.kind)?.englishLabel ?? i.kind
            return """
            <tr><td><a href="\(OfficeRoute.intervention(id: i.id).path)">\(role): \(kind)</a></td><td>\(i.language.uppercased())</td>
            <td>\(InterventionStatus(rawValue: i.status)?.label ?? i.status)</td><td>\(i.reference ?? "")</td><td>\(i.draftedBy)</td>
            <td>\(i.publicationId.map { "<a href=\"\(SiteRoute.publication(id: $0).path)\">public page</a>" as HTML } ?? .empty)</td></tr>
            """
        }
        let drafts: [HTML] = InterventionKind.allCases.map { k in
            "<a class=\"button\" href=\"\(OfficeRoute.newIntervention(caseID: c.id, query: "kind=\(k.rawValue)").path)\">Draft: \(k.englishLabel)</a>"
        }
        return """
        <section aria-labelledby="interventions"><h2 id="interventions">Interventions</h2>
        <table class="office" id="intervention-table"><thead><tr><th>Intervention</th><th>Language</th><th>Status</th><th>Reference</th><th>Drafted by</th><th></th></tr></thead><tbody>\(rows.joined())</tbody></table>
        \(TranslationPages.languages(c))
        <p>\(drafts.joined(separator: " "))</p></section>
        """
    }

    /// Missions concerning the case and the material assistance given for it.
    static func fieldWork(_ c: CaseFile) -> HTML {
        let missions: [HTML] = c.missions.map { "<li><a href=\"\(OfficeRoute.mission(id: $0.id).path)\">\($0.title.reveal())</a> (\($0.kind.label), \($0.dates.starts.description))</li>" }
        let grants: [HTML] = c.assistance.map { "<li><a href=\"\(OfficeRoute.assistanceRequest(id: $0.id).path)\">\($0.kind.label): \($0.amount.formatted)</a> — \($0.status.label)</li>" }
        return """
        <section aria-labelledby="field-work"><h2 id="field-work">Missions and material assistance</h2>
        \(missions.isEmpty ? .empty : "<ul id=\"case-missions\">\(missions.joined())</ul>" as HTML)
        \(grants.isEmpty ? .empty : "<ul id=\"case-assistance\">\(grants.joined())</ul>" as HTML)
        <p><a class="button" href="\(OfficeRoute.assistance.path)?case=\(c.id)#new">Request material assistance</a></p>
        <p><a href="\(OfficeRoute.caseCampaigns(id: c.id).path)" id="case-campaigns-link">Campaigns of the case</a></p>
        </section>
        """
    }
}
