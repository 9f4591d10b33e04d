import Fluent
import Foundation
import SQLKit

/// A number that grows whenever published content changes. Every instance compares it with the one its
/// page cache was built at, so a change made anywhere (another instance, an import) drops stale pages.
enum ContentVersion {
    struct Snapshot: Sendable, Equatable { let version: Int64; let changedAt: Date }

    private struct Row: Decodable { let key: String; let value: Int64 }

    static func read(on db: any Database) async throws -> Snapshot {
        let rows = try await db.sql.select().columns("key", "value").from("site_state")
            .where("key", .in, ["content_version", "content_changed_at"]).all(decoding: Row.self)
        let version = rows.first { $0.key == "content_version" }?.value ?? 0
        let changed = rows.first { $0.key == "content_changed_at" }?.value ?? 0
        return Snapshot(version: version, changedAt: Date(timeIntervalSince1970: TimeInterval(changed)))
    }

    /// Records a change; call it after every write that public pages show.
    static func bump(on db: any Database, now: Date = Date()) async throws {
        let sql = db.sql
        let seconds = Int64(now.timeIntervalSince1970)
        try await sql.insert(into: "site_state").columns("key", "value").values("content_version", Int64(1))
            .onConflict(with: ["key"]) { $0.set("value", to: SQLBinaryExpression(SQLColumn("value", table: "site_state"), .add, SQLLiteral.numeric("1"))) }
            .run()
        try await sql.insert(into: "site_state").columns("key", "value").values("content_changed_at", seconds)
            .onConflict(with: ["key"]) { $0.set(excludedValueOf: "value") }
            .run()
    }
}
