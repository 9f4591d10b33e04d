import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// A call for input (e.g. on the needs of women human rights defenders in a region) and its answers.
struct CallForInput: Sendable, Decodable {
    let id: String, title: String, text: String, deadline: String, open: Bool

    /// Answers are taken until the end of the deadline's day (UTC).
    func accepts(on day: CivilDate) -> Bool {
        open && (CivilDate(deadline).map { day.daysSinceEpoch <= $0.daysSinceEpoch } ?? false)
    }
}

struct CallAnswer: Sendable {
    let id: String, answer: Confidential, who: Confidential, contact: Confidential
    let country: String?, language: String, createdAt: Int64
}

enum CallStore {
    static func all(on db: any Database) async throws -> [CallForInput] {
        try await db.sql.raw("SELECT id, title, text, deadline, open FROM calls ORDER BY deadline DESC, id").all(
            decoding: CallForInput.self)
    }

    static func find(_ id: String, on db: any Database) async throws -> CallForInput? {
        try await db.sql.raw("SELECT id, title, text, deadline, open FROM calls WHERE id = \(bind: id)").first(
            decoding: CallForInput.self)
    }

    static func save(
        id: String, title: String, text: String, deadline: String, open: Bool, by actor: String, now: Date,
        on db: any Database
    ) async throws {
        try await db.sql.insert(into: "calls").columns(
            "id", "title", "text", "deadline", "open", "updated_by", "updated_at"
        )
        .values(id, title, text, deadline, open, actor, now.seconds)
        .onConflict(with: ["id"]) {
            $0.set(excludedValueOf: "title").set(excludedValueOf: "text").set(excludedValueOf: "deadline")
                .set(excludedValueOf: "open").set(excludedValueOf: "updated_by").set(excludedValueOf: "updated_at")
        }
        .run()
        try await ContentVersion.bump(on: db, now: now)
    }

    static func answer(
        _ call: CallForInput, answer: String, who: String, contact: String, country: String?, language: Language,
        now: Date,
        cipher: FieldCipher, on db: any Database
    ) async throws {
        let id = RandomID.make("answer")
        try await db.sql.insert(into: "call_answers")
            .columns(
                "id", "call_id", "answer_sealed", "who_sealed", "contact_sealed", "country_code", "language",
                "created_at"
            )
            .values(
                id, call.id, cipher.seal(answer, in: .callAnswer, row: id), cipher.seal(who, in: .callWho, row: id),
                cipher.seal(contact, in: .callContact, row: id), country, language.rawValue, now.seconds
            )
            .run()
    }

    static func answers(_ callID: String, cipher: FieldCipher, on db: any Database) async throws -> [CallAnswer] {
        struct Row: Decodable {
            let id: String, answerSealed: String, whoSealed: String, contactSealed: String, countryCode: String?,
                language: String, createdAt: Int64
        }
        return try await db.rows(
            """
            SELECT id, answer_sealed, who_sealed, contact_sealed, country_code, language, created_at FROM call_answers
            WHERE call_id = \(bind: callID) ORDER BY created_at, id
            """, as: Row.self
        ).map {
            CallAnswer(
                id: $0.id, answer: try cipher.open($0.answerSealed, in: .callAnswer, row: $0.id),
                who: try cipher.open($0.whoSealed, in: .callWho, row: $0.id),
                contact: try cipher.open($0.contactSealed, in: .callContact, row: $0.id),
                country: $0.countryCode, language: $0.language, createdAt: $0.createdAt)
        }
    }

    /// RFC 4180 CSV; a cell a spreadsheet would run as a formula (=, +, -, @) is prefixed with an apostrophe.
    static func csv(_ answers: [CallAnswer]) -> String {
        func cell(_ text: String) -> String {
            var value = text
            if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        let header = ["received", "language", "country", "name or organisation", "contact", "answer"].map(cell).joined(
            separator: ",")
        let rows = answers.map { a in
            [
                iso8601(seconds: a.createdAt), a.language, a.country ?? "", a.who.reveal(), a.contact.reveal(),
                a.answer.reveal()
            ].map(cell).joined(separator: ",")
        }
        return ([header] + rows).joined(separator: "\r\n") + "\r\n"
    }
}
