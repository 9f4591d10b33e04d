import ObservatoryCore

/// The sections of the case file page, each with its table and the form that adds to it.
enum CaseFileSections {
    static func people(_ c: CaseFile, errors e: [String: String], csrf: String) -> HTML {
        let rows: [HTML] = c.people.map { p in
            """
            <tr><td>\(p.kind.localizedLabel)</td><td>\(p.name.reveal())</td>\
            <td>\(p.consentsToBeNamed ? t("casefile.yes") : t("casefile.no"))</td><td>\(p.publicDescription)</td>\
            <td>\(p.contact.reveal())</td>
            <td><details><summary>\(t("casefile.change"))</summary><form method="post" \
            action="\(OfficeRoute.casePerson(id: c.id, person: p.id).path)">\(CSRF.field(csrf))
            <label><input type="checkbox" name="consents" value="yes"\
            \(HTML(trusted: p.consentsToBeNamed ? " checked" : ""))> \
            \(t("casefile.agrees"))</label>
            <label>\(t("casefile.public-description")) <input name="description" value="\(p.publicDescription)"></label>
            <label>\(t("casefile.contact")) <input name="contact" value="\(p.contact.reveal())"></label>
            <button type="submit">\(t("users.save"))</button></form></details></td></tr>
            """
        }
        return """
            <section aria-labelledby="people"><h2 id="people">\(t("casefile.at-risk"))</h2>
            <table class="office"><thead><tr><th>\(t("casefile.kind"))</th><th>\(t("casefile.name"))</th>\
            <th>\(t("casefile.named"))</th><th>\(t("casefile.public-description"))</th>\
            <th>\(t("casefile.contact"))</th><th></th></tr></thead><tbody>\(rows.joined())</tbody></table>
            <details\(HTML(trusted: e["person"] != nil || e["description"] != nil ? " open" : ""))>\
            <summary>\(t("casefile.add-person"))</summary>
            <form method="post" action="\(OfficeRoute.casePeople(id: c.id).path)" \
            class="office-form">\(CSRF.field(csrf))
            \(EditorialPages.select("kind", label: t("casefile.kind"), value: AtRiskKind.defender.rawValue,
                                options: AtRiskKind.allCases.map { ($0.rawValue, $0.localizedLabel) }, error: nil))
            \(FormView.field("person", label: t("casefile.name"), value: "", error: e["person"]))
            <p class="field"><label><input type="checkbox" name="consents" value="yes"> \
            \(t("casefile.agrees-public"))</label></p>
            \(FormView.field("description", label: t("casefile.description-when"), value: "", error: e["description"]))
            \(FormView.field("contact", label: t("casefile.contact-confidential"), value: "", error: nil))
            <p class="actions"><button type="submit">\(t("casefile.add"))</button></p></form></details>
            \(TranslationPages.people(c, errors: e, csrf: csrf))</section>
            """
    }

    static func acts(_ c: CaseFile, errors e: [String: String], csrf: String) -> HTML {
        let rows: [HTML] = c.acts.map { a in
            let state = a.perpetrator.isState ? t("casefile.state") : t("casefile.non-state")
            let detail = a.perpetratorDetail.isEmpty ? "" : ": \(a.perpetratorDetail.reveal())"
            return """
                <tr><td>\(a.type.localizedLabel)</td><td>\(a.occurredOn ?? "")</td><td>\(a.place.reveal())</td>\
                <td>\(a.perpetrator.localizedLabel) (\(state))\(detail)</td></tr>
                """
        }
        return """
            <section aria-labelledby="acts"><h2 id="acts">\(t("casefile.acts"))</h2>
            <table class="office"><thead><tr><th>\(t("casefile.act"))</th><th>\(t("casefile.date"))</th>\
            <th>\(t("casefile.place"))</th><th>\(t("casefile.perpetrator"))</th></tr></thead>\
            <tbody>\(rows.joined())</tbody></table>
            <details\(HTML(trusted: e["act"] != nil ? " open" : ""))><summary>\(t("casefile.add-act"))</summary>
            <form method="post" action="\(OfficeRoute.caseActs(id: c.id).path)" class="office-form">\(CSRF.field(csrf))
            \(EditorialPages.select("type", label: t("casefile.act"), value: "",
                                options: ActType.allCases.map { ($0.rawValue, $0.localizedLabel) }, error: e["act"]))
            \(FormView.field("date", label: t("casefile.date"), value: "", type: "date", error: e["date"]))
            \(FormView.field("place", label: t("casefile.place"), value: "", error: nil))
            \(EditorialPages.select("perpetrator", label: t("casefile.perpetrator"), value: "",
                                options: PerpetratorType.allCases.map { ($0.rawValue, $0.localizedLabel) }, error: nil))
            \(FormView.field("detail", label: t("casefile.perpetrator-details"), value: "", error: nil))
            <p class="actions"><button type="submit">\(t("casefile.add"))</button></p></form></details></section>
            """
    }

