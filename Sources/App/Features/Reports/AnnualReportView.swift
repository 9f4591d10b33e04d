import Foundation
import ObservatoryCore

/// The annual report as one HTML document: a title and contents with page numbers (in print), the analysis,
/// statistics, then every urgent intervention by region and country with its follow-ups. The print stylesheet is
/// what weasyprint paginates. No page break is forced: a region moves to a new page only when it is short enough
/// to fit on one and would otherwise be split (`compact`); headings stay with what follows them. So no page is
/// left mostly blank.
enum AnnualReportView {
    static let printStyle = """
        @page { size: A4; margin: 2cm 2cm 2.5cm; @bottom-center { content: counter(page); font-size: 9pt; \
        color: #555 } }
        @page :first { @bottom-center { content: none } }
        body { font-family: "DejaVu Serif", Georgia, serif; font-size: 10.5pt; line-height: 1.45; max-width: 46rem;
          margin: 0 auto; padding: 0 1rem }
        .cover { text-align: center; padding-top: 2cm; margin-bottom: 1cm }
        .cover h1 { font-size: 26pt; margin-bottom: .3cm } .cover p { font-size: 13pt }
        nav.toc ol { list-style: none; padding-inline-start: 0 } nav.toc ol ol { padding-inline-start: 1.2em }
        nav.toc a { text-decoration: none; color: inherit }
        nav.toc a::after { content: leader('.') target-counter(attr(href), page) }
        h2, h3 { break-after: avoid; page-break-after: avoid } h2 { border-bottom: 1px solid #999 }
        section.region.compact { break-inside: avoid; page-break-inside: avoid }
        li, tr { break-inside: avoid; page-break-inside: avoid } table.stats { break-inside: avoid }
        .reference { color: #555; font-size: .9em } li { margin-bottom: .3em } ul.follow-ups { font-size: .95em }
        table.stats td { padding: .2em 1em .2em 0 } table.stats td.n { text-align: end }
        @media screen { nav.toc a::after { content: none } }
        """

    /// A region of at most this many lines (countries, interventions, follow-ups) is kept on one page: moving it
    /// leaves at most about a quarter of a page blank.
    static let compactLines = 12

    static func slug(_ text: String) -> String {
        String(
            text.lowercased().unicodeScalars.map {
                CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "-"
            })
    }

    static func item(_ p: PublicationSummary, baseURL: String) -> HTML {
        let reference: HTML = p.reference.map { " <span class=\"reference\">\($0)</span>" as HTML } ?? .empty
        return """
            <a href="\(baseURL)\(SiteRoute.publication(id: p.id).path(in: p.lang))"><bdi>\(p.displayTitle)</bdi></a> \
            <span class="date">(\(p.date?.long ?? p.publishedOn))</span>\(reference)
            """
    }

    /// The figures of the office's report: exact, from the case files.
    static func statistics(_ s: AnnualReport.Statistics) -> HTML {
        let n = Translations.current.number
        var stats: [(String, Int)] = [
            (t("annual.interventions"), s.interventions),
            (t("annual.follow-ups"), s.followUps), (t("annual.countries"), s.countries),
            (t("annual.defenders"), s.defenders),
            (t("annual.organisations"), s.organisations)
        ]
        stats += s.outcomes.map { ("\(t("annual.outcomes")): \($0.0.label)", $0.1) }
        let rows: [HTML] = stats.map { "<tr><td>\($0.0)</td><td class=\"n\">\(n($0.1))</td></tr>" }
        let assistance: [(kind: String, grants: String, amount: String)] = s.assistance.lines.map {
            (t("assistance.kind.\($0.kind.rawValue)"), n($0.grants), Translations.current.money($0.paid))
        }
        return "<table class=\"stats\">\(rows.joined())</table>\(assistanceTable(assistance))"
    }

