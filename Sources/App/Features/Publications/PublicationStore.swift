import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Writes publications and organisations: one batch per transaction, keyed by their stable source ids.
enum PublicationStore {
    struct BatchResult: Sendable {
        var stored = 0; var updated = 0; var held = 0
        /// Imported lines not stored because their reference code is held by another appeal.
        var refused: [Refused] = []
    }

    static let columns = [
        "id", "created_at", "updated_at", "status", "type", "kind", "language", "published_on", "year", "title",
        "country_codes", "programme_slugs", "reference", "follow_up_of", "translation_of", "event_date",
        "summary", "body"
    ]

    /// Inserts new ids and updates known ones (never a duplicate). Ids must be unique within `batch`.
    /// An import (`imported`) never overwrites what the office holds (see `heldByOffice`): those ids are skipped
    /// and counted as `held`, so a file cannot publish a draft, republish a withdrawn text or replace an approved one.
    static func upsert(
        _ batch: [ArchivePublication], status: String = "published", imported: Bool = false,
        on db: any Database, now: Date = Date()
    ) async throws -> BatchResult {
        guard !batch.isEmpty else { return BatchResult() }
        return try await db.write { tx in
            let sql = tx.sql
            let held = imported ? try await heldByOffice(batch.map(\.id), on: sql) : []
            var batch = batch.filter { !held.contains($0.id) }
            var refused: [Refused] = []
            if imported { (batch, refused) = try await registerCodes(batch, now: now, on: sql) }
            guard !batch.isEmpty else { return BatchResult(held: held.count, refused: refused) }
            let ids = batch.map(\.id)
            let existing = try await existingIDs(ids, table: "publications", on: sql)
            try await upsertRows(
                into: "publications", columns: columns,
                rows: batch.map { p in
                    [
                        p.id, now, now, status, p.type.rawValue, p.kind?.rawValue, p.language.rawValue,
                        p.published.description,
                        p.published.year, p.title, p.countries.joined(separator: ","),
                        p.programmes.map(\.rawValue).joined(separator: ","), p.reference, p.followUpOf, p.translationOf,
                        p.eventDate?.description, p.summary, p.body
                    ]
                }, on: sql)
            try await SearchIndex.update(ids: ids, on: sql)
            try await sql.delete(from: "publication_countries").where("publication_id", .in, ids).run()
            try await sql.delete(from: "publication_programmes").where("publication_id", .in, ids).run()
            // The join rows carry the publication's facets (keep them in step whenever status, type, language or date
            // change).
            func facets(_ p: ArchivePublication) -> [any Encodable & Sendable] {
                [status, p.type.rawValue, p.language.rawValue, p.published.year, p.published.description]
            }
            let countryRows = batch.flatMap { p in
                p.countries.enumerated().map { [p.id, $0.element, $0.offset] + facets(p) }
            }
            if !countryRows.isEmpty {
                let q = sql.insert(into: "publication_countries").columns(
                    "publication_id", "country_code", "position", "status", "type", "language", "year", "published_on")
                countryRows.forEach { q.values($0) }
                try await q.run()
            }
            let programmeRows = batch.flatMap { p in p.programmes.map { [p.id, $0.rawValue] + facets(p) } }
            if !programmeRows.isEmpty {
                let q = sql.insert(into: "publication_programmes").columns(
                    "publication_id", "programme", "status", "type", "language", "year", "published_on")
                programmeRows.forEach { q.values($0) }
                try await q.run()
            }
            return BatchResult(
                stored: batch.count - existing.count, updated: existing.count, held: held.count,
                refused: refused)
        }
    }

    /// The ids of `ids` the office holds: not public (a draft, a scheduled or withdrawn text), changed or approved
    /// through four eyes, or made by an intervention. Only the office changes them.
    static func heldByOffice(_ ids: [String], on sql: any SQLDatabase) async throws -> Set<String> {
        let notPublic = try await sql.select().column("id").from("publications").where("id", .in, ids)
            .where("status", .notEqual, "published").all(decoding: IDRow.self).map(\.id)
        struct Subject: Decodable { let subject: String }
        let subjects = ids.map { "publication:" + $0 }
        let reviewed = try await sql.select().column("subject").from("four_eyes_versions")
            .where("subject", .in, subjects).all(decoding: Subject.self).map { String($0.subject.dropFirst(12)) }
        struct Made: Decodable { let publicationId: String }
        let made = try await sql.select().column("publication_id").from("interventions")
            .where("publication_id", .in, ids).all(decoding: Made.self, keyDecodingStrategy: .convertFromSnakeCase)
            .map(\.publicationId)
        return Set(notPublic + reviewed + made)
    }

    static let organisationColumns = [
        "id", "created_at", "updated_at", "name", "type", "country_code",
        "working_languages", "networks", "founded", "website"
    ]

    static func upsert(
        _ batch: [ArchiveOrganisation], on db: any Database, now: Date = Date()
    ) async throws -> BatchResult {
        guard !batch.isEmpty else { return BatchResult() }
        return try await db.write { tx in
            let sql = tx.sql
            let existing = try await existingIDs(batch.map(\.id), table: "organisations", on: sql)
            try await upsertRows(
                into: "organisations", columns: organisationColumns,
                rows: batch.map { o in
                    [
                        o.id, now, now, o.name, o.type?.rawValue, o.country, o.workingLanguages.joined(separator: ","),
                        o.networks.joined(separator: ","), o.founded, o.website
                    ]
                }, on: sql)
            return BatchResult(stored: batch.count - existing.count, updated: existing.count)
        }
    }

    /// One multi-row INSERT keyed by `id`; a known id has every column but `id` and `created_at` replaced.
    static func upsertRows(
        into table: String, columns: [String], rows: [[any Encodable & Sendable]], on sql: any SQLDatabase
    ) async throws {
        let insert = sql.insert(into: table).columns(columns)
        rows.forEach { insert.values($0) }
        try await insert.onConflict(with: ["id"]) { update in
            for column in columns where column != "id" && column != "created_at" {
                update.set(excludedValueOf: column)
            }
            return update
        }.run()
    }

    private struct IDRow: Decodable { let id: String }

    static func existingIDs(_ ids: [String], table: String, on sql: any SQLDatabase) async throws -> Set<String> {
        let rows = try await sql.select().column("id").from(table).where("id", .in, ids).all(decoding: IDRow.self)
        return Set(rows.map(\.id))
    }
}
