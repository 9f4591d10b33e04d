import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// A person at risk in the other languages of the site: how public texts in that language describe them ("une
/// défenseuse des droits humains à Oaxaca") and how their name is written in it (another script). Both are sealed
/// case data (`case_person_languages`, migration 033); the public text only ever holds what an approved
/// translation holds.
enum PersonLanguages {
    struct Entry: Sendable {
        var description: Confidential
        var spelling: Confidential
    }

    /// The languages a description is entered for: the case file's own description is the English one.
    static let languages: [Language] = Language.allCases.filter { $0 != .en }

    /// How refusals and the case page name person `number` (from 1) without naming them.
    static func label(_ person: AtRisk, number: Int) -> String { "person \(number) (\(person.kind.label)) of the case" }

    static func redacted(_ p: AtRisk, number: Int, in language: Language?, strict: Bool) -> Redactor.Person {
        var description = p.publicDescription
        if let language, language != .en {
            let own = p.languages[language]?.description.reveal().trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if !own.isEmpty || strict { description = own }
        }
        var person = Redactor.Person(
            name: p.name.reveal(), consentsToBeNamed: p.consentsToBeNamed,
            description: description)
        person.spellings = p.languages.values.map { $0.spelling.reveal() }.filter { !$0.isEmpty }.sorted()
        person.label = label(p, number: number)
        return person
    }

    /// The people of `file` as `TranslationCheck` reads them.
    static func checked(_ file: CaseFile) -> [TranslationCheck.Person] {
        file.people.enumerated().map { n, p in
            TranslationCheck.Person(
                label: label(p, number: n + 1), name: p.name.reveal(),
                consentsToBeNamed: p.consentsToBeNamed,
                spellings: p.languages.values.map { $0.spelling.reveal() }.filter { !$0.isEmpty })
        }
    }

    static func missionMember(in language: Language) -> String {
        switch language {
        case .en: "a member of the mission"
        case .fr: "un membre de la mission"
        case .es: "un miembro de la misión"
        case .ar: "عضو في البعثة"
        }
    }

    static func load(into file: inout CaseFile, cipher: FieldCipher, on db: any Database) async throws {
        struct Row: Decodable {
            let id: String, personId: String, language: String, descriptionSealed: String, spellingSealed: String
        }
        let rows = try await db.rows(
            """
            SELECT id, person_id, language, description_sealed, spelling_sealed FROM case_person_languages
            WHERE case_id = \(bind: file.id)
            """, as: Row.self
        )
        for row in rows {
            guard let language = Language(rawValue: row.language),
                let n = file.people.firstIndex(where: { $0.id == row.personId })
            else { continue }
            file.people[n].languages[language] = Entry(
                description: try cipher.open(row.descriptionSealed, in: .personLanguageDescription, row: row.id),
                spelling: try cipher.open(row.spellingSealed, in: .personLanguageSpelling, row: row.id))
        }
    }

    enum Problem: Error, CustomStringConvertible {
        case noPerson, tooLong(Language)
        var description: String {
            switch self {
            case .noPerson: "There is no such person on this case."
            case .tooLong(let language):
                "Keep the description in \(language.englishName) under 300 characters and the name under 200."
            }
        }
    }

    /// What the form sends for each language: (description, spelling), trimmed.
    static func entries(from form: (String) -> String) -> [Language: (String, String)] {
        var result: [Language: (String, String)] = [:]
        for language in languages {
            let code = language.rawValue
            result[language] = (
                form("description_\(code)").trimmingCharacters(in: .whitespacesAndNewlines),
                form("spelling_\(code)").trimmingCharacters(in: .whitespacesAndNewlines)
            )
        }
        return result
    }

    static func validate(_ entries: [Language: (String, String)]) -> Problem? {
        for language in languages {
            guard let (description, spelling) = entries[language] else { continue }
            if description.count > 300 || spelling.count > 200 { return .tooLong(language) }
        }
        return nil
    }

    /// Replaces the person's descriptions and spellings in the other languages (an empty pair removes the
    /// language), in the caller's transaction.
    static func save(
        _ entries: [Language: (String, String)], person personID: String, of caseID: String,
        now: Date, cipher: FieldCipher, on tx: any Database
    ) async throws -> Bool {
        struct Found: Decodable { let id: String }
        guard
            try await tx.sql.raw(
                """
                SELECT id FROM case_people WHERE id = \(bind: personID) AND case_id = \(bind: caseID)
                """
            ).first(decoding: Found.self) != nil
        else { return false }
        for language in languages {
            guard let (description, spelling) = entries[language] else { continue }
            try await tx.sql.raw(
                """
                DELETE FROM case_person_languages WHERE person_id = \(bind: personID)
                AND language = \(bind: language.rawValue)
                """
            ).run()
            guard !description.isEmpty || !spelling.isEmpty else { continue }
            let id = RandomID.make("personlang")
            try await tx.sql.insert(into: "case_person_languages")
                .columns(
                    "id", "person_id", "case_id", "language", "description_sealed", "spelling_sealed",
                    "changed_at"
                )
                .values(
                    id, personID, caseID, language.rawValue,
                    cipher.seal(description, in: .personLanguageDescription, row: id),
                    cipher.seal(spelling, in: .personLanguageSpelling, row: id), now.seconds
                )
                .run()
        }
        return true
    }
}