    static func assistanceTable(_ lines: [(kind: String, grants: String, amount: String)]) -> HTML {
        guard !lines.isEmpty else { return .empty }
        let rows: [HTML] = lines.map {
            "<tr><td>\($0.kind)</td><td class=\"n\">\($0.grants)</td><td class=\"n\">\($0.amount)</td></tr>"
        }
        return """
            <h3>\(t("annual.assistance"))</h3><table class="stats" id="assistance-totals"><thead><tr>\
            <th>\(t("annual.assistance.kind"))</th><th>\(t("annual.assistance.grants"))</th>\
            <th>\(t("annual.assistance.amount"))</th></tr></thead><tbody>\(rows.joined())</tbody></table>
            """
    }

    static func document(_ r: AnnualReport, baseURL: String) -> HTML {
        document(
            year: r.year, language: r.language, analysis: Markdown.render(r.analysis), grouped: r.grouped,
            statistics: statistics(r.statistics), baseURL: baseURL)
    }

    static func document(
        year: Int, language: Language, analysis: HTML, grouped: Grouped<AnnualReport.Entry>,
        statistics: HTML, baseURL: String
    ) -> HTML {
        let title = t("annual.title", ["year": String(year)])
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)" dir="\(language.isRightToLeft ? "rtl" : "ltr")">
            <head><meta charset="utf-8"><title>\(title)</title><style>\(HTML(trusted: printStyle))</style></head>
            <body>
            \(content(year: year, analysis: analysis, grouped: grouped, statistics: statistics, baseURL: baseURL))
            </body></html>
            """
    }

    /// The report without its page around it: what the PDF and the public page show.
    static func content(
        year: Int, analysis: HTML, grouped: Grouped<AnnualReport.Entry>, statistics: HTML,
        baseURL: String
    ) -> HTML {
        let groups = grouped.sections
        let toc: [HTML] = groups.map { section in
            let countries: [HTML] = section.countries.map {
                "<li><a href=\"#c-\(slug($0.code ?? "intl"))\">\($0.name)</a></li>"
            }
            return """
                <li><a href="#r-\(section.region.rawValue)">\(section.region.label)</a>\
                <ol>\(countries.joined())</ol></li>
                """
        }
        let regions: [HTML] = groups.map { section in
            var lines = 1
            let countries: [HTML] = section.countries.map { country in
                let entries: [HTML] = country.items.map { entry in
                    lines += 1 + entry.followUps.count
                    let followUps: [HTML] = entry.followUps.map { "<li>\(item($0, baseURL: baseURL))</li>" }
                    let list: HTML =
                        followUps.isEmpty
                        ? .empty
                        : "<ul class=\"follow-ups\">\(followUps.joined())</ul>"
                    return "<li>\(item(entry.original, baseURL: baseURL))\(list)</li>"
                }
                lines += 1
                return "<h3 id=\"c-\(slug(country.code ?? "intl"))\">\(country.name)</h3><ul>\(entries.joined())</ul>"
            }
            let compact = lines <= compactLines ? " compact" : ""
            return """
                <section class="region\(compact)"><h2 id="r-\(section.region.rawValue)">\(section.region.label)</h2>\
                \(countries.joined())</section>
                """
        }
        return """
            <div class="cover"><h1>\(t("annual.title", ["year": String(year)]))</h1><p>\(t("site.full-name"))</p></div>
            <nav class="toc"><h2>\(t("annual.contents"))</h2><ol>
            <li><a href="#analysis">\(t("annual.analysis"))</a></li>
            <li><a href="#statistics">\(t("annual.statistics"))</a></li>
            <li><a href="#by-region">\(t("annual.by-region"))</a><ol>\(toc.joined())</ol></li></ol></nav>
            <section><h2 id="analysis">\(t("annual.analysis"))</h2>\(analysis)</section>
            <section><h2 id="statistics">\(t("annual.statistics"))</h2>\(statistics)</section>
            <h2 id="by-region">\(t("annual.by-region"))</h2>
            \(HTML(trusted: regions.map(\.rendered).joined(separator: "\n")))
            """
    }
}
