import Foundation
import ObservatoryCore

/// `/statistics`, and the office's same page unsuppressed: the filter form (GET, no script), the figures of the
/// years chosen, the series year by year since the first record, acts, perpetrators, outcomes, countries,
/// missions and assistance, each chart with its table, and the downloads.
enum StatisticsPage {
    /// Where links of a sheet go: the public page or the office's.
    struct Links {
        let page: (StatisticsFilter) -> String
        let download: ((ListExport.Format, StatisticsFilter) -> String)?
    }

    static func body<Cell>(_ s: StatisticsSheet<Cell>, links: Links, office: Bool) -> HTML {
        let number = Translations.current.number
        let f = s.filter
        func figure(_ m: StatisticsMeasure) -> String { StatisticsChart.text(s.range.figure(m)) }
        func counted(_ key: String, _ m: StatisticsMeasure) -> HTML {
            let value = s.range.figure(m)
            let n = value.exactValue ?? max(value.lowerBound, 3)
            return "<li id=\"stat-\(m.key)\">\(t(key, count: n, ["n": StatisticsChart.text(value)]))</li>"
        }
        let when: String =
            switch (f.from, f.to, s.years.first, s.years.last) {
            case (nil, nil, let a?, let b?): t("stats.years", ["from": String(a), "to": String(b)])
            case (let a?, let b?, _, _) where a == b: String(a)
            case (let a, let b, let first, let last):
                t("stats.years", ["from": String(a ?? first ?? 0), "to": String(b ?? last ?? 0)])
            }
        let place = f.country?.localName ?? f.region?.label ?? t("stats.everywhere")
        let missions = t("stats.count.missions", count: s.range.missions, ["n": number(s.range.missions)])
        let paid = t("stats.paid", ["amount": StatisticsChart.amount(s.range.paidAmount, currency: s.currency)])
        let headline: HTML = """
            <ul class="plain stats-headline" id="stats-headline">
            \(counted("stats.count.interventions", .interventions))\(counted("stats.count.follow-ups", .followUps))
            \(counted("stats.count.defenders", .defenders))\(counted("stats.count.organisations", .organisations))
            <li id="stat-countries">\(t("stats.count.countries", count: s.countries, ["n": number(s.countries)]))</li>
            <li id="stat-missions">\(missions)</li>
            \(counted("stats.count.grants", .grants))
            <li id="stat-paid">\(paid)</li>
            </ul>
            """
        func yearLink(_ y: Int) -> String { links.page(f.years(y, y)) }
        func series(_ m: StatisticsMeasure) -> HTML {
            let bars = s.years.map {
                StatisticsChart.Bar(
                    label: yearText($0), figure: s.year($0).figure(m),
                    link: yearLink($0))
            }
            let title = t("stats.series", ["what": m.label])
            let chart = StatisticsChart.columns(id: "svg-\(m.key)", title: title, bars: bars)
            let table = StatisticsChart.table(
                id: "table-\(m.key)", caption: title, heading: t("stats.year"), bars: bars)
            return """
                <figure class="stats-chart" id="chart-\(m.key)">\(chart)
                <figcaption>\(title)</figcaption>
                \(table)</figure>
                """
        }
        func categories(_ id: String, _ title: String, _ measures: [StatisticsMeasure], heading: String) -> HTML {
            let bars = measures.map { StatisticsChart.Bar(label: $0.label, figure: s.range.figure($0), link: nil) }
                .filter { $0.figure != .exact(0) }
            guard !bars.isEmpty else { return "<h3>\(title)</h3><p id=\"\(id)-none\">\(t("stats.none"))</p>" }
            return """
                <figure class="stats-chart" id="chart-\(id)"><figcaption><h3>\(title)</h3></figcaption>
                \(StatisticsChart.rows(id: "svg-\(id)", title: title, bars: bars))
                \(StatisticsChart.table(id: "table-\(id)", caption: title, heading: heading, bars: bars))</figure>
                """
        }
        let missionBars = s.years.map { y in
            StatisticsChart.Bar(label: yearText(y), figure: .exact(s.year(y).missions), link: yearLink(y))
        }
        let countryRows: [HTML] = s.byCountry.map { code, cell in
            let name = code.flatMap { CountryDirectory.shared.country(code: $0) }
            var other = f
            other.country = name; other.region = nil
            let label: HTML =
                name.map { "<a href=\"\(links.page(other))\">\($0.localName)</a>" }
                ?? "\(Region.international.label)"
            let cells: [HTML] = [StatisticsMeasure.interventions, .followUps, .defenders, .organisations].map {
                "<td class=\"n\">\(StatisticsChart.text(cell.figure($0)))</td>"
            }
            return "<tr><th scope=\"row\">\(label)</th>\(cells)</tr>"
        }
        let assistanceRows: [HTML] = s.years.map { y in
            let cell = s.year(y)
            return
                """
                <tr><th scope=\"row\">\(yearText(y))</th><td \
                class=\"n\">\(StatisticsChart.text(cell.figure(.grants)))</td>
                """
                    + "<td class=\"n\">\(StatisticsChart.amount(cell.paidAmount, currency: s.currency))</td></tr>"
        }
        let downloads: HTML = links.download.map { ListExport.links(csv: $0(.csv, f), json: $0(.json, f)) } ?? .empty
        guard !s.years.isEmpty else {
            return """
                \(form(s, links: links))<p id="stats-empty">\(t("stats.empty"))</p>
                """
        }
        let programme = f.programme.map { " · " + t("programme.\($0.rawValue)") } ?? ""
        let rule: HTML =
            office
            ? "<p id=\"stats-unsuppressed\">\(t("stats.office-note"))</p>"
            : "<p class=\"meta\" id=\"stats-rule\">\(t("stats.rule"))</p>"
        let acts = t("stats.count.acts", count: s.range.figure(.actsTotal).exactValue ?? 3, ["n": figure(.actsTotal)])
        let perpetrators = categories(
            "perpetrators", t("stats.perpetrators"), [.stateActs, .nonStateActs], heading: t("stats.perpetrator"))
        let outcomes = categories(
            "outcomes", t("stats.outcomes.closed", ["n": figure(.closed)]), Outcome.allCases.map { .outcome($0) },
            heading: t("stats.outcome"))
        let missionChart = StatisticsChart.columns(id: "svg-missions", title: t("stats.missions"), bars: missionBars)
        let missionTable = StatisticsChart.table(
            id: "table-missions", caption: t("stats.missions"), heading: t("stats.year"), bars: missionBars)
        return """
            \(form(s, links: links))
            <p class="meta" id="stats-scope">\(place) · \(when)\(programme)</p>
            \(rule)
            \(headline)
            <p>\(downloads)</p>
            <h2>\(t("stats.by-year"))</h2>
            \(series(.interventions))\(series(.followUps))\(series(.defenders))\(series(.organisations))
            <h2>\(t("stats.acts"))</h2>
            <p>\(acts)</p>
            \(categories("acts", t("stats.acts.by-type"), ActType.allCases.map { .act($0) }, heading: t("stats.act")))
            \(perpetrators)
            <h2>\(t("stats.outcomes"))</h2>
            \(outcomes)
            <h2>\(t("stats.countries"))</h2>
            <table id="table-countries" class="stats"><caption>\(t("stats.countries"))</caption><thead><tr>\
            <th scope="col">\(t("stats.country"))</th><th scope="col">\(StatisticsMeasure.interventions.label)</th>\
            <th scope="col">\(StatisticsMeasure.followUps.label)</th>\
            <th scope="col">\(StatisticsMeasure.defenders.label)</th>\
            <th scope="col">\(StatisticsMeasure.organisations.label)</th></tr></thead>\
            <tbody>\(countryRows)</tbody></table>
            <h2>\(t("stats.missions"))</h2>
            <figure class="stats-chart" id="chart-missions">\(missionChart)
            \(missionTable)</figure>
            <h2>\(t("stats.assistance"))</h2>
            <table id="table-assistance" class="stats"><caption>\(t("stats.assistance"))</caption><thead><tr>\
            <th scope="col">\(t("stats.year"))</th><th scope="col">\(StatisticsMeasure.grants.label)</th>\
            <th scope="col">\(t("stats.amount", ["currency": s.currency]))</th></tr></thead>\
            <tbody>\(assistanceRows)</tbody></table>
            <h2>\(t("stats.sources"))</h2>
            <p id="stats-sources">\(t("stats.sources.text")) \(t("stats.count.case-files", count: s.withCaseFile,
                                                          ["n": number(s.withCaseFile)]))</p>
            """
    }

