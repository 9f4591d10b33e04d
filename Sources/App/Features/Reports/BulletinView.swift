import Foundation
import ObservatoryCore

/// The bulletin as a page of the site, as a stand-alone document (the command's output, the e-mail).
enum BulletinView {
    static func content(_ b: Bulletin, baseURL: String) -> HTML {
        let sections: [HTML] = b.grouped.sections.map { section in
            let countries: [HTML] = section.countries.map { country in
                let items: [HTML] = country.items.map { p in
                    let line = oneLine(p.summary)
                    return """
                        <li><a href="\(baseURL)\(SiteRoute.publication(id: p.id).path(in: p.lang))" \
                        hreflang="\(p.language)"><bdi>\(p.displayTitle)</bdi></a>\
                        \(p.reference.map { " <span class=\"reference\">(\($0))</span>" as HTML } ?? .empty)\
                        \(line.isEmpty ? .empty : " — \(line)" as HTML)</li>
                        """
                }
                return "<h3>\(country.name)</h3><ul>\(items.joined())</ul>"
            }
            return "<section><h2>\(section.region.label)</h2>\(countries.joined())</section>"
        }
        return """
            \(b.introduction.isEmpty ? .empty : "<div class=\"introduction\">\(Markdown.render(b.introduction))</div>" as HTML)
            <p>\(t("bulletin.intro", ["month": b.month.label]))</p>
            \(b.items.isEmpty ? "<p>\(t("bulletin.none"))</p>" as HTML : HTML(trusted: sections.map(\.rendered).joined(separator: "\n")))
            """
    }

    /// The first sentence of a summary, at most 200 characters.
    static func oneLine(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        let sentence = flat.range(of: ". ").map { String(flat[..<$0.lowerBound]) + "." } ?? flat
        return sentence.count > 200 ? String(sentence.prefix(199)) + "…" : sentence
    }

    static func document(_ b: Bulletin, baseURL: String) -> HTML {
        """
        <!DOCTYPE html>
        <html lang="\(b.language.rawValue)" dir="\(b.language.isRightToLeft ? "rtl" : "ltr")">
        <head><meta charset="utf-8"><title>\(t("bulletin.title", ["month": b.month.label]))</title>
        <style>body{font-family:sans-serif;max-width:42rem;margin:1rem auto;padding:0 \
        1rem;line-height:1.5}h2{border-bottom:1px solid #999}.reference{color:#555;font-size:.9em}</style>
        </head><body>
        <h1>\(t("bulletin.title", ["month": b.month.label]))</h1>
        \(content(b, baseURL: baseURL))
        </body></html>
        """
    }

    static func page(_ b: Bulletin) -> HTML {
        Layout(title: t("bulletin.title", ["month": b.month.label]), facts: nil).render(
            """
            <article class="bulletin" lang="\(b.language.rawValue)">
            <h1>\(t("bulletin.title", ["month": b.month.label]))</h1>
            \(content(b, baseURL: ""))
            </article>
            """)
    }

    static func archive(_ list: [(month: BulletinMonth, languages: [Language])]) -> HTML {
        let rows: [HTML] = list.map { entry in
            let links: [HTML] = entry.languages.map {
                let link = SiteRoute.bulletin(month: entry.month, language: $0).path
                return "<a href=\"\(link)\" hreflang=\"\($0.rawValue)\">\($0.endonym)</a>"
            }
            return "<li>\(entry.month.label): \(HTML(trusted: links.map(\.rendered).joined(separator: " · ")))</li>"
        }
        return Layout(title: t("bulletin.archive"), facts: nil).render(
            """
            <h1>\(t("bulletin.archive"))</h1>
            <ul class="bulletins" id="bulletins">\(rows.joined())</ul>
            <p><a href="\(SiteRoute.subscribe.path)">\(t("sub.link"))</a></p>
            """)
    }
}
