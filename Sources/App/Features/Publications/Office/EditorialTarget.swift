import Foundation
import ObservatoryCore

/// What a button of the editorial form (or an API write) does to a publication's status and moment: the one rule
/// both paths use, so neither can reach a status the other would refuse. Four eyes are checked after this.
struct EditorialTarget: Equatable {
    var status: EditorialStatus
    var publishAt: Int64?
    /// The publication's date when it is scheduled: the day it goes out.
    var date: String?
    /// Why the moment is refused (`publish_at`), if it is.
    var problem: String?

    /// nil for an action the form does not have.
    static func of(_ action: String, current: EditorialRecord?, publishAtSeconds: Int64?, now: Date) -> Self? {
        var target = Self(status: current?.status ?? .draft, publishAt: current?.publishAt)
        switch action {
        case "publish": target.status = .published; target.publishAt = nil
        case "unpublish": target.status = .draft; target.publishAt = nil
        case "schedule":
            target.status = .scheduled
            target.publishAt = publishAtSeconds
            if let at = publishAtSeconds, at > Int64(now.timeIntervalSince1970) {
                target.date = String(iso8601(seconds: at).prefix(10))
            } else {
                target.problem =
                    publishAtSeconds == nil
                    ? "Give the moment as date and time (UTC), e.g. 2026-11-24T09:00."
                    : "Choose a moment in the future, or publish now."
            }
        case "save", "preview", "approve": break
        default: return nil
        }
        return target
    }
}
