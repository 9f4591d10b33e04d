import Fluent
import Foundation
import NIOConcurrencyHelpers

/// Knows the current content version, re-reading it from the database at most every `pollSeconds`,
/// so a change made by another instance or an import reaches this instance's cache quickly.
final class ContentWatcher: Sendable {
    private struct State { var snapshot: ContentVersion.Snapshot?; var checkedAt: Date = .distantPast }
    private let state = NIOLockedValueBox(State())
    let pollSeconds: Double

    init(pollSeconds: Double) { self.pollSeconds = pollSeconds }

    /// The version read less than `pollSeconds` ago, without touching the database; nil when it is time to read again.
    func recent(now: Date = Date()) -> ContentVersion.Snapshot? {
        state.withLockedValue {
            $0.snapshot != nil && now.timeIntervalSince($0.checkedAt) < pollSeconds ? $0.snapshot : nil
        }
    }

    func current(on db: @autoclosure () -> any Database) async throws -> ContentVersion.Snapshot {
        let now = Date()
        if let snapshot = recent(now: now) { return snapshot }
        let fresh = try await ContentVersion.read(on: db())
        state.withLockedValue { $0 = State(snapshot: fresh, checkedAt: now) }
        return fresh
    }

    /// Forget what was read, after a change made by this instance, so it shows at once.
    func invalidate() {
        state.withLockedValue { $0.checkedAt = .distantPast }
    }
}
