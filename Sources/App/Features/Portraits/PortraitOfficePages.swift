import Foundation
import ObservatoryCore

/// The office page of portraits: the list with each one's standing, the portrait form (consent, photograph,
/// texts), its sponsors and the withdrawal of consent, and the series form.
enum PortraitOfficePages {
    static func standing(_ p: Portrait, today: CivilDate) -> String {
        switch p.standing(today: today) {
        case .noConsent: t("portraits.office.standing.no-consent")
        case .withdrawn: t("portraits.office.standing.withdrawn")
        case .notPublished: t("portraits.office.standing.not-public", ["date": p.consentOn ?? ""])
        case .public: t("portraits.office.standing.public")
        }
    }

    static func checkbox(_ checked: Bool) -> HTML {
        """
        <p class="field"><label><input type="checkbox" name="published" value="yes"\
        \(HTML(trusted: checked ? " checked" : ""))> \(t("portraits.office.on-public-site"))</label></p>
        """
    }

    static func index(
        portraits: [Portrait], series: [PortraitSeries], editing p: Portrait?,
        editingSeries s: PortraitSeries?, sponsors: [PortraitSponsor], chosenSponsor: String?,
        cases: [(id: String, label: String)]?,
        today: CivilDate, error: String?, csrf: String
    ) -> HTML {
        let rows: [HTML] = portraits.map {
            "<li><a href=\"\(OfficeRoute.portraits.path)?edit=\($0.id)\">\($0.name)</a> — "
                + "\(standing($0, today: today))</li>" as HTML
        }
        let seriesRows: [HTML] = series.map {
            "<li><a href=\"\(OfficeRoute.portraits.path)?series=\($0.id)\">\($0.title)</a>"
                + "\($0.published ? "" : " " + t("portraits.office.not-public"))</li>" as HTML
        }
        return """
            <h1>\(t("portraits.office.title"))</h1>
            \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
            <p><a href="\(OfficeRoute.sponsorOffers.path)">\(t("portraits.office.offers-link"))</a></p>
            <ul id="office-portraits">\(rows.joined())</ul>
            \(portraitForm(p, cases: cases, csrf: csrf))
            \(p.map { sponsorsSection($0, sponsors: sponsors, chosen: chosenSponsor, csrf: csrf) } ?? .empty)
            \(p.map { withdrawal($0, csrf: csrf) } ?? .empty)
            <h2>\(t("portraits.office.series"))</h2>
            <ul id="office-portrait-series">\(seriesRows.joined())</ul>
            \(seriesForm(s, csrf: csrf))
            """
    }

    static func portraitForm(_ p: Portrait?, cases: [(id: String, label: String)]?, csrf: String) -> HTML {
        let texts: [HTML] = Language.allCases.map { l in
            EditorialPages.textarea(
                "text_\(l.rawValue)", label: t("portraits.office.text", ["language": l.endonym]),
                value: p?.texts[l] ?? "", rows: 6,
                error: nil)
        }
        let caseChoice: HTML =
            cases.map { (cases) -> HTML in
                let options: [HTML] = cases.map { (c) -> HTML in
                    let chosen = p?.caseList.contains(c.id) == true
                    return "<option value=\"\(c.id)\"\(HTML(trusted: chosen ? " selected" : ""))>\(c.label) "
                        + "(\(c.id))</option>" as HTML
                }
                return """
                    <p class="field"><label for="cases">\(t("portraits.office.cases"))</label>
                    <select id="cases" name="cases" multiple size="6">\(options.joined())</select></p>
                    """
            } ?? "<p class=\"meta\">\(t("portraits.office.cases-linked", ["n": String(p?.caseList.count ?? 0)]))</p>"
        return """
            <h2>\(t(p == nil ? "portraits.office.new" : "portraits.office.edit"))</h2>
            <form method="post" action="\(OfficeRoute.portraits.path)" enctype="multipart/form-data" \
            class="office-form" \
            id="portrait-form">\(CSRF.field(csrf))
            \(FormView.field("id", label: t("portraits.office.address"), value: p?.id ?? "",
                         attributes: p == nil ? "" : "readonly"))
            \(FormView.field("name", label: t("portraits.office.name"), value: p?.name ?? ""))
            \(FormView.field("consent_on", label: t("portraits.office.consent-on"), value: p?.consentOn ?? "",
                         type: "date", hint: t("portraits.office.consent-hint")))
            \(FormView.field("photo", label: t("portraits.office.photo"), value: "",
                         type: "file"))
            \(texts.joined())
            \(FormView.field("publications", label: t("portraits.office.publications"),
                         value: p?.publicationList.joined(separator: " ") ?? ""))
            \(caseChoice)
            \(checkbox(p?.published == true))
            <p class="actions"><button type="submit">\(t("portraits.office.save"))</button></p></form>
            """
    }