    static func sources(_ c: CaseFile, errors e: [String: String], csrf: String) -> HTML {
        let rows: [HTML] = c.sources.map { s in
            "<tr><td>\(s.description.reveal())</td><td>\(s.contact.reveal())</td><td>\(CasePages.day(s.addedAt))</td></tr>"
        }
        return """
            <section aria-labelledby="sources"><h2 id="sources">\(t("casefile.sources"))</h2>
            <table class="office"><thead><tr><th>\(t("casefile.source"))</th><th>\(t("casefile.contact"))</th>\
            <th>\(t("casefile.added"))</th></tr></thead><tbody>\(rows.joined())</tbody></table>
            <details\(HTML(trusted: e["source"] != nil ? " open" : ""))><summary>\(t("casefile.add-source"))</summary>
            <form method="post" action="\(OfficeRoute.caseSources(id: c.id).path)" \
            class="office-form">\(CSRF.field(csrf))
            \(FormView.field("description", label: t("casefile.who-or-what"), value: "", error: e["source"]))
            \(FormView.field("contact", label: t("casefile.contact"), value: "", error: nil))
            <p class="actions"><button type="submit">\(t("casefile.add"))</button></p></form></details></section>
            """
    }

    static func attachments(_ c: CaseFile, errors e: [String: String], csrf: String) -> HTML {
        let items: [HTML] = c.attachments.map { a in
            let size = t("count.bytes", count: a.size)
            return """
                <li><a href="\(OfficeRoute.caseAttachment(id: c.id, file: a.id).path)">\(a.filename.reveal())</a> \
                (\(a.contentType), \(size), \(CasePages.day(a.addedAt)), \(a.addedBy)) \
                <a href="\(EvidenceRoute.record(case: c.id, file: a.id))">hash and custody</a></li>
                """
        }
        return """
            <section aria-labelledby="attachments"><h2 id="attachments">\(t("casefile.attachments"))</h2>\
            <ul>\(items.joined())</ul>
            <form method="post" action="\(OfficeRoute.caseAttachments(id: c.id).path)" enctype="multipart/form-data" \
            class="office-form">\(CSRF.field(csrf))
            <p class="field\(e["files"] != nil ? " invalid" : "")"><label \
            for="files">\(t("casefile.add-files"))</label>\
            <input id="files" name="files" type="file" multiple>
            \(e["files"].map { "<strong class=\"error\">\($0)</strong>" } ?? .empty)</p>
            <p class="actions"><button type="submit">\(t("casefile.upload"))</button></p></form></section>
            """
    }

    static func messages(_ c: CaseFile, errors e: [String: String], csrf: String) -> HTML {
        guard c.origin == "report" else { return .empty }
        let items: [HTML] = c.messages.map { m in
            """
            <li class="\(m.fromReporter ? "from-reporter" : "from-office")"><p class="meta">\
            \(m.fromReporter ? t("casefile.reporter") : m.author) · \(iso8601(seconds: m.at))</p>\
            <p class="message">\(m.body.reveal())</p></li>
            """
        }
        return """
            <section aria-labelledby="messages"><h2 id="messages">\(t("casefile.messages"))</h2>\
            <ol class="messages">\(items.joined())</ol>
            <form method="post" action="\(OfficeRoute.caseMessages(id: c.id).path)" \
            class="office-form">\(CSRF.field(csrf))
            \(EditorialPages.textarea("message", label: t("casefile.question"), value: "", rows: 4, error: e["message"]))
            <p class="actions"><button type="submit">\(t("casefile.send"))</button></p></form></section>
            """
    }

