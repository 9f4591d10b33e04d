import Fluent
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// Review r15, finding 6 and a nit: a partner's answer is stored only if, inside its write, the partner still
/// belongs to the organisation the request went to, and the access the case officer gave still lasts.
@Suite struct PartnerAnswerChecksTests {
    static func request(_ app: Application, days: Int = 14) async throws -> String {
        let cipher = app.site.cipher
        let opened = try await CaseStore.open(
            NewCase(country: "CO", label: "Checked by a partner"), by: "drafter@example.org", now: testClock.now(),
            cipher: cipher, on: app.db)
        let file = try #require(try await CaseStore.find(opened, cipher: cipher, on: app.db))
        return try await VerificationStore.ask(
            case: file, organisationID: "org-1", shared: "Please check.", days: days, by: "drafter@example.org",
            now: testClock.now(), cipher: cipher, on: app.db)
    }

    static func answers(_ app: Application) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM verifications WHERE answer IS NOT NULL").first()?
            .decode(column: "n", as: Int.self) ?? -1
    }

    /// A dozen answers wait to write while an administrator moves the partner to another organisation: each is
    /// refused, and none is stored. The same answers with the partner left where she was go through.
    @Test(arguments: Engine.all, [true, false])
    func aPartnerMovedToAnotherOrganisationWhileHerAnswersWaitStoresNone(_ engine: Engine, _ moved: Bool) async throws {
        try await withApp(engine) { app in
            // setup
            let team = try await CaseTeam.make(app)
            let id = try await Self.request(app)
            let page = OfficeRoute.partnerRequest(id: id).path
            #expect(try await team.partner.get(page).status == .ok)
            let cookies = team.partner.cookies, csrf = team.partner.lastCSRF
            let partner = try #require(try await AccountStore.find(email: "partner@example.org", on: app.db))
            // act
            let requests: [@Sendable () async throws -> HTTPStatus] = (0..<12).map { index in
                {
                    try await AccountRaceTests.fire(
                        app, page, [("csrf", csrf), ("answer", "confirmed"), ("note", "Seen \(index)")],
                        cookies: cookies)
                }
            }
            let results = try await AccountRaceTests.queuedBehind(app, requests) { tx in
                guard moved else { return }
                try await AccountStore.update(
                    partner.id, roles: partner.roles, organisationID: "org-2", disabled: false, on: tx)
            }
            // assert
            let expected: HTTPStatus = moved ? .forbidden : .seeOther
            #expect(results.allSatisfy { $0 == expected }, "\(results.map(\.code))")
            #expect(try await Self.answers(app) == (moved ? 0 : 1))
        }
    }

    /// The answer was read while the access lasted, and the case officer ended it (or its last second passed)
    /// before the answer's write: nothing is stored and nothing is recorded.
    @Test(arguments: Engine.all)
    func anAnswerWhoseAccessEndedBeforeItsWriteIsNotStored(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            _ = try await CaseTeam.make(app)
            let id = try await Self.request(app)
            let read = try #require(
                try await VerificationStore.find(id, organisationID: "org-1", cipher: app.site.cipher, on: app.db))
            #expect(read.isOpen(at: testClock.now().seconds))
            let entries = try await StaffAlertTests.audit("verification.answer", app).count
            try await app.db.sql.raw(
                "UPDATE verifications SET expires_at = \(bind: testClock.now().seconds) WHERE id = \(bind: id)"
            ).run()
            // act
            await #expect(throws: VerificationStore.AccessEnded.self) {
                try await VerificationStore.answer(
                    read, answer: .confirmed, note: "Too late", by: "partner@example.org", now: testClock.now(),
                    cipher: app.site.cipher, on: app.db)
            }
            // assert
            #expect(try await Self.answers(app) == 0)
            #expect(try await StaffAlertTests.audit("verification.answer", app).count == entries)
            // Still open a second longer, the same answer is stored.
            try await app.db.sql.raw(
                "UPDATE verifications SET expires_at = \(bind: testClock.now().seconds + 1) WHERE id = \(bind: id)"
            ).run()
            try await VerificationStore.answer(
                read, answer: .confirmed, note: "In time", by: "partner@example.org", now: testClock.now(),
                cipher: app.site.cipher, on: app.db)
            #expect(try await Self.answers(app) == 1)
        }
    }
}
