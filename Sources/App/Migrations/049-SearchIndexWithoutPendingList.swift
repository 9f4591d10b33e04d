import Fluent
import SQLKit

/// PostgreSQL's search index keeps no pending list. With one (GIN's `fastupdate`, on by default), new rows wait in
/// a list that a vacuum, an autoanalyze or a large insert moves into the index key by key; a search running
/// meanwhile can find only some of a row's keys there, and a tier that excludes a word (`… & !'^word'`) then
/// counts the row as not having it: the same publication twice on one results page (found in CI, seed 51717).
/// Without the list, every key of a row is in the index before the row is visible to anyone.
struct SearchIndexWithoutPendingList: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard SearchIndex.isPostgres(database.sql) else { return }
        try await database.sql.raw("ALTER INDEX publication_search_document SET (fastupdate = off)").run()
        // What waits in the list now is moved in at once; no new row goes there.
        try await database.sql.raw("SELECT gin_clean_pending_list('publication_search_document')").run()
    }

    func revert(on database: any Database) async throws {
        guard SearchIndex.isPostgres(database.sql) else { return }
        try await database.sql.raw("ALTER INDEX publication_search_document RESET (fastupdate)").run()
    }
}
