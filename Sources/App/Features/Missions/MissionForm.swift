import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// The mission form as typed, checked field by field; errors name the field they belong to.
struct MissionForm: Sendable {
    var kind = MissionKind.factFinding.rawValue, country = "", starts = "", ends = "", title = "", members = "",
        objectives = ""
    var logistics = "", securityPlan = "", findings = "", preliminary = "", report = ""

    init() {}

    init(_ m: Mission) {
        kind = m.kind.rawValue; country = m.countryName; starts = m.dates.starts.description;
        ends = m.dates.ends.description
        title = m.title.reveal(); members = m.members.reveal(); objectives = m.objectives.reveal()
        logistics = m.logistics.reveal(); securityPlan = m.securityPlan.reveal()
        findings = m.findings.reveal(); preliminary = m.preliminaryID ?? ""; report = m.reportID ?? ""
    }

    init(_ form: FormData) {
        func text(_ name: String) -> String {
            form.raw(name).replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        kind = form["kind"]; country = form["country"]; starts = form["starts"]; ends = form["ends"];
        title = form["title"]
        members = text("members"); objectives = text("objectives"); logistics = text("logistics");
        securityPlan = text("security")
        findings = text("findings"); preliminary = form["preliminary"]; report = form["report"]
    }

    /// The mission to store, or the errors by field. Linked publications must exist; the report must be a report.
    func mission(id: String, on db: any Database) async throws -> Result<Mission, MissionFormErrors> {
        var errors: [String: String] = [:]
        let kind = MissionKind(rawValue: kind)
        if kind == nil { errors["kind"] = t("missions.error.kind") }
        let country = CountryDirectory.shared.resolve(country)
        if country == nil {
            errors["country"] = t("missions.error.country", ["country": String(self.country.prefix(60))])
        }
        var dates: MissionDates? = nil
        switch MissionDates.check(starts: starts, ends: ends) {
        case .success(let d): dates = d
        case .failure(let problem):
            errors[problem == .notADate(field: "start") ? "starts" : "ends"] = problem.description
        }
        if title.isEmpty || title.count > 300 { errors["title"] = t("missions.error.title") }
        for (name, value) in [
            ("members", members), ("objectives", objectives), ("logistics", logistics), ("security", securityPlan),
            ("findings", findings)
        ]
        where value.count > 50_000 {
            errors[name] = t("missions.error.long")
        }
        struct TypeRow: Decodable { let type: String }
        for (name, id, mustBeReport) in [("preliminary", preliminary, false), ("report", report, true)]
        where !id.isEmpty {
            guard
                let row = try await db.sql.raw("SELECT type FROM publications WHERE id = \(bind: id)")
                    .first(decoding: TypeRow.self)
            else {
                // An id the list could not have offered: typed or forged into the request.
                errors[name] = LinkChange.Refusal.notChoosable(id).description
                continue
            }
            if mustBeReport && row.type != "report" {
                errors[name] = t("missions.error.not-report", ["id": id, "type": row.type])
            }
        }
        guard errors.isEmpty, let kind, let country, let dates else {
            return .failure(MissionFormErrors(fields: errors))
        }
        return .success(
            Mission(
                id: id, kind: kind, country: country.code, dates: dates, title: Confidential(title),
                members: Confidential(members), objectives: Confidential(objectives),
                logistics: Confidential(logistics), securityPlan: Confidential(securityPlan),
                findings: Confidential(findings),
                preliminaryID: preliminary.isEmpty ? nil : preliminary, reportID: report.isEmpty ? nil : report))
    }
}

struct MissionFormErrors: Error { let fields: [String: String] }
