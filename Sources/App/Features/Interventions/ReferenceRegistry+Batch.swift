import Foundation
import ObservatoryCore
import SQLKit

extension ReferenceRegistry {
    /// `claim` for many codes at once, as if claimed one after the other in this order (issue 22: an import
    /// registered each code in two queries of its own, 130,000 queries for 100,000 lines). One multi-row
    /// `INSERT … ON CONFLICT DO NOTHING RETURNING id` registers every code nobody holds; a code it skipped (held
    /// already, or by an earlier entry of the same list) goes through `claim`, which names its holder.
    static func claimAll(
        _ claims: [(code: ReferenceCode, owner: String)], source: String, now: Date,
        on sql: any SQLDatabase
    ) async throws -> [Holder?] {
        guard !claims.isEmpty else { return [] }
        struct Inserted: Decodable { let id: String }
        let ids = claims.map { _ in UUID().uuidString }
        var inserted: Set<String> = []
        for start in stride(from: 0, to: claims.count, by: 1_000) {
            let range = start..<min(start + 1_000, claims.count)
            let rows: [SQLQueryString] = range.map { i in
                let code = claims[i].code
                return """
                    (\(bind: ids[i]), \(bind: now.seconds), \(bind: code.description), \(bind: code.year), \
                    \(bind: code.observatorySerial), \(bind: code.alpha3), \(bind: code.countrySerial), \
                    \(bind: code.followUp ?? 0), \(bind: claims[i].owner), \(bind: source))
                    """
            }
            let query: SQLQueryString = """
                INSERT INTO reference_codes (id, created_at, code, year, observatory_serial, alpha3, country_serial,
                    follow_up, owner, source)
                VALUES \(rows.joined(separator: ", ")) ON CONFLICT DO NOTHING RETURNING id
                """
            inserted.formUnion(try await sql.raw(query).all(decoding: Inserted.self).map(\.id))
        }
        var holders: [Holder?] = []
        for (i, claim) in claims.enumerated() {
            holders.append(
                inserted.contains(ids[i])
                    ? nil : try await self.claim(claim.code, owner: claim.owner, source: source, now: now, on: sql))
        }
        return holders
    }
}
