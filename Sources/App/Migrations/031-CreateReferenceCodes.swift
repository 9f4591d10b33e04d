import Fluent
import ObservatoryCore
import SQLKit

/// Every reference code in use, imported or allocated, one row per appeal (its translations share it), so that
/// the allocator continues after the highest and no code is held by two appeals: the Observatory's serial is
/// unique in its year, the country's serial in its country and year (each with the follow-up number, 0 for an
/// original). `owner` is `publication:<id>` (an imported original) or `intervention:<id>` (an allocated code).
/// Codes already stored are registered, interventions first; a clash among them keeps the first.
struct CreateReferenceCodes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("reference_codes")
            // managed fields
            .field("id", .string, .identifier(auto: false))
            .field("created_at", .int64, .required)
            // data fields
            .field("code", .string, .required)
            .field("year", .int, .required)
            .field("observatory_serial", .int, .required)
            .field("alpha3", .string, .required)
            .field("country_serial", .int, .required)
            .field("follow_up", .int, .required)
            .field("owner", .string, .required)
            .field("source", .string, .required)
            // constraints
            .unique(on: "year", "observatory_serial", "follow_up", name: "reference_codes_observatory")
            .unique(on: "alpha3", "year", "country_serial", "follow_up", name: "reference_codes_country")
            .create()
        try await database.sql.create(index: "reference_codes_owner").on("reference_codes").column("owner").run()
        struct Held: Decodable { let id: String; let reference: String; let translationOf: String? }
        let sql = database.sql
        let interventions = try await sql.raw(
            "SELECT id, reference, translation_of FROM interventions WHERE reference IS NOT NULL "
                + "ORDER BY approved_at, id"
        )
        .all(decoding: Held.self, keyDecodingStrategy: .convertFromSnakeCase)
        for row in interventions {
            guard let code = ReferenceCode(row.reference) else { continue }
            _ = try await ReferenceRegistry.claim(
                code, owner: "intervention:\(row.translationOf ?? row.id)",
                source: "allocated", on: sql)
        }
        let publications = try await sql.raw(
            """
            SELECT id, reference, translation_of FROM publications WHERE reference IS NOT NULL
            ORDER BY published_on, id
            """
        ).all(decoding: Held.self, keyDecodingStrategy: .convertFromSnakeCase)
        for row in publications {
            guard let code = ReferenceCode(row.reference) else { continue }
            _ = try await ReferenceRegistry.claim(
                code, owner: "publication:\(row.translationOf ?? row.id)",
                source: "import", on: sql)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("reference_codes").delete()
    }
}
