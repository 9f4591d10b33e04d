import Foundation
import ObservatoryCore

/// The office page of portraits: the list with each one's standing, the portrait form (consent, photograph,
/// texts), its sponsors and the withdrawal of consent, and the series form.
enum PortraitOfficePages {
    static func standing(_ p: Portrait, today: CivilDate) -> String {
        switch p.standing(today: today) {
        case .noConsent: "no consent recorded"
        case .withdrawn: "consent withdrawn, off the public site"
        case .notPublished: "consent given on \(p.consentOn ?? ""), not public"
        case .public: "public"
        }
    }

    static func checkbox(_ checked: Bool) -> HTML {
        """
        <p class="field"><label><input type="checkbox" name="published" value="yes"\
        \(HTML(trusted: checked ? " checked" : ""))> On the public site</label></p>
        """
    }

    static func index(portraits: [Portrait], series: [PortraitSeries], editing p: Portrait?,
                      editingSeries s: PortraitSeries?, sponsors: [PortraitSponsor], chosenSponsor: String?,
                      cases: [(id: String, label: String)]?,
                      today: CivilDate, error: String?, csrf: String) -> HTML {
        let rows: [HTML] = portraits.map {
            "<li><a href=\"\(OfficeRoute.portraits.path)?edit=\($0.id)\">\($0.name)</a> — "
                + "\(standing($0, today: today))</li>" as HTML
        }
        let seriesRows: [HTML] = series.map {
            "<li><a href=\"\(OfficeRoute.portraits.path)?series=\($0.id)\">\($0.title)</a>"
                + "\($0.published ? "" : " (not public)")</li>" as HTML
        }
        return """
        <h1>Portraits</h1>
        \(error.map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
        <p><a href="\(OfficeRoute.sponsorOffers.path)">Offers to sponsor a defender (confidential)</a></p>
        <ul id="office-portraits">\(rows.joined())</ul>
        \(portraitForm(p, cases: cases, csrf: csrf))
        \(p.map { sponsorsSection($0, sponsors: sponsors, chosen: chosenSponsor, csrf: csrf) } ?? .empty)
        \(p.map { withdrawal($0, csrf: csrf) } ?? .empty)
        <h2>Series</h2>
        <ul id="office-portrait-series">\(seriesRows.joined())</ul>
        \(seriesForm(s, csrf: csrf))
        """
    }

    static func portraitForm(_ p: Portrait?, cases: [(id: String, label: String)]?, csrf: String) -> HTML {
        let texts: [HTML] = Language.allCases.map { l in
            EditorialPages.textarea("text_\(l.rawValue)", label: "Text in \(l.endonym) (Markdown; empty: the page "
                                    + "says it is not written in that language)", value: p?.texts[l] ?? "", rows: 6,
                                    error: nil)
        }
        let caseChoice: HTML = cases.map { (cases) -> HTML in
            let options: [HTML] = cases.map { (c) -> HTML in
                let chosen = p?.caseList.contains(c.id) == true
                return "<option value=\"\(c.id)\"\(HTML(trusted: chosen ? " selected" : ""))>\(c.label) "
                    + "(\(c.id))</option>" as HTML
            }
            return """
                <p class="field"><label for="cases">Cases (their published interventions only are shown)</label>
                <select id="cases" name="cases" multiple size="6">\(options.joined())</select></p>
                """
        } ?? "<p class=\"meta\">Cases linked: \(String(p?.caseList.count ?? 0)) (a case officer chooses them).</p>"
        return """
        <h2>\(p == nil ? "New portrait" : "Edit portrait")</h2>
        <form method="post" action="\(OfficeRoute.portraits.path)" enctype="multipart/form-data" class="office-form" \
        id="portrait-form">\(CSRF.field(csrf))
        \(FormView.field("id", label: "Address (/portraits/…)", value: p?.id ?? "",
                         attributes: p == nil ? "" : "readonly"))
        \(FormView.field("name", label: "Name the defender agreed to", value: p?.name ?? ""))
        \(FormView.field("consent_on", label: "Day the defender gave consent to be named", value: p?.consentOn ?? "",
                         type: "date", hint: "Empty: no consent recorded, and the portrait cannot go public."))
        \(FormView.field("photo", label: "Photograph (JPEG or PNG, 5 MB; its metadata is removed)", value: "",
                         type: "file"))
        \(texts.joined())
        \(FormView.field("publications", label: "Publications (addresses, separated by spaces)",
                         value: p?.publicationList.joined(separator: " ") ?? ""))
        \(caseChoice)
        \(checkbox(p?.published == true))
        <p class="actions"><button type="submit">Save the portrait</button></p></form>
        """
    }

