import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import Testing
import Vapor

@testable import App

/// Background work (scheduled publishing, mail delivery) stops with the application: the run in progress is awaited
/// before the database pools close, and no run starts afterwards.
@Suite struct BackgroundJobTests {
    private struct Counts { var started = 0, finished = 0 }

    @Test func shutdownWaitsForTheRunInProgressAndNoRunStartsAfterIt() async throws {
        let app = try await Application.make(.testing)
        let counts = NIOLockedValueBox(Counts())
        BackgroundJob.start(app, name: "test", initialDelay: .zero, every: .milliseconds(5)) { _ in
            counts.withLockedValue { $0.started += 1 }
            try? await Task.sleep(for: .milliseconds(300))
            counts.withLockedValue { $0.finished += 1 }
        }
        for _ in 0..<200 where counts.withLockedValue({ $0.started }) == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(counts.withLockedValue { $0.started } == 1, "the job never started")
        try await app.asyncShutdown()
        let atShutdown = counts.withLockedValue { $0 }
        #expect(atShutdown.finished == atShutdown.started, "shutdown returned while a run was still going")
        try await Task.sleep(for: .milliseconds(100))
        #expect(counts.withLockedValue { $0.started } == atShutdown.started, "a run started after shutdown")
    }

    @Test func aLongRunCanEndEarlyWhenTheJobIsStopped() async throws {
        let app = try await Application.make(.testing)
        let steps = NIOLockedValueBox(0)
        let job = BackgroundJob.start(app, name: "outbox", initialDelay: .zero, every: .seconds(60)) { job in
            while !job.isStopped, steps.withLockedValue({ $0 }) < 10_000 {
                steps.withLockedValue { $0 += 1 }
                try? await Task.sleep(for: .milliseconds(2))
            }
        }
        for _ in 0..<200 where steps.withLockedValue({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let started = ContinuousClock.now
        try await app.asyncShutdown()
        #expect(job.isStopped)
        #expect(ContinuousClock.now - started < .seconds(5), "the stop waited for the whole outbox")
        #expect(steps.withLockedValue { $0 } < 10_000)
    }

    /// The scheduler as the server runs it: a publication approved and scheduled goes public on its own once its
    /// time has come, and the application then stops with the job.
    @Test(arguments: Engine.all)
    func theSchedulerPublishesWhatIsDueOnItsOwn(_ engine: Engine) async throws {
        let clock = MutableClock()
        try await withApp(engine, clock: clock) { app in
            try await TestAccounts.create("editor@example.org", [.editor], in: app)
            let browser = TestBrowser(app)
            try await browser.signIn("editor@example.org")
            try await browser.get("/office/publications/new")
            let dated = EditorialTests.fields.map { $0.0 == "date" ? ($0.0, "2026-11-21") : $0 }
            let draft = try await browser.post("/office/publications/new", dated + [("action", "save")])
            let id = String(try #require(draft.location).dropFirst("/office/publications/".count).prefix { $0 != "?" })
            try await EditorialTests.approve(id, by: try await EditorialTests.secondEditor(app))
            try await browser.post(
                "/office/publications/\(id)",
                dated + [
                    ("action", "schedule"),
                    ("publish_at", "2026-11-21T09:30")
                ])
            startScheduler(app)
            try await Task.sleep(for: .milliseconds(1_500))
            #expect(try await app.get("/publications/\(id)").status == .notFound, "published before its time")
            clock.advance(seconds: 40 * 3600)
            var status = HTTPStatus.notFound
            for _ in 0..<40 where status != .ok {  // the scheduler looks every 15 seconds
                try await Task.sleep(for: .milliseconds(500))
                status = try await app.get("/publications/\(id)").status
            }
            #expect(status == .ok, "the scheduler did not publish what was due")
        }
    }
}
