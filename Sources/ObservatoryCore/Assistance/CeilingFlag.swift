extension AssistanceRules {
    /// The flag a request above the ceiling carries from the moment it is entered, naming the amount as entered (and
    /// in the ceiling's currency when paid in another) and the ceiling; nil at or under the ceiling. The request is
    /// still stored: the flag warns, the approval refuses.
    public static func ceilingFlag(amount: Money, referenceAmount: Money, ceiling: Money) -> String? {
        guard referenceAmount.currency == ceiling.currency, referenceAmount.minorUnits > ceiling.minorUnits else {
            return nil
        }
        let asEntered =
            amount.currency == ceiling.currency
            ? amount.formatted
            : "\(amount.formatted) (\(referenceAmount.formatted))"
        let over = Money(minorUnits: referenceAmount.minorUnits - ceiling.minorUnits, currency: ceiling.currency)
        return "Above the ceiling: \(asEntered) requested, \(over.formatted) more than the ceiling of "
            + "\(ceiling.formatted) a grant."
    }
}
