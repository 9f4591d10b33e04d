import NIOConcurrencyHelpers

/// A lock that async code can wait on without blocking a thread.
final class AsyncLock: Sendable {
    private struct State { var locked = false; var waiters: [CheckedContinuation<Void, Never>] = [] }
    private let state = NIOLockedValueBox(State())

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLockedValue { state -> Bool in
                if state.locked { state.waiters.append(continuation); return false }
                state.locked = true
                return true
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// How many tasks wait for the lock now (a test orders a race with it).
    var waiting: Int { state.withLockedValue { $0.waiters.count } }

    func release() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty { state.locked = false; return nil }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
