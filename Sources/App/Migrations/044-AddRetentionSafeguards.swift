import Fluent
import SQLKit

/// Retention's safeguards (review of issue 20, findings 4, 5 and 15): when a record was anonymised (a case
/// reopened and closed again after it counts afresh from its new activity), the sealed note a case officer may
/// add to a decision (the audit trail keeps only a reason from a fixed list), and a shortened period's pending
/// start (no record expires under it before the notice window of the period it replaced has passed).
struct AddRetentionSafeguards: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        for statement in [
            "ALTER TABLE retention_decisions ADD COLUMN anonymised_at BIGINT",
            "ALTER TABLE retention_decisions ADD COLUMN note_sealed TEXT",
            "ALTER TABLE retention_policies ADD COLUMN previous_days INTEGER",
            "ALTER TABLE retention_policies ADD COLUMN effective_from BIGINT"
        ] {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
        try await sql.raw(
            """
            UPDATE retention_decisions SET anonymised_at = decided_at WHERE decision = 'anonymise'
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for (table, column) in [
            ("retention_decisions", "anonymised_at"), ("retention_decisions", "note_sealed"),
            ("retention_policies", "previous_days"), ("retention_policies", "effective_from")
        ] {
            try await sql.raw("ALTER TABLE \(unsafeRaw: table) DROP COLUMN \(unsafeRaw: column)").run()
        }
    }
}
