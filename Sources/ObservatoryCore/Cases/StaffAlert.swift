/// What a case officer can be alerted to by e-mail. An alert never says more than the event's fixed sentence, the
/// case's number and a link to the office page.
public enum AlertEvent: String, CaseIterable, Sendable, Codable {
    case reportNew = "report.new"
    case reportAdded = "report.added"
    case verificationAnswered = "verification.answered"
    case verificationExpired = "verification.expired"
    case interventionApproval = "intervention.approval"
    case assistanceOverdue = "assistance.overdue"
}

/// How an alert reaches one person.
public enum AlertDelivery: String, Sendable, Equatable {
    case now
    case digest
}

/// One person's choices: which events, at once or as a daily digest, and whether they are on call (set by an
/// administrator). Someone who never chose receives every event at once.
public struct AlertPreferences: Sendable, Equatable {
    public var events: Set<AlertEvent>
    public var delivery: AlertDelivery
    public var onCall: Bool

    public init(
        events: Set<AlertEvent> = Set(AlertEvent.allCases), delivery: AlertDelivery = .now,
        onCall: Bool = false
    ) {
        self.events = events
        self.delivery = delivery
        self.onCall = onCall
    }

    /// Whether and how this event reaches the person: the arrival of a new report goes at once to whoever is on
    /// call, whatever they chose; otherwise only the chosen events, in the chosen way. Only case officers (the
    /// people with access to cases) ever receive one, and never a disabled account.
    public func delivery(of event: AlertEvent, isCaseOfficer: Bool, disabled: Bool) -> AlertDelivery? {
        guard isCaseOfficer, !disabled else { return nil }
        if onCall && event == .reportNew { return .now }
        return events.contains(event) ? delivery : nil
    }

    /// Stored form of the chosen events (comma-separated names, in the order of `AlertEvent.allCases`).
    public var storedEvents: String {
        AlertEvent.allCases.filter(events.contains).map(\.rawValue).joined(separator: ",")
    }

    public static func events(stored: String) -> Set<AlertEvent> {
        Set(stored.split(separator: ",").compactMap { AlertEvent(rawValue: String($0)) })
    }

    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let value: String
        public let field: String
        public var description: String { "\(field): unknown value \"\(value)\"" }
    }

    /// The account page's form: the ticked events and the delivery. An unknown event or delivery is refused by
    /// name (nothing is changed).
    public static func parse(
        events: [String], delivery: String,
        onCall: Bool
    ) -> Result<AlertPreferences, Refusal> {
        var chosen: Set<AlertEvent> = []
        for name in events {
            guard let event = AlertEvent(rawValue: name) else {
                return .failure(Refusal(value: String(name.prefix(60)), field: "event"))
            }
            chosen.insert(event)
        }
        guard let how = AlertDelivery(rawValue: delivery) else {
            return .failure(Refusal(value: String(delivery.prefix(60)), field: "delivery"))
        }
        return .success(AlertPreferences(events: chosen, delivery: how, onCall: onCall))
    }

    /// The day an alert belongs to for the digest (days since 1970-01-01, UTC), and whether that day's digest may
    /// be sent at `now` (only once the day is over).
    public static func day(seconds: Int64) -> Int64 { seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400 }
    public static func digestDue(day: Int64, now seconds: Int64) -> Bool { day < Self.day(seconds: seconds) }
}
