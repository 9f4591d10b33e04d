import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Reference codes never repeat and never skip, even with many approvals at once, on both engines.
@Suite struct ReferenceCodeTests {
    /// Opens a verified case in `country` with a draft by drafter@example.org; returns both.
    static func draft(
        _ n: Int, country: String, in app: Application, followUpOf: String? = nil, caseID: String? = nil
    ) async throws -> (Intervention, CaseFile) {
        let cipher = app.site.cipher, now = testClock.now()
        var id = caseID
        if id == nil {
            id = try await CaseStore.open(
                NewCase(country: country, label: "Case \(n)"), by: "drafter@example.org", now: now, cipher: cipher,
                on: app.db)
            _ = try await CaseStore.changeStatus(
                id!, from: .received, to: .verified, outcome: nil, by: "drafter@example.org", now: now, on: app.db)
        }
        let interventionID = try await InterventionStore.create(
            .init(
                kind: .urgentAppeal, language: .en, followUpOf: followUpOf, translationOf: nil, title: "Appeal \(n)",
                summary: "", body: "Text \(n)."),
            case: id!, by: "drafter@example.org", now: now, cipher: cipher, on: app.db)
        return (
            try #require(try await InterventionStore.find(interventionID, cipher: cipher, on: app.db)),
            try #require(try await CaseStore.find(id!, cipher: cipher, on: app.db))
        )
    }

    @Test(arguments: Engine.all)
    func fiftyConcurrentApprovalsNeitherRepeatNorSkip(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let countries = ["MX", "CO", "RU"]
            var drafts: [(Intervention, CaseFile)] = []
            for n in 0..<50 { drafts.append(try await Self.draft(n, country: countries[n % 3], in: app)) }
            let codes = try await withThrowingTaskGroup(of: String.self) { group in
                for (intervention, file) in drafts {
                    group.addTask {
                        try await InterventionWorkflow.approve(
                            intervention, file: file, by: "approver@example.org", now: testClock.now(), on: app.db
                        ).get()
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let parsed = codes.compactMap(ReferenceCode.init)
            #expect(parsed.count == 50 && Set(codes).count == 50)
            #expect(Set(parsed.map(\.observatorySerial)) == Set(1...50))
            for (alpha3, count) in [("MEX", 17), ("COL", 17), ("RUS", 16)] {
                #expect(
                    parsed.filter { $0.alpha3 == alpha3 }.map(\.countrySerial).sorted() == Array(1...count),
                    "\(alpha3) serials")
            }
            #expect(parsed.allSatisfy { $0.month == 11 && $0.year == 26 && $0.followUp == nil })

            // Approving the same draft twice at once gives it one code, and the counter does not move.
            let (extra, file) = try await Self.draft(99, country: "MX", in: app)
            async let first = InterventionWorkflow.approve(
                extra, file: file, by: "approver@example.org", now: testClock.now(), on: app.db)
            async let second = InterventionWorkflow.approve(
                extra, file: file, by: "approver@example.org", now: testClock.now(), on: app.db)
            let results = try await [first, second]
            #expect(results.filter { if case .success = $0 { true } else { false } }.count == 1)
            #expect(
                try results.first { if case .success = $0 { true } else { false } }!.get() == "MEX 018 / 1126 / OBS 051"
            )

            // Twenty follow-ups of one original approved at once: .1 to .20.
            let (original, originalCase) = drafts[0]
            let originalCode = try #require(
                try await InterventionStore.reference(of: original.id, on: app.db)?.reference)
            var followUps: [(Intervention, CaseFile)] = []
            for n in 0..<20 {
                followUps.append(
                    try await Self.draft(
                        100 + n, country: "MX", in: app, followUpOf: original.id, caseID: originalCase.id))
            }
            let followCodes = try await withThrowingTaskGroup(of: String.self) { group in
                for (intervention, file) in followUps {
                    group.addTask {
                        try await InterventionWorkflow.approve(
                            intervention, file: file, by: "approver@example.org", now: testClock.now(), on: app.db
                        ).get()
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(followCodes) == Set((1...20).map { "\(originalCode).\($0)" }))
        }
    }

    @Test(arguments: Engine.all)
    func aRefusedApprovalUsesNoNumber(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let (first, firstCase) = try await Self.draft(1, country: "MX", in: app)
            let own = try await InterventionWorkflow.approve(
                first, file: firstCase, by: "drafter@example.org", now: testClock.now(), on: app.db)
            #expect(own == .failure(.samePerson))
            let cipher = app.site.cipher
            let unverified = try await CaseStore.open(
                NewCase(country: "MX", label: "New"), by: "drafter@example.org", now: testClock.now(), cipher: cipher,
                on: app.db)
            let (early, earlyCase) = try await Self.draft(2, country: "MX", in: app, caseID: unverified)
            #expect(
                try await InterventionWorkflow.approve(
                    early, file: earlyCase, by: "approver@example.org", now: testClock.now(), on: app.db)
                    == .failure(.caseNotVerified(.received)))
            #expect(
                try await InterventionWorkflow.approve(
                    first, file: firstCase, by: "approver@example.org", now: testClock.now(), on: app.db)
                    == .success("MEX 001 / 1126 / OBS 001"))
        }
    }
}
