import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// A number that grows whenever published content changes. Every instance compares it with the one its
/// page cache was built at, so a change made anywhere (another instance, an import) drops stale pages.
enum ContentVersion {
    struct Snapshot: Sendable, Equatable {
        let version: Int64
        let changedAt: Date
        /// `changedAt` as an HTTP date, formatted once per read rather than once per response.
        let lastModified: String

        init(version: Int64, changedAt: Date) {
            self.version = version
            self.changedAt = changedAt
            lastModified = Self.httpDate(changedAt)
        }

        /// RFC 9110 IMF-fixdate: `Mon, 23 Nov 2026 02:41:38 GMT`.
        static func httpDate(_ date: Date) -> String {
            let seconds = Int(date.timeIntervalSince1970.rounded(.down))
            let days = Int((Double(seconds) / 86_400).rounded(.down))
            let day = CivilDate(daysSinceEpoch: days)
            let rest = seconds - days * 86_400
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][
                day.month - 1]
            return
                """
                \(weekday), \(two(day.day)) \(month) \(day.year) \
                \(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60)) GMT
                """
        }
    }

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
            .onConflict(with: ["key"]) {
                $0.set(
                    "value",
                    to: SQLBinaryExpression(SQLColumn("value", table: "site_state"), .add, SQLLiteral.numeric("1")))
            }
            .run()
        try await sql.insert(into: "site_state").columns("key", "value").values("content_changed_at", seconds)
            .onConflict(with: ["key"]) { $0.set(excludedValueOf: "value") }
            .run()
    }
}