    static func verifications(
        _ c: CaseFile, organisations: [(id: String, name: String)], errors e: [String: String], csrf: String
    ) -> HTML {
        let rows: [HTML] = c.verifications.map { v in
            """
            <tr><td><a href="\(OfficeRoute.organisation(id: v.organisationID).path)">\(v.organisationName)</a></td>\
            <td>\(t("casefile.asked-by", ["date": CasePages.day(v.askedAt), "person": v.askedBy]))\
            \(v.expiresAt.map { t("casefile.access-until", ["date": CasePages.day($0)]) } ?? "")</td>\
            <td class="shared">\(v.shared.reveal())</td>
            <td class="answer">\(v.answer?.localizedLabel ?? t("casefile.waiting"))</td>\
            <td>\(v.note?.reveal() ?? "")</td>\
            <td>\(v.answeredBy.map { "\($0), \(CasePages.day(v.answeredAt ?? 0))" } ?? "")</td></tr>
            """
        }
        let words = Translations.current
        let days = [7, 14, 30, 90].map { (String($0), t("count.days", count: $0, ["n": words.number($0)])) }
        return """
            <section aria-labelledby="verifications"><h2 id="verifications">\(t("casefile.verifications"))</h2>
            <table class="office" id="verification-table"><thead><tr><th>\(t("office.account.organisation"))</th>\
            <th>\(t("casefile.asked"))</th><th>\(t("casefile.shared"))</th><th>\(t("casefile.answer"))</th>\
            <th>\(t("casefile.note"))</th><th>\(t("casefile.answered-by"))</th></tr></thead>\
            <tbody>\(rows.joined())</tbody></table>
            <form method="post" action="\(OfficeRoute.caseVerifications(id: c.id).path)" \
            class="office-form">\(CSRF.field(csrf))
            \(EditorialPages.select("organisation", label: t("casefile.ask-partner"), value: "",
                                options: organisations.map { ($0.id, $0.name) }, error: e["organisation"]))
            \(EditorialPages.textarea("shared", label: t("casefile.may-read"), value: "", rows: 5, error: e["shared"]))
            \(EditorialPages.select("days", label: t("casefile.access-lasts"), value: "14", options: days, error: nil))
            <p class="actions"><button type="submit">\(t("casefile.ask-verify"))</button></p></form></section>
            """
    }

    static func interventions(_ c: CaseFile) -> HTML {
        let rows: [HTML] = c.interventions.map { i in
            let role =
                i.translationOf != nil
                ? t("casefile.translation")
                : (i.followUpOf != nil ? t("casefile.follow-up") : t("casefile.original"))
            let kind = InterventionKind(rawValue: i.kind)?.label ?? i.kind
            let status = InterventionStatus(rawValue: i.status)?.localizedLabel ?? i.status
            let link: HTML =
                i.publicationId.map {
                    "<a href=\"\(SiteRoute.publication(id: $0).path)\">\(t("casefile.public-page"))</a>" as HTML
                } ?? .empty
            return """
                <tr><td><a href="\(OfficeRoute.intervention(id: i.id).path)">\(role): \(kind)</a></td>\
                <td>\(i.language.uppercased())</td>
                <td>\(status)</td><td>\(i.reference ?? "")</td><td>\(i.draftedBy)</td>
                <td>\(link)</td></tr>
                """
        }
        let drafts: [HTML] = InterventionKind.allCases.map { k in
            let path = OfficeRoute.newIntervention(caseID: c.id, query: "kind=\(k.rawValue)").path
            return "<a class=\"button\" href=\"\(path)\">\(t("casefile.draft", ["kind": k.label]))</a>"
        }
        return """
            <section aria-labelledby="interventions"><h2 id="interventions">\(t("casefile.interventions"))</h2>
            <table class="office" id="intervention-table"><thead><tr><th>\(t("casefile.intervention"))</th>\
            <th>\(t("office.language.title"))</th><th>\(t("cases.status"))</th><th>\(t("casefile.reference"))</th>\
            <th>\(t("casefile.drafted-by"))</th><th></th></tr></thead><tbody>\(rows.joined())</tbody></table>
            \(TranslationPages.languages(c))
            <p>\(drafts.joined(separator: " "))</p></section>
            """
    }

    /// Missions concerning the case and the material assistance given for it.
    static func fieldWork(_ c: CaseFile) -> HTML {
        let missions: [HTML] = c.missions.map {
            """
            <li><a href="\(OfficeRoute.mission(id: $0.id).path)">\($0.title.reveal())</a> \
            (\($0.kind.localizedLabel), \($0.dates.starts.description))</li>
            """
        }
        let grants: [HTML] = c.assistance.map {
            """
            <li><a href="\(OfficeRoute.assistanceRequest(id: $0.id).path)">\($0.kind.localizedLabel): \
            \($0.amount.formatted)</a> — \($0.status.localizedLabel)</li>
            """
        }
        return """
            <section aria-labelledby="field-work"><h2 id="field-work">\(t("cases.field"))</h2>
            \(missions.isEmpty ? .empty : "<ul id=\"case-missions\">\(missions.joined())</ul>" as HTML)
            \(grants.isEmpty ? .empty : "<ul id=\"case-assistance\">\(grants.joined())</ul>" as HTML)
            <p><a class="button" href="\(OfficeRoute.assistance.path)?case=\(c.id)#new">\
            \(t("casefile.request-assistance"))</a></p>
            <p><a href="\(OfficeRoute.caseCampaigns(id: c.id).path)" id="case-campaigns-link">\
            \(t("casefile.campaigns"))</a></p>
            </section>
            """
    }
}