    /// The filters as a plain GET form: years, country, region, programme.
    static func form<Cell>(_ s: StatisticsSheet<Cell>, links: Links) -> HTML {
        let f = s.filter
        let years = s.years.isEmpty ? [] : Array(s.years.reversed())
        func yearSelect(_ name: String, _ value: Int?) -> HTML {
            let options: [HTML] = years.map { y in
                "<option value=\"\(String(y))\"\(y == value ? " selected" as HTML : .empty)>\(yearText(y))</option>"
            }
            return """
                <label>\(t("stats.\(name)")) <select name="\(name)" id="stats-\(name)">\
                <option value="">\(t("stats.any"))</option>\
                \(options)</select></label>
                """
        }
        let countries: [HTML] = CountryDirectory.shared.all
            .sorted { $0.localName.localizedStandardCompare($1.localName) == .orderedAscending }
            .map { c in
                "<option value=\"\(c.slug)\"\(c == f.country ? " selected" as HTML : .empty)>\(c.localName)</option>"
            }
        let regions: [HTML] = Region.allCases.map { r in
            "<option value=\"\(r.rawValue)\"\(r == f.region ? " selected" as HTML : .empty)>\(r.label)</option>"
        }
        let programmes: [HTML] = Programme.allCases.map { p in
            "<option value=\"\(p.rawValue)\"\(p == f.programme ? " selected" as HTML : .empty)>\(t("programme.\(p.rawValue)"))</option>"
        }
        return """
            <form method="get" action="\(links.page(StatisticsFilter()))" class="stats-filter" id="stats-filter">
            \(yearSelect("from", f.from))\(yearSelect("to", f.to))
            <label>\(t("stats.country")) <select name="country" id="stats-country"><option \
            value="">\(t("stats.any"))</option>\(countries)</select></label>
            <label>\(t("stats.region")) <select name="region" id="stats-region"><option \
            value="">\(t("stats.any"))</option>\(regions)</select></label>
            <label>\(t("stats.programme")) <select name="programme" id="stats-programme"><option \
            value="">\(t("stats.any"))</option>\(programmes)</select></label>
            <button type="submit">\(t("stats.show"))</button></form>
            """
    }

    static func yearText(_ y: Int) -> String {
        Translations.current.language == .ar ? Translations.current.number(y) : String(y)
    }
}
