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
        if label.isEmpty || label.count > 300 {
            errors["label"] = "Give the case a working title of at most 300 characters."
        }
        if CountryDirectory.shared.resolve(country) == nil {
            errors["country"] = "Unknown country “\(country.prefix(60))”: use a name or an ISO code."
        }
        if RiskLevel(rawValue: risk) == nil { errors["risk"] = "Choose a risk level from the list." }
        if AtRiskKind(rawValue: kind) == nil { errors["kind"] = "Choose defender or organisation." }
        if !person.isEmpty && !consents && description.isEmpty {
            errors["description"] = "Describe how public texts may refer to them, since they do not agree to be named."
        }
        if notes.count > 100_000 { errors["notes"] = "Notes are limited to 100,000 characters." }
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