    /// The sponsors of the portrait being edited, and one form: for the sponsor chosen (`?sponsor=`) or a new one.
    static func sponsorsSection(_ p: Portrait, sponsors: [PortraitSponsor], chosen: String?, csrf: String) -> HTML {
        let s = chosen.flatMap { id in sponsors.first { $0.id == id } }
        let items: [HTML] = sponsors.map {
            "<li><a href=\"\(OfficeRoute.portraits.path)?edit=\(p.id)&amp;sponsor=\($0.id)\">\($0.name)</a>"
                + "\($0.published ? "" : " " + t("portraits.office.not-public"))</li>" as HTML
        }
        return """
            <section id="portrait-sponsors-office"><h2>\(t("portraits.office.sponsors"))</h2>\
            <ul id="office-sponsors">\(items.joined())</ul>
            <h3>\(t(s == nil ? "portraits.office.sponsor.new" : "portraits.office.sponsor.edit"))</h3>
            <form method="post" action="\(OfficeRoute.portraitSponsors(id: p.id).path)" \
            class="office-form sponsor-form">\
            \(CSRF.field(csrf))<input type="hidden" name="sponsor" value="\(s?.id ?? "")">
            \(FormView.field("sponsor_name", label: t("portraits.office.sponsor.name"), value: s?.name ?? ""))
            \(FormView.field("sponsor_description", label: t("portraits.office.sponsor.who"),
                             value: s?.description ?? ""))
            \(EditorialPages.textarea("statement", label: t("portraits.office.sponsor.statement"),
                                      value: s?.statement ?? "", rows: 4,
                                      error: nil))
            \(checkbox(s?.published == true))
            <p class="actions"><button type="submit">\
            \(t(s == nil ? "portraits.office.sponsor.add" : "portraits.office.sponsor.save"))</button></p>
            </form></section>
            """
    }

    static func withdrawal(_ p: Portrait, csrf: String) -> HTML {
        guard p.withdrawnAt == nil else {
            return "<p class=\"notice\" id=\"portrait-withdrawn\">"
                + "\(t("portraits.office.withdrawn", ["person": p.withdrawnBy ?? ""]))</p>" as HTML
        }
        return """
            <section id="portrait-withdrawal"><h2>\(t("portraits.office.withdraw"))</h2>
            <p>\(t("portraits.office.withdraw.intro"))</p>
            <form method="post" action="\(OfficeRoute.portraitWithdraw(id: p.id).path)" class="office-form">\
            \(CSRF.field(csrf))
            \(FormView.field("reason", label: t("portraits.office.withdraw.reason"), value: ""))
            <p class="actions"><button type="submit">\(t("portraits.office.withdraw.button"))</button></p></form>
            </section>
            """
    }

    static func seriesForm(_ s: PortraitSeries?, csrf: String) -> HTML {
        """
        <h3>\(t(s == nil ? "portraits.office.series.new" : "portraits.office.series.edit"))</h3>
        <form method="post" action="\(OfficeRoute.portraitSeries.path)" class="office-form" id="series-form">\
        \(CSRF.field(csrf))
        \(FormView.field("series_id", label: t("portraits.office.series.address"), value: s?.id ?? "",
                         attributes: s == nil ? "" : "readonly"))
        \(FormView.field("series_title", label: t("portraits.office.series.title"), value: s?.title ?? ""))
        \(EditorialPages.textarea("series_text", label: t("portraits.office.series.text"), value: s?.text ?? "",
                                  rows: 5,
                                  error: nil))
        \(EditorialPages.textarea("series_portraits", label: t("portraits.office.series.portraits"),
                                  value: s?.portraitList.joined(separator: "\n") ?? "", rows: 5, error: nil))
        \(checkbox(s?.published == true))
        <p class="actions"><button type="submit">\(t("portraits.office.series.save"))</button></p></form>
        """
    }

    static func offers(_ offers: [SponsorOffer]) -> HTML {
        let items: [HTML] = offers.map { o in
            """
            <li><p class="meta">\(iso8601(seconds: o.createdAt)) · \(o.language) · \(o.name.reveal()) · \
            \(o.contact.reveal())</p><p class="message">\(o.message.reveal())</p></li>
            """
        }
        return """
            <p><a href="\(OfficeRoute.portraits.path)">\(t("portraits.office.title"))</a></p>
            <h1>\(t("portraits.office.offers"))</h1>
            <p>\(t("portraits.office.offers.intro"))</p>
            <ol class="messages" id="sponsor-offers">\(items.joined())</ol>
            """
    }
}
