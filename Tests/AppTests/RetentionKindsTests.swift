import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor

@testable import App

/// The kinds that are not case files, on both engines: sessions and sign-in attempts purged with their counts
/// audited; a bounced subscriber deleted with its mail; a call-for-input answer anonymised with its country kept;
/// a partner's note deleted from its verification request.
@Suite struct RetentionKindsTests {
    static let now = RetentionTests.now
    static func ago(_ days: Int64) -> Int64 { now.seconds - days * 86_400 }

    @Test(arguments: Engine.all)
    func sessionsAndSignInAttemptsArePurgedWithTheCountsAudited(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let sql = app.db.sql
            for (id, seen) in [("old-session", Self.ago(31)), ("new-session", Self.ago(1))] {
                try await sql.raw(
                    """
                    INSERT INTO sessions (id, user_id, stage, csrf_token, created_at, last_seen_at)
                    VALUES (\(bind: id), 'u', 'signed-in', 't', \(bind: seen), \(bind: seen))
                    """
                ).run()
            }
            for at in [Self.ago(40), Self.ago(31), Self.ago(2)] {
                try await sql.raw("INSERT INTO login_attempts (key, at) VALUES ('account:x', \(bind: at))").run()
            }
            let result = try await RetentionActions.check(now: Self.now, on: app.db)
            #expect(result.purged == 3)
            struct Id: Decodable { let id: String }
            #expect(try await sql.raw("SELECT id FROM sessions").all(decoding: Id.self).map(\.id) == ["new-session"])
            struct N: Decodable { let n: Int }
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM login_attempts").first(decoding: N.self)?.n == 1)
            let audited = try await RetentionTests.audit("retention.purge", app)
            #expect(audited.map(\.detail) == ["1 sessions, 2 sign-in attempts"])
            #expect(try await RetentionActions.check(now: Self.now, on: app.db).purged == 0)
            #expect(try await RetentionTests.audit("retention.purge", app).count == 1, "nothing purged, nothing logged")
        }
    }

    @Test(arguments: Engine.all)
    func subscribersAnswersAndPartnersNotesAreDecidedOneByOne(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            // setup
            let sql = app.db.sql, cipher = app.site.cipher, canary = "CANARY\(UUID().uuidString.prefix(8))"
            try await sql.raw(
                """
                INSERT INTO subscribers (id, email_hash, email_sealed, token_hash, token_sealed, status, languages,
                scope, countries, programmes, types, bulletin, created_at, updated_at)
                VALUES ('sub-1', 'h', \(bind: cipher.seal("\(canary)@example.org", in: .subscriberEmail, row: "sub-1")),
                'th', 'ts', 'bounced', 'en', 'all', '', '', '', false, \(bind: Self.ago(200)), \(bind: Self.ago(100)))
                """
            ).run()
            try await MailQueue.add(
                [
                    MailQueue.Item(
                        dedupe: "d-1", kind: "publication", subscriberID: "sub-1",
                        subjectID: "p-1", notBefore: Self.ago(100))
                ],
                now: Date(timeIntervalSince1970: TimeInterval(Self.ago(100))), on: app.db)
            try await sql.raw(
                """
                INSERT INTO call_answers (id, call_id, answer_sealed, who_sealed, contact_sealed, country_code,
                language, created_at) VALUES ('answer-1', 'call-1',
                \(bind: cipher.seal("Answer \(canary)", in: .callAnswer, row: "answer-1")),
                \(bind: cipher.seal("Who \(canary)", in: .callWho, row: "answer-1")),
                \(bind: cipher.seal("Contact \(canary)", in: .callContact, row: "answer-1")), 'KE', 'en',
                \(bind: Self.ago(800)))
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO verifications (id, case_id, organisation_id, shared_sealed, asked_at, asked_by, answer,
                note_sealed, answered_at, answered_by) VALUES ('ver-1', 'case-x', 'org-1',
                \(bind: cipher.seal("", in: .verificationShared, row: "ver-1")), 1, 'a', 'confirmed',
                \(bind: cipher.seal("Note \(canary)", in: .verificationNote, row: "ver-1")),
                \(bind: Self.ago(2_000)), 'p')
                """
            ).run()
            let officer = try await AssistanceTests.signedIn("officer@example.org", [.caseOfficer], in: app)
            let due = try await officer.get("/office/retention").body
            for row in ["subscriber.inactive-sub-1", "call.answer-answer-1", "partner.note-ver-1"] {
                #expect(due.contains("id=\"due-\(row)\""), "\(row) is listed")
            }
            #expect(!due.contains(canary))

            // act
            func decide(_ kind: String, _ id: String, _ decision: String) async throws -> HTTPStatus {
                try await officer.post(
                    "/office/retention/decide",
                    [
                        ("kind", kind), ("id", id),
                        ("decision", decision), ("reason", "period-over")
                    ]
                )
                .status
            }
            #expect(
                try await decide("subscriber.inactive", "sub-1", "anonymise") == .notFound,
                "a subscriber is only deleted")
            #expect(try await decide("subscriber.inactive", "sub-1", "delete") == .seeOther)
            #expect(try await decide("call.answer", "answer-1", "anonymise") == .seeOther)
            #expect(try await decide("partner.note", "ver-1", "delete") == .seeOther)

            // assert
            struct N: Decodable { let n: Int }
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM subscribers").first(decoding: N.self)?.n == 0)
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM outbox").first(decoding: N.self)?.n == 0)
            struct Answer: Decodable { let countryCode: String?, language: String }
            let answer = try await sql.raw("SELECT country_code, language FROM call_answers")
                .all(decoding: Answer.self, keyDecodingStrategy: .convertFromSnakeCase)
            #expect(answer.count == 1 && answer.first?.countryCode == "KE", "counted by country still")
            struct Note: Decodable { let noteSealed: String?, answer: String? }
            let note = try await sql.raw("SELECT note_sealed, answer FROM verifications")
                .first(decoding: Note.self, keyDecodingStrategy: .convertFromSnakeCase)
            #expect(note?.noteSealed == nil && note?.answer == "confirmed", "the answer stays, the note goes")
            #expect(try await RetentionTests.openedValues(app).allSatisfy { !$0.contains(canary) })
            #expect(try await RetentionFixture.tables(holding: canary, app).isEmpty)
            #expect(try await officer.get("/office/retention").body.contains("retention-none"))
            for action in ["retention.delete", "retention.anonymise"] {
                #expect(try await RetentionTests.audit(action, app).allSatisfy { $0.detail == "period-over" })
            }
            #expect(try await RetentionTests.audit("retention.delete", app).map(\.id).sorted() == ["sub-1", "ver-1"])
        }
    }
}
