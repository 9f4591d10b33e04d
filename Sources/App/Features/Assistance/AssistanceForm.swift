import Foundation
import ObservatoryCore

/// The new-request form as typed; `request` checks it against the case (the beneficiary must be one of its people)
/// and names every wrong field.
struct AssistanceForm: Sendable {
    var caseID = "", beneficiary = "", kind = AssistanceKind.relocation.rawValue, currency = "", amount = "",
        reference = "", purpose = ""
    var criteria: Set<String> = []

    init(caseID: String = "", currency: String = "") { self.caseID = caseID; self.currency = currency }

    init(_ form: FormData) {
        caseID = form["case"]; beneficiary = form["beneficiary"]; kind = form["kind"]; currency = form["currency"]
        amount = form["amount"]; reference = form["reference"]
        purpose = form.raw("purpose").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(
            in: .whitespacesAndNewlines)
        criteria = Set(form.values("criterion"))
    }

    func request(
        in file: CaseFile?, settings: AssistanceSettings, by actor: String
    ) -> Result<AssistanceRequest, AssistanceFormErrors> {
        var e: [String: String] = [:]
        guard let file else {
            return .failure(AssistanceFormErrors(fields: ["case": "There is no case “\(caseID.prefix(60))”."]))
        }
        if !file.people.contains(where: { $0.id == beneficiary }) {
            e["beneficiary"] = "Choose the person or organisation of the case who receives the grant."
        }
        let kind = AssistanceKind(rawValue: kind)
        if kind == nil { e["kind"] = "Choose the kind of assistance." }
        let code = Money.currency(currency)
        if code == nil { e["currency"] = "Give the currency as its three-letter code, e.g. EUR, USD, KES." }
        let money = code.flatMap { Money.parse(amount, currency: $0) }
        if code != nil && money == nil {
            e["amount"] = "Give the amount as a number above zero, e.g. 1250 or 1 250,50."
        }
        var inReference = money
        if let code, code != settings.currency {
            inReference = Money.parse(reference, currency: settings.currency)
            if inReference == nil {
                e["reference"] =
                    "Give the same amount in \(settings.currency), the currency of the ceiling and of the totals."
            }
        }
        if purpose.isEmpty || purpose.count > 20_000 {
            e["purpose"] = "Say what the grant is for (at most 20,000 characters)."
        }
        let known = Set(settings.criteria.map(\.id))
        guard e.isEmpty, let kind, let money, let inReference else { return .failure(AssistanceFormErrors(fields: e)) }
        return .success(
            AssistanceRequest(
                id: RandomID.make("grant"), caseID: file.id, beneficiaryID: beneficiary, kind: kind, amount: money,
                referenceAmount: Money(minorUnits: inReference.minorUnits, currency: settings.currency),
                purpose: Confidential(purpose),
                criteriaMet: criteria.intersection(known), status: .requested, requestedBy: actor, requestedAt: 0))
    }
}

struct AssistanceFormErrors: Error { let fields: [String: String] }
