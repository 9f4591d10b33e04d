import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// What the public annual report holds, and nothing else: the analysis an editor published in one language, the
/// year's published urgent interventions with their follow-ups, and the year's figures as `/statistics` shows them
/// (`PublicCell`: small counts withheld). No field can hold a value of a case.
struct PublicAnnualReport: Sendable {
    let edition: AnnualReportEdition
    let entries: [AnnualReport.Entry]
    let figures: PublicCell
    let countries: Int
    let currency: String

    var year: Int { edition.year }
    var grouped: Grouped<AnnualReport.Entry> {
        Grouped(entries) { $0.original.countryCodes.split(separator: ",").first.map(String.init) }
    }

    /// The edition's report; nil when it has no analysis (a language without one is not published).
    static func build(_ edition: AnnualReportEdition, on db: any Database) async throws -> PublicAnnualReport? {
        guard !edition.analysis.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        let (_, entries) = try await AnnualReportStore.entries(edition.year, language: edition.language, on: db)
        let sheet = try await StatisticsController.publicSheet(
            StatisticsFilter(from: edition.year, to: edition.year),
            on: db)
        return PublicAnnualReport(
            edition: edition, entries: entries, figures: sheet.range, countries: sheet.countries,
            currency: sheet.currency)
    }
}

/// The public report's pages: the document weasyprint prints, the page of the site, the archive.
enum AnnualReportPublicView {
    static func amount(_ a: PublicAmount, currency: String) -> String {
        func money(_ n: Int64) -> String { Translations.current.money(Money(minorUnits: n, currency: currency)) }
        switch a {
        case .exact(let n): return money(n)
        case .withheld: return t("stats.withheld")
        case .atLeast(let n): return t("stats.at-least", ["n": money(n)])
        }
    }

    static func statistics(_ r: PublicAnnualReport) -> HTML {
        let f = r.figures
        func row(_ label: String, _ value: String) -> HTML {
            "<tr><td>\(label)</td><td class=\"n\">\(value)</td></tr>"
        }
        func measure(_ m: StatisticsMeasure) -> HTML { row(m.label, StatisticsChart.text(f.figure(m))) }
        var rows: [HTML] = [
            measure(.interventions), measure(.followUps),
            row(t("annual.countries"), Translations.current.number(r.countries)),
            measure(.defenders), measure(.organisations), measure(.closed)
        ]
        rows += Outcome.allCases.filter { f.figure(.outcome($0)) != .exact(0) }.map { measure(.outcome($0)) }
        rows += [measure(.grants), row(t("annual.assistance.amount"), amount(f.paidAmount, currency: r.currency))]
        return """
            <table class="stats" id="report-figures">\(rows.joined())</table>
            <p class="note">\(t("annual.public-figures"))</p>
            """
    }

    static func content(_ r: PublicAnnualReport, baseURL: String) -> HTML {
        AnnualReportView.content(
            year: r.year, analysis: Markdown.render(r.edition.analysis), grouped: r.grouped,
            statistics: statistics(r), baseURL: baseURL)
    }

    static func document(_ r: PublicAnnualReport, baseURL: String) -> HTML {
        AnnualReportView.document(
            year: r.year, language: r.edition.language,
            analysis: Markdown.render(r.edition.analysis), grouped: r.grouped,
            statistics: statistics(r), baseURL: baseURL)
    }

    static func languageLinks(_ year: Int, _ languages: [Language]) -> HTML {
        let links: [HTML] = languages.map {
            """
            <a href="\(SiteRoute.annualReport(year: year).path(in: $0))" lang="\($0.rawValue)" \
            hreflang="\($0.rawValue)">\($0.endonym)</a>
            """
        }
        return HTML(trusted: links.map(\.rendered).joined(separator: " · "))
    }

