import Foundation
import ObservatoryCore

/// A record offered in a choice list, shown by what people know it by (never only its internal id).
struct Choice: Sendable {
    let id: String, label: String, detail: String
}

/// Choosing records to link, without script: a GET search field that brings the page back with the matching
/// records as radio buttons or checkboxes, inside the form whose POST links them.
enum ChoiceList {
    /// The search form. `keep` are the query parameters the page needs besides the search (`edit=…`).
    static func search(
        action: String, param: String, query: String, label: String, anchor: String,
        keep: [(String, String)] = []
    ) -> HTML {
        let hidden: [HTML] = keep.map { "<input type=\"hidden\" name=\"\($0.0)\" value=\"\($0.1)\">" }
        return """
            <form method="get" action="\(action)#\(anchor)" class="office-form choice-search" role="search">\(hidden)
            <p class="field"><label for="\(param)">\(label)</label>
            <input id="\(param)" name="\(param)" type="search" \
            value="\(String(query.prefix(ChoiceSearch.maxQueryLength)))"
             maxlength="\(String(ChoiceSearch.maxQueryLength))"> \
            <button type="submit">\(t("nav.search"))</button></p></form>
            """
    }

    /// The choices as radio buttons (`multiple == false`) or checkboxes named `name`.
    static func options(
        _ choices: [Choice], name: String, multiple: Bool, legend: String, id: String,
        query: String, more: Bool, checked: Set<String> = [], disabled: Set<String> = [],
        error: String? = nil
    ) -> HTML {
        let type = multiple ? "checkbox" : "radio"
        let items: [HTML] = choices.map { c in
            let on: HTML = checked.contains(c.id) ? " checked" : .empty
            let off: HTML = disabled.contains(c.id) ? " disabled" : .empty
            let detail: HTML = c.detail.isEmpty ? .empty : " <small>\(c.detail)</small>"
            return """
                <li><label><input type="\(type)" name="\(name)" value="\(c.id)"\(on)\(off)>
                 <bdi>\(c.label)</bdi>\(detail)</label></li>
                """
        }
        let shown = String(query.prefix(ChoiceSearch.maxQueryLength))
        let none = query.isEmpty ? t("links.nothing-yet") : t("links.nothing-matches", ["query": shown])
        let list: HTML =
            items.isEmpty
            ? "<p id=\"\(id)\" class=\"meta\">\(none)</p>"
            : "<ul class=\"plain choices\" id=\"\(id)\">\(items)</ul>"
        let narrower: HTML =
            more
            ? "<p class=\"meta\">\(t("links.more"))</p>"
            : .empty
        let problem: HTML = error.map { "<strong class=\"error\" id=\"\(id)-error\">\($0)</strong>" } ?? .empty
        return "<fieldset><legend>\(legend)</legend>\(problem)\(list)\(narrower)</fieldset>"
    }
}
