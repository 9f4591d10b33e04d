import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Work that repeats while the server runs: scheduled publishing and mail delivery. A job is a `LifecycleHandler`:
/// when the application shuts down, the next run is cancelled and a run in progress is awaited before the database
/// pools close, so a stop never cuts a delivery or a publication in half (and never logs "pool shut down" errors).
final class BackgroundJob: LifecycleHandler, Sendable {
    let name: String
    private struct State {
        var repeated: RepeatedTask?
        var running: Task<Void, Never>?
        var stopped = false
    }
    private let state = NIOLockedValueBox(State())

    private init(name: String) { self.name = name }

    /// Starts `work` after `initialDelay`, then again `every` after each run ends, until the application stops. A
    /// long run can look at `isStopped` to end early.
    @discardableResult
    static func start(
        _ app: Application, name: String, initialDelay: TimeAmount, every: TimeAmount,
        work: @escaping @Sendable (BackgroundJob) async -> Void
    ) -> BackgroundJob {
        let job = BackgroundJob(name: name)
        let loop = app.eventLoopGroup.next()
        let repeated = loop.scheduleRepeatedAsyncTask(initialDelay: initialDelay, delay: every) { _ in
            let run: Task<Void, Never>? = job.state.withLockedValue { state in
                guard !state.stopped else { return nil }
                let run = Task { await work(job) }
                state.running = run
                return run
            }
            guard let run else { return loop.makeSucceededVoidFuture() }
            return loop.makeFutureWithTask { await run.value }
        }
        job.state.withLockedValue { $0.repeated = repeated }
        app.lifecycle.use(job)
        return job
    }

    /// Whether the job has been stopped (by the application's shutdown or by `stop()`).
    var isStopped: Bool { state.withLockedValue { $0.stopped } }

    /// Cancels the next run and waits for the one in progress, if any.
    func stop() async {
        let (repeated, running) = state.withLockedValue { state -> (RepeatedTask?, Task<Void, Never>?) in
            state.stopped = true
            return (state.repeated, state.running)
        }
        repeated?.cancel()
        await running?.value
    }

    func shutdownAsync(_ application: Application) async {
        await stop()
        application.logger.debug("Background job stopped: \(name)")
    }

    /// Without an event loop to wait on (a synchronous shutdown), the next run is still cancelled.
    func shutdown(_ application: Application) {
        let repeated = state.withLockedValue { state -> RepeatedTask? in
            state.stopped = true
            return state.repeated
        }
        repeated?.cancel()
    }
}
