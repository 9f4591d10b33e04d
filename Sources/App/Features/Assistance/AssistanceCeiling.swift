import Foundation
import ObservatoryCore

/// The ceiling flag of material assistance, on the entry form (as typed) and on the request page (as stored, against
/// the ceiling in force today).
enum AssistanceCeiling {
    static func flag(_ text: String?, then: String = "") -> HTML {
        guard let text else { return .empty }
        return "<p class=\"notice error\" role=\"alert\" id=\"ceiling-flag\"><strong>\(text)</strong>\(then)</p>"
    }

    static func flag(_ r: AssistanceRequest, settings: AssistanceSettings) -> HTML {
        let text = AssistanceRules.ceilingFlag(
            amount: r.amount, referenceAmount: r.referenceAmount,
            ceiling: settings.ceiling)
        let then = " The request is saved; it cannot be approved above the ceiling."
        return flag(text, then: r.status == .requested ? then : "")
    }

    /// The flag for what is typed in the form, when the amount (and, in another currency, the reference) reads.
    static func flag(_ f: AssistanceForm, settings: AssistanceSettings) -> HTML {
        guard let code = Money.currency(f.currency), let amount = Money.parse(f.amount, currency: code),
            let reference = code == settings.currency ? amount : Money.parse(f.reference, currency: settings.currency)
        else { return .empty }
        return flag(
            AssistanceRules.ceilingFlag(amount: amount, referenceAmount: reference, ceiling: settings.ceiling),
            then: " It can be entered, but not approved above the ceiling.")
    }
}
