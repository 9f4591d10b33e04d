import Foundation
import ObservatoryCore

/// The annual report as one HTML document: a cover, a table of contents with page numbers (in print), the
/// analysis, statistics, then every urgent intervention by region and country with its follow-ups. The print
/// stylesheet is what weasyprint paginates.
enum AnnualReportView {
    static let printStyle = """
        @page { size: A4; margin: 2cm 2cm 2.5cm; @bottom-center { content: counter(page); font-size: 9pt; color: #555 } }
        @page :first { @bottom-center { content: none } }
        body { font-family: "DejaVu Serif", Georgia, serif; font-size: 10.5pt; line-height: 1.45; max-width: 46rem; margin: 0 auto; padding: 0 1rem }
        .cover { text-align: center; padding-top: 8cm; page-break-after: always }
        .cover h1 { font-size: 28pt; margin-bottom: .5cm } .cover p { font-size: 14pt }
        nav.toc { page-break-after: always } nav.toc ol { list-style: none; padding-left: 0 } nav.toc ol ol { padding-left: 1.2em }
        nav.toc a { text-decoration: none; color: inherit }
        nav.toc a::after { content: leader('.') target-counter(attr(href), page) }
        section.region { page-break-before: always } h2 { border-bottom: 1px solid #999 }
        .reference { color: #555; font-size: .9em } li { margin-bottom: .3em } ul.follow-ups { font-size: .95em }
        table.stats td { padding: .2em 1em .2em 0 } table.stats td.n { text-align: right }
        @media screen { nav.toc a::after { content: none } }
        """

    static func slug(_ text: String) -> String {
        String(
            text.lowercased().unicodeScalars.map {
                CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "-"
            })
    }

    static func item(_ p: PublicationSummary, baseURL: String) -> HTML {
        """
        <a href="\(baseURL)\(SiteRoute.publication(id: p.id).path(in: p.lang))"><bdi>\(p.displayTitle)</bdi></a> \
        <span class="date">(\(p.date?.long ?? p.publishedOn))</span>\(p.reference.map { " <span class=\"reference\">\($0)</span>" as HTML } ?? .empty)
        """
    }

    static func document(_ r: AnnualReport, baseURL: String) -> HTML {
        let groups = r.grouped.sections
        let toc: [HTML] = groups.map { section in
            let countries: [HTML] = section.countries.map {
                "<li><a href=\"#c-\(slug($0.code ?? "intl"))\">\($0.name)</a></li>"
            }
            return
                "<li><a href=\"#r-\(section.region.rawValue)\">\(section.region.label)</a><ol>\(countries.joined())</ol></li>"
        }
        let regions: [HTML] = groups.map { section in
            let countries: [HTML] = section.countries.map { country in
                let entries: [HTML] = country.items.map { entry in
                    let followUps: [HTML] = entry.followUps.map { "<li>\(item($0, baseURL: baseURL))</li>" }
                    return
                        "<li>\(item(entry.original, baseURL: baseURL))\(followUps.isEmpty ? .empty : "<ul class=\"follow-ups\">\(followUps.joined())</ul>" as HTML)</li>"
                }
                return "<h3 id=\"c-\(slug(country.code ?? "intl"))\">\(country.name)</h3><ul>\(entries.joined())</ul>"
            }
            return
                "<section class=\"region\"><h2 id=\"r-\(section.region.rawValue)\">\(section.region.label)</h2>\(countries.joined())</section>"
        }
        let s = r.statistics, n = Translations.current.number
        var stats: [(String, Int)] = [
            (t("annual.interventions"), s.interventions), (t("annual.follow-ups"), s.followUps),
            (t("annual.countries"), s.countries), (t("annual.defenders"), s.defenders),
            (t("annual.organisations"), s.organisations)
        ]
        stats += s.outcomes.map { ("\(t("annual.outcomes")): \($0.0.label)", $0.1) }
        let rows: [HTML] = stats.map { "<tr><td>\($0.0)</td><td class=\"n\">\(n($0.1))</td></tr>" }
        let title = t("annual.title", ["year": String(r.year)])
        let assistance: [HTML] = s.assistance.lines.map {
            "<tr><td>\(t("assistance.kind.\($0.kind.rawValue)"))</td><td class=\"n\">\(n($0.grants))</td><td class=\"n\">\($0.paid.formatted)</td></tr>"
        }
        let assistanceTable: HTML =
            assistance.isEmpty
            ? .empty
            : """
            <h3>\(t("annual.assistance"))</h3><table class="stats" id="assistance-totals"><thead><tr><th>\(t("annual.assistance.kind"))</th>\
            <th>\(t("annual.assistance.grants"))</th><th>\(t("annual.assistance.amount"))</th></tr></thead><tbody>\(assistance.joined())</tbody></table>
            """
        return """
            <!DOCTYPE html>
            <html lang="\(r.language.rawValue)" dir="\(r.language.isRightToLeft ? "rtl" : "ltr")">
            <head><meta charset="utf-8"><title>\(title)</title><style>\(HTML(trusted: printStyle))</style></head>
            <body>
            <div class="cover"><h1>\(title)</h1><p>\(t("site.full-name"))</p></div>
            <nav class="toc"><h2>\(t("annual.contents"))</h2><ol>
            <li><a href="#analysis">\(t("annual.analysis"))</a></li><li><a href="#statistics">\(t("annual.statistics"))</a></li>
            <li><a href="#by-region">\(t("annual.by-region"))</a><ol>\(toc.joined())</ol></li></ol></nav>
            <section><h2 id="analysis">\(t("annual.analysis"))</h2>\(Markdown.render(r.analysis))</section>
            <section><h2 id="statistics">\(t("annual.statistics"))</h2><table class="stats">\(rows.joined())</table>\(assistanceTable)</section>
            <h2 id="by-region">\(t("annual.by-region"))</h2>
            \(HTML(trusted: regions.map(\.rendered).joined(separator: "\n")))
            </body></html>
            """
    }
}
