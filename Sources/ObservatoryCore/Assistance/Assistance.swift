/// What material assistance pays for.
public enum AssistanceKind: String, CaseIterable, Sendable, Codable {
    case relocation
    case legalFees = "legal-fees"
    case medical
    case securityEquipment = "security-equipment"
    case organisationSupport = "organisation-support"
    case livingCosts = "living-costs"
    case other

    public var label: String {
        switch self {
        case .relocation: "Evacuation / relocation"
        case .legalFees: "Legal fees"
        case .medical: "Medical care"
        case .securityEquipment: "Security equipment"
        case .organisationSupport: "Support to an organisation whose means were destroyed"
        case .livingCosts: "Living costs"
        case .other: "Other"
        }
    }
}

/// Where a request for material assistance stands.
public enum AssistanceStatus: String, CaseIterable, Sendable, Codable {
    case requested, approved, rejected
    case paid  // payments reached the approved amount
    case reportReceived = "report-received"  // the beneficiary's report arrived: the grant is closed

    public var label: String {
        switch self {
        case .requested: "Requested"
        case .approved: "Approved"
        case .rejected: "Rejected"
        case .paid: "Paid"
        case .reportReceived: "Report received"
        }
    }
}

/// The rules of a grant: eligibility against the configured criteria and ceiling, two-person approval, payments
/// that never exceed the approved amount.
public enum AssistanceRules {
    /// How many different people must approve a grant.
    public static let approvalsNeeded = 2

    public struct Criterion: Sendable, Equatable {
        public let id: String, text: String
        public init(id: String, text: String) { self.id = id; self.text = text }
    }

    /// Why a request is not eligible, each reason a sentence; empty when it is.
    public static func eligibilityProblems(
        amount: Money, ceiling: Money, criteria: [Criterion], met: Set<String>
    ) -> [String] {
        var problems: [String] = []
        if amount.currency != ceiling.currency {
            problems.append("The amount must also be given in \(ceiling.currency), the currency of the ceiling.")
        } else if amount.minorUnits > ceiling.minorUnits {
            problems.append("\(amount.formatted) is above the ceiling of \(ceiling.formatted) a grant.")
        }
        problems += criteria.filter { !met.contains($0.id) }.map { "Criterion not met: \($0.text)" }
        return problems
    }

    public enum ApprovalRefusal: Error, Equatable, CustomStringConvertible {
        case notAwaitingApproval(AssistanceStatus), requesterCannotApprove, alreadyApproved, notEligible([String])

        public var description: String {
            switch self {
            case .notAwaitingApproval(let status):
                "This request is \(status.label.lowercased()): it cannot be approved."
            case .requesterCannotApprove: "The person who entered the request cannot approve it: two other people must."
            case .alreadyApproved:
                "You have already approved this request: another person must give the second approval."
            case .notEligible(let problems): "Not eligible. " + problems.joined(separator: " ")
            }
        }
    }

    /// Records one approval: `.success(true)` when it is the last one needed and the grant is approved.
    public static func approve(
        by approver: String, requester: String, status: AssistanceStatus, approvals: [String],
        eligibilityProblems: [String]
    ) -> Result<Bool, ApprovalRefusal> {
        guard status == .requested else { return .failure(.notAwaitingApproval(status)) }
        guard approver.lowercased() != requester.lowercased() else { return .failure(.requesterCannotApprove) }
        guard !approvals.contains(where: { $0.lowercased() == approver.lowercased() }) else {
            return .failure(.alreadyApproved)
        }
        guard eligibilityProblems.isEmpty else { return .failure(.notEligible(eligibilityProblems)) }
        return .success(Set(approvals.map { $0.lowercased() } + [approver.lowercased()]).count >= approvalsNeeded)
    }

    public enum PaymentRefusal: Error, Equatable, CustomStringConvertible {
        case notApproved(AssistanceStatus), aboveApproved(remaining: Money)

        public var description: String {
            switch self {
            case .notApproved(let status):
                "Only an approved grant can be paid; this one is \(status.label.lowercased())."
            case .aboveApproved(let remaining):
                "This payment is more than what remains to be paid (\(remaining.formatted))."
            }
        }
    }

    /// Checks a payment: `.success(true)` when it completes the grant.
    public static func pay(
        _ payment: Money, approved: Money, alreadyPaid: Int64, status: AssistanceStatus
    ) -> Result<Bool, PaymentRefusal> {
        guard status == .approved else { return .failure(.notApproved(status)) }
        let remaining = approved.minorUnits - alreadyPaid
        guard payment.currency == approved.currency, payment.minorUnits <= remaining else {
            return .failure(.aboveApproved(remaining: Money(minorUnits: remaining, currency: approved.currency)))
        }
        return .success(payment.minorUnits == remaining)
    }

    /// An amount in the grant's currency converted to the reference currency at the grant's own rate
    /// (`referenceAmount / amount`, as entered when requesting), rounded to the nearest unit.
    public static func inReference(_ minorUnits: Int64, amount: Int64, referenceAmount: Int64) -> Int64 {
        guard amount > 0 else { return 0 }
        let product = Double(minorUnits) * Double(referenceAmount) / Double(amount)
        return Int64(product.rounded())
    }
}
