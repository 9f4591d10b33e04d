import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// The codes in use (`reference_codes`, migration 031): one row per appeal, imported or allocated. The unique
/// constraints make a second holder of a serial impossible; `claim` says who holds it instead of failing.
enum ReferenceRegistry {
    struct Holder: Sendable, Decodable, Equatable { let code: String; let owner: String }

    /// The rows holding either of `code`'s serials (the Observatory's in the year, the country's in the year).
    static func holders(of code: ReferenceCode, on sql: any SQLDatabase) async throws -> [Holder] {
        try await sql.raw(
            """
            SELECT code, owner FROM reference_codes
            WHERE follow_up = \(bind: code.followUp ?? 0) AND year = \(bind: code.year)
            AND (observatory_serial = \(bind: code.observatorySerial)
                 OR (alpha3 = \(bind: code.alpha3) AND country_serial = \(bind: code.countrySerial)))
            """
        ).all(decoding: Holder.self)
    }

    /// Registers `code` for `owner`; nil when it is now (or already was) the owner's, else the other holder.
    static func claim(
        _ code: ReferenceCode, owner: String, source: String, now: Date = Date(),
        on sql: any SQLDatabase
    ) async throws -> Holder? {
        let held = try await holders(of: code, on: sql)
        if let other = held.first(where: { $0.owner != owner || $0.code != code.description }) { return other }
        if !held.isEmpty { return nil }
        struct Inserted: Decodable { let id: String }
        // Nothing returned: another transaction registered one of the serials in the meantime.
        let inserted = try await sql.raw(
            """
            INSERT INTO reference_codes (id, created_at, code, year, observatory_serial, alpha3, country_serial,
                follow_up,
              owner, source)
            VALUES (\(bind: UUID().uuidString), \(bind: now.seconds), \(bind: code.description), \(bind: code.year),
              \(bind: code.observatorySerial), \(bind: code.alpha3), \(bind: code.countrySerial),
              \(bind: code.followUp ?? 0), \(bind: owner), \(bind: source))
            ON CONFLICT DO NOTHING RETURNING id
            """
        ).first(decoding: Inserted.self)
        if inserted != nil { return nil }
        return try await holders(of: code, on: sql).first ?? Holder(code: code.description, owner: "another appeal")
    }

    /// Forgets the codes imported originals held, before their lines register them again (a code may change).
    static func release(importedOwners owners: [String], on sql: any SQLDatabase) async throws {
        guard !owners.isEmpty else { return }
        try await sql.delete(from: "reference_codes").where("source", .equal, "import").where(
            "owner", .in,
            owners
        ).run()
    }

    /// The highest value of `column` among codes matching the conditions (0 when none).
    static func highest(
        _ column: String, year: Int, followUp: Int? = 0, alpha3: String? = nil,
        observatorySerial: Int? = nil, on sql: any SQLDatabase
    ) async throws -> Int {
        struct Highest: Decodable { let m: Int? }
        let query = sql.select().column(SQLFunction("MAX", args: SQLIdentifier(column)), as: "m")
            .from("reference_codes").where("year", .equal, year)
        if let followUp { query.where("follow_up", .equal, followUp) }
        if let alpha3 { query.where("alpha3", .equal, alpha3) }
        if let observatorySerial { query.where("observatory_serial", .equal, observatorySerial) }
        return try await query.first(decoding: Highest.self)?.m ?? 0
    }

    /// Says who holds a code, for an importer's report.
    static func describe(_ holder: Holder) -> String {
        if holder.owner.hasPrefix("intervention:") {
            return "\"\(holder.code)\", an appeal approved in the office"
        }
        return "\"\(holder.code)\" of publication \(holder.owner.dropFirst("publication:".count))"
    }
}
