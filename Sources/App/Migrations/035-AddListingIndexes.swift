import Fluent
import SQLKit

/// Indexes that let every list page with one or two filters read its 30 rows in order instead of sorting all the
/// matches (issue 22). The facet rows of countries and programmes get the publication's date, so a country's or a
/// programme's newest publications are one index walk, also under a type filter.
struct AddListingIndexes: AsyncMigration {
    static let facetTables = [("publication_countries", "country_code"), ("publication_programmes", "programme")]

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        for (table, key) in Self.facetTables {
            try await sql.raw("ALTER TABLE \(unsafeRaw: table) ADD COLUMN published_on TEXT NOT NULL DEFAULT ''").run()
            try await sql.raw(
                """
                UPDATE \(unsafeRaw: table) SET published_on =
                (SELECT p.published_on FROM publications p WHERE p.id = \(unsafeRaw: table).publication_id)
                """
            ).run()
            try await sql.create(index: "\(table)_listing").on(table)
                .column("status").column(key).column("published_on").column("publication_id").run()
            try await sql.create(index: "\(table)_type_listing").on(table)
                .column("status").column(key).column("type").column("published_on").column("publication_id").run()
        }
        for facet in ["type", "language", "year"] {
            try await sql.create(index: "publications_\(facet)_listing").on("publications")
                .column("status").column(facet).column("published_on").column("id").run()
        }
        // Planner statistics for the new indexes at once (an archive already stored is planned well from the start).
        if sql.dialect.name == "postgresql" {
            try await sql.raw("ANALYZE publications, publication_countries, publication_programmes").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for facet in ["type", "language", "year"] { try await sql.drop(index: "publications_\(facet)_listing").run() }
        for (table, _) in Self.facetTables {
            try await sql.drop(index: "\(table)_type_listing").run()
            try await sql.drop(index: "\(table)_listing").run()
            try await sql.raw("ALTER TABLE \(unsafeRaw: table) DROP COLUMN published_on").run()
        }
    }
}
