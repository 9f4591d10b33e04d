import ObservatoryCore

/// The staff pages of missions.
enum MissionPages {
    static func row(_ m: Mission, today: CivilDate) -> HTML {
        let linked = m.reportID == nil ? "" : ", " + t("missions.report-linked")
        return """
            <tr><td><a href="\(OfficeRoute.mission(id: m.id).path)">\(m.title.reveal())</a></td>\
            <td>\(m.kind.localizedLabel)</td><td>\(m.countryName)</td>\
            <td>\(m.dates.starts.description) – \(m.dates.ends.description)</td>\
            <td>\(m.phase(today: today).localizedLabel)\(linked)</td></tr>
            """
    }

    static func table(_ id: String, _ missions: [Mission], today: CivilDate) -> HTML {
        guard !missions.isEmpty else { return "<p id=\"\(id)\">\(t("cases.none"))</p>" }
        return """
            <table id="\(id)"><thead><tr><th>\(t("missions.mission"))</th><th>\(t("casefile.kind"))</th>\
            <th>\(t("cases.country"))</th><th>\(t("missions.dates"))</th><th>\(t("missions.stage"))</th></tr></thead>
            <tbody>\(missions.map { row($0, today: today) }.joined())</tbody></table>
            """
    }

    static func fields(_ f: MissionForm, _ e: [String: String], choices: MissionPublicationChoices) -> HTML {
        let kinds = MissionKind.allCases.map { ($0.rawValue, $0.localizedLabel) }
        return """
            \(FormView.errorSummary(e))
            \(EditorialPages.select("kind", label: t("casefile.kind"), value: f.kind, options: kinds, error: e["kind"]))
            \(FormView.field("title", label: t("casefile.label"), value: f.title, error: e["title"]))
            \(FormView.field("country", label: t("cases.country"), value: f.country, error: e["country"],
                         hint: t("missions.country-hint")))
            \(FormView.field("starts", label: t("missions.first-day"), value: f.starts, type: "date", error: e["starts"]))
            \(FormView.field("ends", label: t("missions.last-day"), value: f.ends, type: "date", error: e["ends"]))
            \(EditorialPages.textarea("members", label: t("missions.members"), value: f.members, rows: 3,
                                  error: e["members"]))
            \(EditorialPages.textarea("objectives", label: t("missions.objectives"), value: f.objectives, rows: 4,
                                  error: e["objectives"]))
            \(EditorialPages.textarea("logistics", label: t("missions.logistics"), value: f.logistics, rows: 4,
                                  error: e["logistics"]))
            \(EditorialPages.textarea("security", label: t("missions.security"), value: f.securityPlan, rows: 6,
                                  error: e["security"]))
            \(EditorialPages.textarea("findings", label: t("missions.findings"), value: f.findings, rows: 6,
                                  error: e["findings"]))
            \(choices.fields(f, e))
            """
    }

    static func index(
        _ missions: [Mission], today: CivilDate, form: MissionForm, errors: [String: String],
        viewer: Account, csrf: String, choices: MissionPublicationChoices = .init()
    ) -> HTML {
        let upcoming = missions.filter { $0.phase(today: today) != .past }.sorted { $0.dates.starts < $1.dates.starts }
        let past = missions.filter { $0.phase(today: today) == .past }
        return OfficeLayout(title: t("office.nav.missions"), account: viewer, csrf: csrf, translated: true).render(
            """
            <h1>\(t("office.nav.missions"))</h1>
            <h2>\(t("missions.upcoming"))</h2>\(table("missions-upcoming", upcoming, today: today))
            <h2>\(t("missions.past"))</h2>\(table("missions-past", past, today: today))
            <h2 id="new-mission">\(t("missions.new"))</h2>
            \(choices.search(action: OfficeRoute.missions.path, anchor: "new-mission"))
            <form method="post" action="\(OfficeRoute.missions.path)" class="office-form">\(CSRF.field(csrf))\
            \(fields(form, errors, choices: choices))
            <p class="actions"><button type="submit">\(t("missions.create"))</button></p></form>
            """)
    }

