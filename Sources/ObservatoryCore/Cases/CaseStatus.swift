/// Where a case stands: received → under verification → verified → action launched → follow-up → closed.
public enum CaseStatus: String, CaseIterable, Sendable, Codable {
    case received
    case underVerification = "under-verification"
    case verified
    case actionLaunched = "action-launched"
    case followUp = "follow-up"
    case closed

    public var label: String {
        switch self {
        case .received: "Received"
        case .underVerification: "Under verification"
        case .verified: "Verified"
        case .actionLaunched: "Action launched"
        case .followUp: "Follow-up"
        case .closed: "Closed"
        }
    }

    /// The statuses a case officer may move a case to from this one. Closing needs an outcome
    /// (see `CaseTransition`); a closed case can be reopened for a follow-up when the situation changes.
    public var next: [CaseStatus] {
        switch self {
        case .received: [.underVerification, .verified, .closed]
        case .underVerification: [.verified, .received, .closed]
        case .verified: [.actionLaunched, .underVerification, .closed]
        case .actionLaunched: [.followUp, .closed]
        case .followUp: [.closed]
        case .closed: [.followUp]
        }
    }

    /// Whether the facts are verified enough for an intervention to be approved.
    public var allowsIntervention: Bool { [.verified, .actionLaunched, .followUp, .closed].contains(self) }
}

/// A requested change of status, checked against the state machine.
public enum CaseTransition {
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case notAllowed(from: CaseStatus, to: CaseStatus)
        case outcomeRequired
        case outcomeOnlyWhenClosing

        public var description: String {
            switch self {
            case .notAllowed(let from, let to): "A case cannot go from “\(from.label)” to “\(to.label)”."
            case .outcomeRequired: "Choose the outcome before closing the case."
            case .outcomeOnlyWhenClosing: "An outcome is given only when the case is closed."
            }
        }
    }

    /// The outcome to store when `from` may become `to`, or why not.
    public static func check(from: CaseStatus, to: CaseStatus, outcome: Outcome?) -> Result<Outcome?, Refusal> {
        guard from.next.contains(to) else { return .failure(.notAllowed(from: from, to: to)) }
        if to == .closed { return outcome.map { .success($0) } ?? .failure(.outcomeRequired) }
        return outcome == nil ? .success(nil) : .failure(.outcomeOnlyWhenClosing)
    }
}

/// How a case ended.
public enum Outcome: String, CaseIterable, Sendable, Codable {
    case released
    case releasedOnBail = "released-on-bail"
    case chargesDropped = "charges-dropped"
    case acquitted
    case convictionUpheld = "conviction-upheld"
    case sentenced
    case stillDetained = "still-detained"
    case killed, disappeared, relocated, other

    public var label: String {
        switch self {
        case .released: "Released"
        case .releasedOnBail: "Released on bail / provisional release"
        case .chargesDropped: "Charges dropped"
        case .acquitted: "Acquitted"
        case .convictionUpheld: "Conviction upheld"
        case .sentenced: "Sentenced"
        case .stillDetained: "Still detained"
        case .killed: "Killed"
        case .disappeared: "Disappeared"
        case .relocated: "Relocated"
        case .other: "Other"
        }
    }
}

/// How much danger the people at risk are in.
public enum RiskLevel: String, CaseIterable, Sendable, Codable {
    case low, medium, high, critical
    public var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
