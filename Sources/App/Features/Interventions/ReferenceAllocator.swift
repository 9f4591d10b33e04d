import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Hands out reference codes: `MEX 001 / 1126 / OBS 077` for an original (the country's and the Observatory's
/// serials in the year, after the highest in use, imported or allocated), the original's code with `.N` for its
/// N-th follow-up. Each code is registered in `reference_codes` (see `ReferenceRegistry`). Counters are rows
/// incremented
/// inside the approval's transaction, so a code is never repeated and never skipped: a failed approval rolls
/// its increment back, and concurrent approvals wait for each other (row locks on PostgreSQL, and one writer
/// at a time in this process for SQLite).
enum ReferenceAllocator {
    static let lock = AsyncLock()

    /// The next value of a named counter (1 for a new one).
    static func increment(_ name: String, on sql: any SQLDatabase) async throws -> Int {
        struct Value: Decodable { let value: Int }
        let row = try await sql.raw(
            """
            INSERT INTO reference_counters (name, value) VALUES (\(bind: name), 1)
            ON CONFLICT (name) DO UPDATE SET value = reference_counters.value + 1 RETURNING value
            """
        ).first(decoding: Value.self)
        guard let row else { throw Failure(description: "The reference counter \(name) could not be read.") }
        return row.value
    }

    /// The code for an original intervention `owner` (`intervention:<id>`) on a case in `countryCode`, approved on
    /// `date`: each serial continues after the highest already in use that year, imported or allocated.
    static func original(
        countryCode: String, date: CivilDate, owner: String,
        on sql: any SQLDatabase
    ) async throws -> ReferenceCode {
        let alpha3 =
            CountryDirectory.shared.country(code: countryCode)?.alpha3 ?? String(countryCode.uppercased().prefix(3))
        let year = date.year % 100
        for _ in 0..<5 {
            // Always the Observatory's counter first, then the country's: every transaction locks in the same order.
            let observatory = try await next("OBS-\(date.year)", on: sql) {
                try await ReferenceRegistry.highest("observatory_serial", year: year, on: sql)
            }
            let country = try await next("\(alpha3)-\(date.year)", on: sql) {
                try await ReferenceRegistry.highest("country_serial", year: year, alpha3: alpha3, on: sql)
            }
            let code = ReferenceCode(
                alpha3: alpha3, countrySerial: country, month: date.month, year: date.year,
                observatorySerial: observatory)
            // Taken only when an import registered it in the meantime: the next turn starts after it.
            if try await ReferenceRegistry.claim(
                code, owner: owner, source: "allocated",
                on: sql) == nil
            {
                return code
            }
        }
        throw Failure(description: "No free reference code was found for \(alpha3) in \(date.year).")
    }

    /// The code of the next follow-up (owner `intervention:<id>`) of the original whose code is `original`.
    static func followUp(
        of originalID: String, original: ReferenceCode, owner: String,
        on sql: any SQLDatabase
    ) async throws -> ReferenceCode {
        for _ in 0..<5 {
            let n = try await next("FU-\(originalID)", on: sql) {
                try await ReferenceRegistry.highest(
                    "follow_up", year: original.year, followUp: nil,
                    observatorySerial: original.observatorySerial, on: sql)
            }
            let code = original.original.followUp(n)
            if try await ReferenceRegistry.claim(
                code, owner: owner, source: "allocated",
                on: sql) == nil
            {
                return code
            }
        }
        throw Failure(description: "No free follow-up code was found for \(original.original).")
    }

    /// The counter's next value, or one after the highest in use when that is more (the counter then moves there).
    static func next(_ name: String, on sql: any SQLDatabase, highest: () async throws -> Int) async throws -> Int {
        let counted = try await increment(name, on: sql)
        let (after, overflow) = try await highest().addingReportingOverflow(1)
        if overflow { throw Failure(description: "The reference counter \(name) has no next value.") }
        guard after > counted else { return counted }
        try await sql.update("reference_counters").set("value", to: after).where("name", .equal, name).run()
        return after
    }

    struct Failure: Error, CustomStringConvertible { let description: String }
}