    /// The sponsors of the portrait being edited, and one form: for the sponsor chosen (`?sponsor=`) or a new one.
    static func sponsorsSection(_ p: Portrait, sponsors: [PortraitSponsor], chosen: String?, csrf: String) -> HTML {
        let s = chosen.flatMap { id in sponsors.first { $0.id == id } }
        let items: [HTML] = sponsors.map {
            "<li><a href=\"\(OfficeRoute.portraits.path)?edit=\(p.id)&amp;sponsor=\($0.id)\">\($0.name)</a>"
                + "\($0.published ? "" : " (not public)")</li>" as HTML
        }
        return """
            <section id="portrait-sponsors-office"><h2>Sponsors</h2><ul id="office-sponsors">\(items.joined())</ul>
            <h3>\(s == nil ? "New sponsor" : "Edit sponsor")</h3>
            <form method="post" action="\(OfficeRoute.portraitSponsors(id: p.id).path)" \
            class="office-form sponsor-form">\
            \(CSRF.field(csrf))<input type="hidden" name="sponsor" value="\(s?.id ?? "")">
            \(FormView.field("sponsor_name", label: "Sponsor's name", value: s?.name ?? ""))
            \(FormView.field("sponsor_description", label: "Who they are", value: s?.description ?? ""))
            \(EditorialPages.textarea("statement", label: "Their statement", value: s?.statement ?? "", rows: 4,
                                      error: nil))
            \(checkbox(s?.published == true))
            <p class="actions"><button type="submit">\(s == nil ? "Add the sponsor" : "Save the sponsor")</button></p>
            </form></section>
            """
    }

    static func withdrawal(_ p: Portrait, csrf: String) -> HTML {
        guard p.withdrawnAt == nil else {
            return "<p class=\"notice\" id=\"portrait-withdrawn\">Consent withdrawn (recorded by "
                + "\(p.withdrawnBy ?? "")): the portrait is off the public site for good; the reason is in the "
                + "audit trail.</p>" as HTML
        }
        return """
        <section id="portrait-withdrawal"><h2>Withdraw consent</h2>
        <p>The portrait leaves every public page at once and its photograph is deleted.</p>
        <form method="post" action="\(OfficeRoute.portraitWithdraw(id: p.id).path)" class="office-form">\
        \(CSRF.field(csrf))
        \(FormView.field("reason", label: "Reason (kept in the audit trail)", value: ""))
        <p class="actions"><button type="submit">Withdraw consent and take the portrait down</button></p></form>
        </section>
        """
    }

    static func seriesForm(_ s: PortraitSeries?, csrf: String) -> HTML {
        """
        <h3>\(s == nil ? "New series" : "Edit series")</h3>
        <form method="post" action="\(OfficeRoute.portraitSeries.path)" class="office-form" id="series-form">\
        \(CSRF.field(csrf))
        \(FormView.field("series_id", label: "Address (/portraits/series/…)", value: s?.id ?? "",
                         attributes: s == nil ? "" : "readonly"))
        \(FormView.field("series_title", label: "Title", value: s?.title ?? ""))
        \(EditorialPages.textarea("series_text", label: "Text (Markdown)", value: s?.text ?? "", rows: 5,
                                  error: nil))
        \(EditorialPages.textarea("series_portraits", label: "Portraits, one address per line, in their order",
                                  value: s?.portraitList.joined(separator: "\n") ?? "", rows: 5, error: nil))
        \(checkbox(s?.published == true))
        <p class="actions"><button type="submit">Save the series</button></p></form>
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
        <p><a href="\(OfficeRoute.portraits.path)">Portraits</a></p>
        <h1>Offers to sponsor a defender</h1>
        <p>Confidential: who wrote and how to reach them are never shown on the public site.</p>
        <ol class="messages" id="sponsor-offers">\(items.joined())</ol>
        """
    }
}
