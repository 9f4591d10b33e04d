import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Hands out reference codes: `MEX 001 / 1126 / OBS 077` for an original (the country's and the Observatory's
/// serials in the year), the original's code with `.N` for its N-th follow-up. Counters are rows incremented
/// inside the approval's transaction, so a code is never repeated and never skipped: a failed approval rolls
/// its increment back, and concurrent approvals wait for each other (row locks on PostgreSQL, and one writer
/// at a time in this process for SQLite).
enum ReferenceAllocator {
    static let lock = AsyncLock()

    /// The next value of a named counter (1 for a new one).
    static func increment(_ name: String, on sql: any SQLDatabase) async throws -> Int {
        struct Value: Decodable { let value: Int }
        let row = try await sql.raw("""
            INSERT INTO reference_counters (name, value) VALUES (\(bind: name), 1)
            ON CONFLICT (name) DO UPDATE SET value = reference_counters.value + 1 RETURNING value
            """).first(decoding: Value.self)
        guard let row else { throw Failure(description: "The reference counter \(name) could not be read.") }
        return row.value
    }

    /// The code for an original intervention on a case in `countryCode`, approved on `date`.
    static func original(countryCode: String, date: CivilDate, on sql: any SQLDatabase) async throws -> ReferenceCode {
        let alpha3 = CountryDirectory.shared.country(code: countryCode)?.alpha3 ?? String(countryCode.uppercased().prefix(3))
        // Always the Observatory's counter first, then the country's: every transaction locks in the same order.
        let observatory = try await increment("OBS-\(date.year)", on: sql)
        let country = try await increment("\(alpha3)-\(date.year)", on: sql)
        return ReferenceCode(alpha3: alpha3, countrySerial: country, month: date.month, year: date.year, observatorySerial: observatory)
    }

    /// The code of the next follow-up of the original whose code is `original`.
    static func followUp(of originalID: String, original: ReferenceCode, on sql: any SQLDatabase) async throws -> ReferenceCode {
        original.original.followUp(try await increment("FU-\(originalID)", on: sql))
    }

    struct Failure: Error, CustomStringConvertible { let description: String }
}