    static func page(_ r: PublicAnnualReport, languages: [Language]) -> HTML {
        let others = languages.filter { $0 != r.edition.language }
        let title = t("annual.title", ["year": String(r.year)])
        return Layout(
            title: title, facts: nil, canonical: SiteRoute.annualReport(year: r.year).path,
            description: t("annual.description", ["year": String(r.year)])
        ).render(
            """
            <article class="annual-report">
            <p class="actions"><a href="\(SiteRoute.annualReportPDF(year: r.year).path)" id="report-pdf" \
            type="application/pdf" download>\(t("annual.download"))</a>\
            \(others.isEmpty ? .empty : " · \(t("annual.other-languages")) \(languageLinks(r.year, others))" as HTML)\
            </p>
            \(content(r, baseURL: ""))
            <p><a href="\(SiteRoute.annualReports.path)">\(t("annual.archive"))</a></p>
            </article>
            """)
    }

    /// A language the year's report was not published in: said so, with the languages it was.
    static func absent(_ year: Int, languages: [Language]) -> HTML {
        let title = t("annual.title", ["year": String(year)])
        return Layout(title: title, facts: nil, canonical: SiteRoute.annualReport(year: year).path).render(
            """
            <h1>\(title)</h1>
            <p class="notice" id="not-in-language">\(t("annual.not-in-language",
            ["language": Translations.current.language.endonym]))</p>
            <p>\(t("annual.read-in")) \(languageLinks(year, languages))</p>
            <p><a href="\(SiteRoute.annualReports.path)">\(t("annual.archive"))</a></p>
            """)
    }

    static func archive(_ list: [(year: Int, languages: [Language])]) -> HTML {
        let rows: [HTML] = list.map { entry in
            let here = entry.languages.contains(Translations.current.language)
            let year = StatisticsPage.yearText(entry.year)
            let name = t("annual.title", ["year": year])
            let path = SiteRoute.annualReport(year: entry.year).path
            let title: HTML = here ? "<a href=\"\(path)\">\(name)</a>" : "\(name)"
            return "<li>\(title) — \(languageLinks(entry.year, entry.languages))</li>"
        }
        return Layout(title: t("annual.archive"), facts: nil, canonical: SiteRoute.annualReports.path).render(
            """
            <h1>\(t("annual.archive"))</h1>
            \(rows.isEmpty ? "<p>\(t("annual.archive.none"))</p>" as HTML
            : "<ul class=\"annual-reports\" id=\"annual-reports\">\(rows.joined())</ul>")
            """)
    }
}

/// `/reports/annual` (every published year), `/reports/annual/2025` and its PDF, in every language. The PDF is
/// the one stored when the edition was published: a public request never makes the server run weasyprint.
struct AnnualReportPublicController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.localizedGet(SiteRoute.Pattern.annualReports) { req in
            .publicPage(AnnualReportPublicView.archive(try await AnnualReportEditionStore.archive(on: req.db)))
        }
        routes.localizedGet(SiteRoute.Pattern.annualReport) { req in
            let year = try Self.year(req), language = Translations.current.language
            let editions = try await AnnualReportEditionStore.all(year, on: req.db)
            let languages = Language.allCases.filter { editions[$0]?.isPublished == true }
            guard !languages.isEmpty else {
                throw Abort(.notFound, reason: "No annual report for \(year) has been published.")
            }
            guard let edition = editions[language], edition.isPublished,
                let report = try await PublicAnnualReport.build(edition, on: req.db)
            else {
                return .publicPage(AnnualReportPublicView.absent(year, languages: languages))
            }
            return .publicPage(AnnualReportPublicView.page(report, languages: languages))
        }
        routes.localizedGet(SiteRoute.Pattern.annualReportPDF, negotiate: false) { req in
            let year = try Self.year(req), language = Translations.current.language
            guard let pdf = try await AnnualReportEditionStore.pdf(year, language, on: req.db) else {
                throw Abort(.notFound, reason: "The \(year) annual report is not published in \(language.endonym).")
            }
            let response = Response(status: .ok, body: .init(data: pdf))
            response.headers.replaceOrAdd(name: .contentType, value: "application/pdf")
            response.headers.replaceOrAdd(
                name: .contentDisposition,
                value: "attachment; filename=\"annual-report-\(year)-\(language.rawValue).pdf\"")
            return response
        }
    }

    static func year(_ req: Request) throws -> Int {
        guard let raw = req.parameters.get("year"), raw.count == 4, let year = Int(raw) else {
            throw Abort(.notFound, reason: "Annual reports are named by year, e.g. /reports/annual/2025.")
        }
        return year
    }
}
