import Foundation
import ObservatoryCore

/// The form a case officer fills to open a case.
struct CaseForm: Sendable {
    var label = "", country = "", risk = RiskLevel.medium.rawValue, notes = ""
    var person = "", kind = AtRiskKind.defender.rawValue, consents = false, description = "", contact = ""

    init() {}

    init(form: FormData) {
        label = form["label"]; country = form["country"]; risk = form["risk"]; notes = form.raw("notes")
        person = form["person"]; kind = form["kind"]; consents = form["consents"] == "yes";
        description = form["description"]
        contact = form["contact"]
    }

    var errors: [String: String] {
        var errors: [String: String] = [:]
        if label.isEmpty || label.count > 300 { errors["label"] = t("casefile.error.label") }
        if CountryDirectory.shared.resolve(country) == nil {
            errors["country"] = t("missions.error.country", ["country": String(country.prefix(60))])
        }
        if RiskLevel(rawValue: risk) == nil { errors["risk"] = t("newcase.error.risk") }
        if AtRiskKind(rawValue: kind) == nil { errors["kind"] = t("newcase.error.kind") }
        if !person.isEmpty && !consents && description.isEmpty {
            errors["description"] = t("casefile.error.description")
        }
        if notes.count > 100_000 { errors["notes"] = t("newcase.error.notes") }
        return errors
    }

    func validate() -> Result<NewCase, CaseFormInvalid> {
        guard errors.isEmpty, let country = CountryDirectory.shared.resolve(country) else {
            return .failure(CaseFormInvalid())
        }
        let person =
            self.person.isEmpty
            ? nil
            : NewPerson(
                kind: AtRiskKind(rawValue: kind) ?? .defender, name: self.person, consents: consents,
                description: description, contact: contact)
        return .success(
            NewCase(
                country: country.code, label: label, risk: RiskLevel(rawValue: risk) ?? .medium, origin: "office",
                notes: notes, person: person))
    }
}

struct CaseFormInvalid: Error {}
