import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// The publications a mission's preliminary findings and report are chosen from, found by title, reference code,
/// country or id (`LinkChoices.publications`): radio buttons inside the mission form, with "none" and the one linked
/// now. The report is chosen among reports only. An id the lists could not have offered (never stored, or not a
/// report for the report) is refused by `MissionForm` with `LinkChange`'s refusal, and nothing is stored.
struct MissionPublicationChoices: Sendable {
    var query = ""
    var preliminary: [Choice] = []
    var report: [Choice] = []
    var more = false

    /// The query parameter of the search field.
    static let param = "pub_q"

    static func load(query: String, chosen form: MissionForm, on db: any Database) async throws -> Self {
        let (found, more) = try await LinkChoices.publications(query: query, on: db)
        let current = try await LinkChoices.publications(
            ids: [form.preliminary, form.report].filter { !$0.isEmpty },
            on: db
        ).filter { $0.detail != "not found" }
        var all = current
        for choice in found where !all.contains(where: { $0.id == choice.id }) { all.append(choice) }
        let reports = try await reportIDs(current.map(\.id), on: db)
        var report = current.filter { reports.contains($0.id) }
        let (foundReports, moreReports) = try await Self.reports(query: query, on: db)
        for choice in foundReports where !report.contains(where: { $0.id == choice.id }) { report.append(choice) }
        return Self(query: query, preliminary: all, report: report, more: more || moreReports)
    }

    /// Reports found as `LinkChoices.publications` finds publications (the 5,000 newest searched).
    static func reports(query: String, on db: any Database) async throws -> (found: [Choice], more: Bool) {
        struct Row: Decodable {
            let id: String, title: String?, reference: String?, countryCodes: String
            let publishedOn: String, status: String
        }
        let rows = try await db.rows(
            """
            SELECT id, title, reference, country_codes, published_on, status FROM publications
            WHERE type = 'report' ORDER BY published_on DESC, id LIMIT 5000
            """, as: Row.self
        )
        func countries(_ r: Row) -> [String] {
            r.countryCodes.split(separator: ",").map {
                CountryDirectory.shared.country(code: String($0))?.name ?? String($0)
            }
        }
        let (found, more) = ChoiceSearch.filter(rows, query: query) { r in
            [r.title ?? "", r.reference ?? "", r.id, r.countryCodes] + countries(r)
        }
        return (
            found.map { r in
                let detail =
                    ([r.publishedOn] + countries(r) + [r.reference ?? "", r.status == "published" ? "" : r.status])
                    .filter { !$0.isEmpty }.joined(separator: " · ")
                return Choice(id: r.id, label: r.title.flatMap { $0.isEmpty ? nil : $0 } ?? r.id, detail: detail)
            }, more
        )
    }

    /// Which of `ids` are publications of type report.
    static func reportIDs(_ ids: [String], on db: any Database) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        struct Row: Decodable { let id: String }
        return Set(
            try await db.sql.raw(
                """
                SELECT id FROM publications WHERE type = 'report' AND id IN (\(binds: ids))
                """
            ).all(decoding: Row.self).map(\.id))
    }

    /// The search field (a GET form of its own: forms do not nest), to put before the mission form.
    func search(action: String, anchor: String) -> HTML {
        ChoiceList.search(
            action: action, param: Self.param, query: query, label: t("mission.find-publication"),
            anchor: anchor)
    }

    /// The two radio lists, inside the mission form.
    func fields(_ f: MissionForm, _ e: [String: String]) -> HTML {
        let none = Choice(id: "", label: t("mission.no-publication"), detail: "")
        return """
            \(ChoiceList.options([none] + preliminary, name: "preliminary", multiple: false,
                             legend: t("mission.preliminary-legend"), id: "preliminary-choices", query: query,
                             more: more, checked: [f.preliminary], error: e["preliminary"]))
            \(ChoiceList.options([none] + report, name: "report", multiple: false, legend: t("mission.report-legend"),
                             id: "report-choices", query: query, more: more, checked: [f.report],
                             error: e["report"]))
            <p class="hint">\(t("mission.report-hint"))</p>
            """
    }
}
