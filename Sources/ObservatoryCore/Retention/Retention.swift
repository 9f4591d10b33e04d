import Foundation

/// The kinds of record that expire (issue 20, "Retention"). Each has a period, counted in days from the last
/// activity on the record. Sessions and sign-in attempts are not records a person decides on: the background
/// check purges them after their period and audits the counts. Every other kind is only ever extended, anonymised
/// or deleted by a case officer's decision.
public enum RetainedKind: String, CaseIterable, Sendable, Codable {
    case unverifiedReport = "report.unverified"
    case closedCase = "case.closed"
    case callAnswer = "call.answer"
    case inactiveSubscriber = "subscriber.inactive"
    case signIn = "sign-in"
    case partnerNote = "partner.note"

    /// The period an administrator starts from.
    public var defaultDays: Int {
        switch self {
        case .unverifiedReport: 365
        case .closedCase: 3_650
        case .callAnswer: 730
        case .inactiveSubscriber: 90
        case .signIn: 30
        case .partnerNote: 1_825
        }
    }

    /// Whether a person decides what happens at expiry (every kind but sessions and sign-in attempts).
    public var decided: Bool { self != .signIn }

    /// Whether anonymising keeps something worth keeping (figures); a subscriber or a note is only deleted.
    public var anonymisable: Bool {
        switch self {
        case .unverifiedReport, .closedCase, .callAnswer: true
        case .inactiveSubscriber, .signIn, .partnerNote: false
        }
    }

    public static let minimumDays = 1
    public static let maximumDays = 36_500
}

/// Where a record stands: kept, due soon (officers are told), or expired (still kept until someone decides).
public enum RetentionState: Equatable, Sendable {
    case kept
    case dueSoon(expiresAt: Int64)
    case expired(expiresAt: Int64)
}

/// The periods in force and the rule that computes a record's state from them.
///
/// A shortened period does not take effect at once (review of issue 20, finding 15): until the notice window of
/// the period it replaces has passed, no record expires under it (`Pending.from` is a floor on every expiry of the
/// kind) and records are shown as due soon over that whole window. So one administrator and one case officer
/// cannot delete every closed case on the day the period is shortened: everyone is told first.
public struct RetentionPolicy: Equatable, Sendable {
    public var days: [RetainedKind: Int]
    /// Shortened periods still within the old period's notice window.
    public var pending: [RetainedKind: Pending]

    public struct Pending: Equatable, Sendable {
        /// The longer period it replaced (its notice window applies until `from`).
        public let previousDays: Int
        /// No record of the kind expires before this time (seconds).
        public let from: Int64
        public init(previousDays: Int, from: Int64) { self.previousDays = previousDays; self.from = from }
    }

    public init(days: [RetainedKind: Int] = [:], pending: [RetainedKind: Pending] = [:]) {
        self.days = Dictionary(uniqueKeysWithValues: RetainedKind.allCases.map { ($0, days[$0] ?? $0.defaultDays) })
        self.pending = pending
    }

    /// How long before expiry case officers are told: a tenth of the period, at least a day, at most 30 days.
    public static func noticeDays(period: Int) -> Int { min(30, max(1, period / 10)) }

    public func period(_ kind: RetainedKind) -> Int { days[kind] ?? kind.defaultDays }

    /// The notice window at `now`: the period's, or while a shortening is pending the longer of the old and new.
    public func noticeDays(_ kind: RetainedKind, now: Int64) -> Int {
        let own = Self.noticeDays(period: period(kind))
        guard let waiting = pending[kind], now < waiting.from else { return own }
        return max(own, Self.noticeDays(period: waiting.previousDays))
    }

    /// The policy that replaces this one with `next`'s periods at `now`: a shortened period waits for the notice
    /// window of the period in force (or of a longer one still pending); a longer period applies at once.
    public func scheduling(_ next: RetentionPolicy, now: Int64) -> RetentionPolicy {
        var result = RetentionPolicy(days: next.days, pending: pending.filter { now < $0.value.from })
        for kind in RetainedKind.allCases where next.period(kind) < period(kind) {
            let waiting = result.pending[kind]
            let previous = max(period(kind), waiting?.previousDays ?? 0)
            let from = max(waiting?.from ?? 0, now + Int64(Self.noticeDays(period: previous)) * 86_400)
            result.pending[kind] = Pending(previousDays: previous, from: from)
        }
        return result
    }

