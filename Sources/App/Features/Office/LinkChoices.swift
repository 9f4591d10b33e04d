import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// The records a person may link, found by what she knows of them. Case officers see every case; editors every
/// publication; campaigns are not confidential.
enum LinkChoices {
    /// Cases found by working title, the names of their people, their interventions' reference codes, their
    /// country or id; the most recently active first (the 500 most recent are searched).
    static func cases(
        query: String, cipher: FieldCipher,
        on db: any Database
    ) async throws -> (found: [Choice], more: Bool) {
        let files = try await CaseStore.list(status: nil, cipher: cipher, on: db)
        guard !files.isEmpty else { return ([], false) }
        let ids = files.map(\.id)
        struct PersonRow: Decodable { let id: String, caseId: String, nameSealed: String }
        var names: [String: [String]] = [:]
        let people = try await db.rows(
            """
            SELECT id, case_id, name_sealed FROM case_people WHERE case_id IN (\(binds: ids)) ORDER BY position, id
            """, as: PersonRow.self
        )
        for row in people {
            let name = try cipher.open(row.nameSealed, in: .personName, row: row.id).reveal()
            names[row.caseId, default: []].append(name)
        }
        struct CodeRow: Decodable { let caseId: String, reference: String }
        var codes: [String: [String]] = [:]
        for row in try await db.rows(
            """
            SELECT case_id, reference FROM interventions WHERE reference IS NOT NULL AND case_id IN (\(binds: ids))
            """, as: CodeRow.self
        ) {
            codes[row.caseId, default: []].append(row.reference)
        }
        let (found, more) = ChoiceSearch.filter(files, query: query) { f in
            [f.label.reveal(), f.countryName, f.country, f.id] + (names[f.id] ?? []) + (codes[f.id] ?? [])
        }
        return (
            found.map { f in
                let detail = ([f.countryName, f.status.label] + (names[f.id] ?? []) + (codes[f.id] ?? []))
                    .joined(separator: " · ")
                return Choice(id: f.id, label: f.label.reveal(), detail: detail)
            }, more
        )
    }

    /// Publications found by title, reference code, country or id; newest first (the 5,000 newest are searched, and
    /// an exact id or reference code reaches any).
    static func publications(query: String, on db: any Database) async throws -> (found: [Choice], more: Bool) {
        struct Row: Decodable {
            let id: String, title: String?, reference: String?, countryCodes: String
            let publishedOn: String, status: String
        }
        let columns = "id, title, reference, country_codes, published_on, status"
        let exact = query.trimmingCharacters(in: .whitespaces)
        var rows = try await db.rows(
            """
            SELECT \(unsafeRaw: columns) FROM publications WHERE id = \(bind: exact) OR reference = \(bind: exact)
            """, as: Row.self
        )
        let known = Set(rows.map(\.id))
        rows += try await db.rows(
            """
            SELECT \(unsafeRaw: columns) FROM publications ORDER BY published_on DESC, id LIMIT 5000
            """, as: Row.self
        ).filter { !known.contains($0.id) }
        func countries(_ r: Row) -> [String] {
            r.countryCodes.split(separator: ",").map {
                CountryDirectory.shared.country(code: String($0))?.name ?? String($0)
            }
        }
        let (found, more) = ChoiceSearch.filter(rows, query: query) { r in
            [r.title ?? "", r.reference ?? "", r.id, r.countryCodes] + countries(r)
        }
        return (
            found.map { r in
                let detail =
                    ([r.publishedOn] + countries(r) + [r.reference ?? "", r.status == "published" ? "" : r.status])
                    .filter { !$0.isEmpty }.joined(separator: " · ")
                return Choice(id: r.id, label: r.title.flatMap { $0.isEmpty ? nil : $0 } ?? r.id, detail: detail)
            }, more
        )
    }

    /// These publications, in this order, as choices (an id no longer stored is shown as itself).
    static func publications(ids: [String], on db: any Database) async throws -> [Choice] {
        guard !ids.isEmpty else { return [] }
        struct Row: Decodable { let id: String, title: String?, publishedOn: String, status: String }
        let rows = try await db.rows(
            """
            SELECT id, title, published_on, status FROM publications WHERE id IN (\(binds: ids))
            """, as: Row.self
        )
        return ids.map { id in
            guard let r = rows.first(where: { $0.id == id }) else {
                return Choice(id: id, label: id, detail: "not found")
            }
            let detail = r.status == "published" ? r.publishedOn : "\(r.publishedOn) · \(r.status)"
            return Choice(id: id, label: r.title.flatMap { $0.isEmpty ? nil : $0 } ?? id, detail: detail)
        }
    }

    /// Campaigns found by title or address.
    static func campaigns(query: String, on db: any Database) async throws -> (found: [Campaign], more: Bool) {
        ChoiceSearch.filter(try await CampaignStore.all(on: db), query: query) { [$0.title, $0.id] }
    }
}
