import Foundation
import ObservatoryCore

extension BulletinView {
    /// The whole bulletin as plain text, for the text part of its e-mail: the introduction, then every item by region
    /// and country with its title, reference, date, one-line summary and absolute link, in the current language.
    static func text(_ b: Bulletin, baseURL: String) -> String {
        var lines = [t("bulletin.title", ["month": b.month.label]), ""]
        if !b.introduction.isEmpty { lines += [b.introduction.trimmingCharacters(in: .whitespacesAndNewlines), ""] }
        lines.append(t("bulletin.intro", ["month": b.month.label]))
        if b.items.isEmpty { return (lines + ["", t("bulletin.none")]).joined(separator: "\n") }
        for section in b.grouped.sections {
            let heading = section.region.label
            lines += ["", heading.uppercased(), String(repeating: "=", count: heading.count)]
            for country in section.countries {
                lines += ["", country.name, String(repeating: "-", count: country.name.count)]
                for p in country.items {
                    lines.append("")
                    lines.append("* " + p.displayTitle + (p.reference.map { " (\($0))" } ?? ""))
                    lines.append("  " + (p.date?.long ?? p.publishedOn))
                    let summary = oneLine(p.summary)
                    if !summary.isEmpty { lines.append("  " + summary) }
                    lines.append("  " + baseURL + SiteRoute.publication(id: p.id).path(in: p.lang))
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}