    /// When a record last active at `lastActivity` expires: its period after that, or the date it was extended
    /// to, whichever is later, and never before a pending shortening takes effect.
    public func expiry(_ kind: RetainedKind, lastActivity: Int64, extendedUntil: Int64? = nil) -> Int64 {
        let natural = lastActivity + Int64(period(kind)) * 86_400
        return max(natural, extendedUntil ?? natural, pending[kind]?.from ?? natural)
    }

    public func state(
        _ kind: RetainedKind, lastActivity: Int64, extendedUntil: Int64? = nil,
        now: Int64
    ) -> RetentionState {
        let expires = expiry(kind, lastActivity: lastActivity, extendedUntil: extendedUntil)
        if expires <= now { return .expired(expiresAt: expires) }
        let notice = Int64(noticeDays(kind, now: now)) * 86_400
        if expires - notice <= now { return .dueSoon(expiresAt: expires) }
        return .kept
    }

    /// The latest activity time that is already due for notice at `now` (for a query: `last_activity <= cutoff`).
    public func noticeCutoff(_ kind: RetainedKind, now: Int64) -> Int64 {
        now - Int64(period(kind) - noticeDays(kind, now: now)) * 86_400
    }

    /// The latest extension end that is due for notice at `now` (an extension ending later keeps the record).
    public func extensionCutoff(_ kind: RetainedKind, now: Int64) -> Int64 {
        now + Int64(noticeDays(kind, now: now)) * 86_400
    }

    public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        public let field: String
        public let value: String
        public var description: String { "\(field): \"\(value)\"" }
    }

    /// The administrators' form: one whole number of days per kind, between 1 and 36,500. A missing field keeps
    /// the current period; anything else is refused by name and nothing changes.
    public func parse(_ fields: [String: String]) -> Result<RetentionPolicy, Refusal> {
        var next = self
        for kind in RetainedKind.allCases {
            guard let raw = fields[kind.rawValue] else { continue }
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            guard let n = Int(trimmed), (RetainedKind.minimumDays...RetainedKind.maximumDays).contains(n) else {
                return .failure(Refusal(field: kind.rawValue, value: String(raw.prefix(40))))
            }
            next.days[kind] = n
        }
        return .success(next)
    }
}

/// A case officer's extension of one record: a reason and a new date, later than today and at most ten years on.
public struct RetentionExtension: Equatable, Sendable {
    public let reason: String
    public let until: CivilDate

    public static let maximumReason = 500

    public init(reason: String, until: CivilDate) {
        self.reason = reason
        self.until = until
    }

    public static func parse(reason: String, until: String, today: CivilDate) -> Result<Self, RetentionPolicy.Refusal> {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= maximumReason else {
            return .failure(.init(field: "reason", value: String(reason.prefix(40))))
        }
        guard let date = CivilDate(until.trimmingCharacters(in: .whitespaces)),
            date.daysSinceEpoch > today.daysSinceEpoch, date.daysSinceEpoch <= today.daysSinceEpoch + 3_653
        else {
            return .failure(.init(field: "until", value: String(until.prefix(40))))
        }
        return .success(Self(reason: reason, until: date))
    }

    /// The end of the chosen day, in seconds since 1970.
    public var seconds: Int64 { Int64(until.daysSinceEpoch + 1) * 86_400 - 1 }
}

/// Why a case officer decides: one of a fixed list, so the audit trail (kept for ever, hash-linked) never holds
/// free text that could name someone (review of issue 20, finding 5). Anything more goes in the decision's note,
/// which is sealed and goes with the record.
public enum RetentionReason: String, CaseIterable, Sendable {
    case periodOver = "period-over"
    case purposeMet = "purpose-met"
    case neverVerified = "never-verified"
    case personAsked = "person-asked"
    case proceedings = "proceedings"
    case stillFollowed = "still-followed"

    public static let maximumNote = 500
}

/// What a case officer decides for a due record.
public enum RetentionDecision: String, CaseIterable, Sendable {
    case extend
    case anonymise
    case delete
}

/// What anonymising a case keeps: only what the figures are made of (the case's country, status, outcome and
/// dates; each person's kind; each act's type and perpetrator's kind). Every other value is removed for good.
public enum CaseAnonymisation {
    public static let placeholder = "—"
    public static let keptCaseColumns = [
        "id", "status", "outcome", "country_code", "risk_level", "origin",
        "opened_at", "status_changed_at", "last_activity_at"
    ]
    public static let keptPersonColumns = ["id", "case_id", "position", "kind"]
    public static let keptActColumns = ["id", "case_id", "type", "perpetrator"]
}
