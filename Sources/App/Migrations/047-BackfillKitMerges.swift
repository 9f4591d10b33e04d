import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Kits merged before 045 kept `merged_sha256` empty, so a second, crafted file of such a kit, not yet expired, was
/// still merged once (review of issue 20, round 3, finding 10). Every export whose merge is in the audit log
/// (`mission.kit-merge`, naming the kit's id) is marked merged at that entry's time, from a file that was not
/// recorded: any file of that kit is refused from now on. A merge that changed nothing left no entry, and nothing
/// to replay against.
struct BackfillKitMerges: AsyncMigration {
    static let unrecordedFile = "unrecorded"

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        struct Export: Decodable { let id: String, missionId: String }
        struct Entry: Decodable { let at: String, detail: String }
        let exports = try await sql.raw("SELECT id, mission_id FROM kit_exports WHERE merged_sha256 IS NULL")
            .all(decoding: Export.self, keyDecodingStrategy: .convertFromSnakeCase)
        for export in exports {
            let entries = try await sql.raw(
                """
                SELECT at, detail FROM audit_log WHERE action = 'mission.kit-merge' AND record_id = \
                \(bind: export.missionId) ORDER BY sequence
                """
            ).all(decoding: Entry.self)
            guard let first = entries.first(where: { $0.detail.contains("(\(export.id))") }) else { continue }
            let seconds = ISO8601DateFormatter().date(from: first.at).map { Int64($0.timeIntervalSince1970) } ?? 0
            try await sql.update("kit_exports").set("merged_at", to: SQLBind(seconds))
                .set("merged_sha256", to: SQLBind(Self.unrecordedFile)).where("id", .equal, SQLBind(export.id)).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.sql.update("kit_exports").set("merged_at", to: SQLLiteral.null)
            .set("merged_sha256", to: SQLLiteral.null)
            .where("merged_sha256", .equal, SQLBind(Self.unrecordedFile)).run()
    }
}