    static func show(
        _ m: Mission, caseLabels: [String: String], today: CivilDate, form: MissionForm, errors: [String: String],
        viewer: Account, csrf: String, caseQuery: String = "",
        caseChoices: (found: [Choice], more: Bool) = ([], false),
        publicationChoices: MissionPublicationChoices = .init(), kitConflicts: [KitConflicts.Shown] = []
    ) -> HTML {
        let concerned: [HTML] = m.concerned.map { c in
            """
            <li><a href="\(OfficeRoute.caseFile(id: c.caseID).path)">\(caseLabels[c.caseID] ?? c.caseID)</a> — \
            \(c.concern.reveal())</li>
            """
        }
        let caseErrors = errors.filter { ["case", "concern"].contains($0.key) }
        let missionErrors = errors.filter { !["case", "concern", "days"].contains($0.key) }
        let noCase: HTML = "<p>\(t("missions.no-case"))</p>"
        return OfficeLayout(title: m.title.reveal(), account: viewer, csrf: csrf, translated: true).render(
            """
            <p><a href="\(OfficeRoute.missions.path)">\(t("office.nav.missions"))</a></p>
            <h1>\(m.title.reveal())</h1>
            <p class="meta">\(m.kind.localizedLabel) · \(m.countryName) · \(m.dates.starts.description) – \
            \(m.dates.ends.description) · \(m.phase(today: today).localizedLabel)</p>
            \(KitConflicts.section(kitConflicts, scope: .mission(m.id), csrf: csrf))
            <section aria-labelledby="concerned"><h2 id="concerned">\(t("missions.concerned"))</h2>
            \(concerned.isEmpty ? noCase : "<ul id=\"mission-cases\">\(concerned.joined())</ul>")
            \(ChoiceList.search(action: OfficeRoute.mission(id: m.id).path, param: "case_q", query: caseQuery,
                            label: t("missions.find-case"),
                            anchor: "concerned"))
            <form method="post" action="\(OfficeRoute.missionCases(id: m.id).path)" class="office-form">\
            \(CSRF.field(csrf))\(FormView.errorSummary(caseErrors))
            \(ChoiceList.options(caseChoices.found, name: "case", multiple: false, legend: t("missions.the-case"),
                             id: "case-choices", query: caseQuery, more: caseChoices.more, error: caseErrors["case"]))
            \(FormView.field("concern", label: t("missions.concern"), value: "", error: caseErrors["concern"]))
            <p class="actions"><button type="submit">\(t("missions.link-case"))</button></p></form></section>
            \(kitForm(m, csrf: csrf, error: errors["days"]))
            <section aria-labelledby="edit"><h2 id="edit">\(t("missions.the-mission"))</h2>
            \(publicationChoices.search(action: OfficeRoute.mission(id: m.id).path, anchor: "edit"))
            <form method="post" action="\(OfficeRoute.mission(id: m.id).path)" class="office-form">\(CSRF.field(csrf))\
            \(fields(form, missionErrors, choices: publicationChoices))
            <p class="actions"><button type="submit">\(t("users.save"))</button></p></form></section>
            """)
    }

    /// The button that makes the offline kit (issue 20).
    static func kitForm(_ m: Mission, csrf: String, error: String?) -> HTML {
        """
        <section aria-labelledby="kit"><h2 id="kit">\(t("missions.kit"))</h2><p>\(t("missions.kit-intro"))</p>
        <form method="post" action="\(OfficeRoute.missionKit(id: m.id).path)" class="office-form">\(CSRF.field(csrf))\
        \(FormView.field("days", label: t("missions.kit-days"), value: String(KitExport.defaultDays), type: "number",
                         error: error, attributes: "min=\"1\" max=\"\(KitExport.maxDays)\""))
        <p class="actions"><button type="submit">\(t("missions.kit-make"))</button></p></form></section>
        """
    }

    /// The kit just made: its passphrase, shown this once, and the link that downloads it once.
    static func kitMade(
        _ m: Mission, passphrase: String, made: KitExport.Made, download: String,
        viewer: Account, csrf: String
    ) -> HTML {
        let expiry = CivilDate(daysSinceEpoch: Int(made.expiresAt / 86_400)).description
        return OfficeLayout(title: t("missions.kit-made"), account: viewer, csrf: csrf, translated: true).render(
            """
            <p><a href="\(OfficeRoute.mission(id: m.id).path)">\(m.title.reveal())</a></p>
            <h1>\(t("missions.kit-made"))</h1>
            <p>\(t("missions.kit-passphrase"))</p>
            <p><code id="kit-passphrase" dir="ltr">\(passphrase)</code></p>
            <p>\(t("missions.kit-summary", ["cases": String(made.cases), "files": String(made.attachments),
                                         "bytes": String(made.file.count), "date": expiry]))</p>
            <p><a id="kit-download" href="\(download)" download>\(t("missions.kit-download"))</a></p>
            """)
    }
}
