import Foundation
import ObservatoryCore

/// What a reporter typed into `/report`, kept as typed to show again, and its validation.
struct ReportForm: Sendable {
    var person = "", consents = false, description = "", country = "", date = "", place = ""
    var account = "", relation = "", contact = ""

    init() {}

    init(form: FormData) {
        person = form["person"]; consents = form["consents"] == "yes"; description = form["description"]
        country = form["country"]; date = form["date"]; place = form["place"]
        account = form.raw("account").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(
            in: .whitespacesAndNewlines)
        relation = form["relation"]; contact = form["contact"]
    }

    static let limits = [
        "person": 300, "description": 300, "place": 300, "account": 20_000, "relation": 300, "contact": 500
    ]

    /// The problems, keyed by field, in the reader's language.
    func problems(fileCount: Int) -> [String: String] {
        var errors: [String: String] = [:]
        if person.isEmpty { errors["person"] = t("report.error.person") }
        if CountryDirectory.shared.country(code: country) == nil { errors["country"] = t("report.error.country") }
        if account.isEmpty { errors["account"] = t("report.error.account") }
        if !date.isEmpty && CivilDate(date) == nil { errors["date"] = t("report.error.date") }
        let values = [
            "person": person, "description": description, "place": place, "account": account, "relation": relation,
            "contact": contact
        ]
        for (field, limit) in Self.limits where values[field]!.count > limit {
            errors[field] = t("report.error.long", ["max": Translations.current.number(limit)])
        }
        for (field, value) in values where value.unicodeScalars.contains(where: { $0.value == 0 }) {
            errors[field] = t("report.error.long", ["max": "0"])
        }
        if fileCount > Upload.maxFiles { errors["files"] = t("report.error.files") }
        return errors
    }

    /// The case this report opens: the person at risk, what happened, the reporter as a source.
    func newCase(receiptHash: String, uploads: [Upload]) -> NewCase {
        let countryName = CountryDirectory.shared.country(code: country)?.name ?? country
        let act = NewAct(
            type: .other, occurredOn: CivilDate(date)?.description, place: place, perpetrator: .unidentified, detail: ""
        )
        return NewCase(
            country: country, label: "\(person) (\(countryName))", risk: .high, origin: "report", notes: "",
            receiptHash: receiptHash,
            person: NewPerson(kind: .defender, name: person, consents: consents, description: description, contact: ""),
            act: act,
            source: NewSource(
                description: "Reporter, through the public form" + (relation.isEmpty ? "" : ": " + relation),
                contact: contact),
            message: account, attachments: uploads)
    }
}
