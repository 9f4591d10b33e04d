import ObservatoryCore

/// The staff pages of missions.
enum MissionPages {
    static func row(_ m: Mission, today: CivilDate) -> HTML {
        "<tr><td><a href=\"\(OfficeRoute.mission(id: m.id).path)\">\(m.title.reveal())</a></td><td>\(m.kind.label)</td><td>\(m.countryName)</td><td>\(m.dates.starts.description) – \(m.dates.ends.description)</td><td>\(m.phase(today: today).label)\(m.reportID == nil ? "" : ", report linked")</td></tr>"
    }

    static func table(_ id: String, _ missions: [Mission], today: CivilDate) -> HTML {
        guard !missions.isEmpty else { return "<p id=\"\(id)\">None.</p>" }
        return """
        <table id="\(id)"><thead><tr><th>Mission</th><th>Kind</th><th>Country</th><th>Dates</th><th>Stage</th></tr></thead>
        <tbody>\(missions.map { row($0, today: today) }.joined())</tbody></table>
        """
    }

    static func fields(_ f: MissionForm, _ e: [String: String]) -> HTML {
        """
        \(FormView.errorSummary(e))
        \(EditorialPages.select("kind", label: "Kind", value: f.kind, options: MissionKind.allCases.map { ($0.rawValue, $0.label) }, error: e["kind"]))
        \(FormView.field("title", label: "Working title (internal)", value: f.title, error: e["title"]))
        \(FormView.field("country", label: "Country", value: f.country, error: e["country"], hint: "A name or ISO code."))
        \(FormView.field("starts", label: "First day", value: f.starts, type: "date", error: e["starts"]))
        \(FormView.field("ends", label: "Last day", value: f.ends, type: "date", error: e["ends"]))
        \(EditorialPages.textarea("members", label: "Members (internal)", value: f.members, rows: 3, error: e["members"]))
        \(EditorialPages.textarea("objectives", label: "Objectives", value: f.objectives, rows: 4, error: e["objectives"]))
        \(EditorialPages.textarea("logistics", label: "Logistics notes (confidential)", value: f.logistics, rows: 4, error: e["logistics"]))
        \(EditorialPages.textarea("security", label: "Security plan (confidential)", value: f.securityPlan, rows: 6, error: e["security"]))
        \(EditorialPages.textarea("findings", label: "Findings (internal)", value: f.findings, rows: 6, error: e["findings"]))
        \(FormView.field("preliminary", label: "Publication of preliminary findings (id, optional)", value: f.preliminary, error: e["preliminary"]))
        \(FormView.field("report", label: "Mission report (id of a publication of type report, optional)", value: f.report, error: e["report"],
                         hint: "Shown on the public page of mission reports once published; preliminary findings first."))
        """
    }

    static func index(_ missions: [Mission], today: CivilDate, form: MissionForm, errors: [String: String], viewer: Account, csrf: String) -> HTML {
        let upcoming = missions.filter { $0.phase(today: today) != .past }.sorted { $0.dates.starts < $1.dates.starts }
        let past = missions.filter { $0.phase(today: today) == .past }
        return OfficeLayout(title: "Missions", account: viewer, csrf: csrf).render("""
        <h1>Missions</h1>
        <h2>Upcoming and under way</h2>\(table("missions-upcoming", upcoming, today: today))
        <h2>Past</h2>\(table("missions-past", past, today: today))
        <h2>New mission</h2>
        <form method="post" action="\(OfficeRoute.missions.path)" class="office-form">\(CSRF.field(csrf))\(fields(form, errors))
        <p class="actions"><button type="submit">Create the mission</button></p></form>
        """)
    }

    static func show(_ m: Mission, caseLabels: [String: String], today: CivilDate, form: MissionForm, errors: [String: String],
                     viewer: Account, csrf: String, caseQuery: String = "",
                     caseChoices: (found: [Choice], more: Bool) = ([], false)) -> HTML {
        let concerned: [HTML] = m.concerned.map { c in
            "<li><a href=\"\(OfficeRoute.caseFile(id: c.caseID).path)\">\(caseLabels[c.caseID] ?? c.caseID)</a> — \(c.concern.reveal())</li>"
        }
        let caseErrors = errors.filter { ["case", "concern"].contains($0.key) }, missionErrors = errors.filter { !["case", "concern"].contains($0.key) }
        return OfficeLayout(title: m.title.reveal(), account: viewer, csrf: csrf).render("""
        <p><a href="\(OfficeRoute.missions.path)">Missions</a></p>
        <h1>\(m.title.reveal())</h1>
        <p class="meta">\(m.kind.label) · \(m.countryName) · \(m.dates.starts.description) – \(m.dates.ends.description) · \(m.phase(today: today).label)</p>
        <section aria-labelledby="concerned"><h2 id="concerned">Defenders and trials concerned</h2>
        \(concerned.isEmpty ? "<p>No case linked yet.</p>" as HTML : "<ul id=\"mission-cases\">\(concerned.joined())</ul>")
        \(ChoiceList.search(action: OfficeRoute.mission(id: m.id).path, param: "case_q", query: caseQuery,
                            label: "Find the case by a name, a reference code, its title or country",
                            anchor: "concerned"))
        <form method="post" action="\(OfficeRoute.missionCases(id: m.id).path)" class="office-form">\(CSRF.field(csrf))\(FormView.errorSummary(caseErrors))
        \(ChoiceList.options(caseChoices.found, name: "case", multiple: false, legend: "The case", id: "case-choices",
                             query: caseQuery, more: caseChoices.more, error: caseErrors["case"]))
        \(FormView.field("concern", label: "Defender or trial concerned (court, hearing date)", value: "", error: caseErrors["concern"]))
        <p class="actions"><button type="submit">Link the case</button></p></form></section>
        <section aria-labelledby="edit"><h2 id="edit">The mission</h2>
        <form method="post" action="\(OfficeRoute.mission(id: m.id).path)" class="office-form">\(CSRF.field(csrf))\(fields(form, missionErrors))
        <p class="actions"><button type="submit">Save</button></p></form></section>
        """)
    }
}
