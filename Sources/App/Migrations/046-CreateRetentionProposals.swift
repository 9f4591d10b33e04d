import Fluent
import SQLKit

/// A shortened retention period waits for a second administrator (review of retsafe, finding 1): one row per kind
/// proposed, with who proposed it and when. Until it is confirmed the period in force stays. And whether a
/// truncation of SQLite's write-ahead log after an erasure is still owed (finding 3).
struct CreateRetentionProposals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw(
            """
            CREATE TABLE retention_proposals (kind TEXT PRIMARY KEY, days INTEGER NOT NULL, \
            proposed_by TEXT NOT NULL, proposed_at BIGINT NOT NULL)
            """
        ).run()
        // A write-ahead log truncation an erasure could not complete (finding 3), retried by the 10-minute check.
        try await database.sql.raw(
            "CREATE TABLE retention_checkpoint_owed (id INTEGER PRIMARY KEY, since BIGINT NOT NULL)"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP TABLE retention_checkpoint_owed").run()
        try await database.sql.raw("DROP TABLE retention_proposals").run()
    }
}
