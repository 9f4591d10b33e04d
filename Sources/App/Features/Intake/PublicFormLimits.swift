import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import SQLKit

/// Hits per source on the public forms, counted in the database so that every instance shares them. The source is
/// a keyed hash of the client address (the field key's lookup subkey), so a copy of the database without the key
/// cannot tell which address sent what; each row lives only as long as its window.
enum PublicFormLimits {
    /// Counts one more hit of `bucket` from `address` in the current window and returns the hits so far (this one
    /// included). One statement, so simultaneous hits on any instance are all counted.
    static func hit(
        _ bucket: String, from address: String, windowSeconds: Int64, now: Date, cipher: FieldCipher,
        on db: any Database
    ) async throws -> Int {
        // An IPv6 address counts as its /64: one host or line holds all of it (`ClientSource`).
        let source = cipher.lookupHash(ClientSource.network(of: address), context: "public-form-limit:\(bucket)")
        let moment = now.seconds, window = moment - moment % windowSeconds
        struct Row: Decodable { let hits: Int }
        let row = try await db.sql.raw(
            """
            INSERT INTO public_form_limits (bucket, source_hash, window_start, hits, expires_at)
            VALUES (\(bind: bucket), \(bind: source), \(bind: window), 1, \(bind: window + windowSeconds))
            ON CONFLICT (bucket, source_hash, window_start) DO UPDATE SET hits = public_form_limits.hits + 1
            RETURNING hits
            """
        ).first(decoding: Row.self)
        try await prune(now: moment, on: db)
        return row?.hits ?? 1
    }

    /// Whether one more hit is allowed (at most `limit` in the window); the hit is counted either way.
    static func allow(
        _ bucket: String, from address: String, limit: Int, windowSeconds: Int64, now: Date,
        cipher: FieldCipher, on db: any Database
    ) async throws -> Bool {
        try await hit(bucket, from: address, windowSeconds: windowSeconds, now: now, cipher: cipher, on: db) <= limit
    }

    private static let lastPrune = NIOLockedValueBox<Int64>(0)

    /// Deletes the rows of windows that have ended, at most once a minute per instance.
    static func prune(now: Int64, on db: any Database) async throws {
        let due = lastPrune.withLockedValue { last in
            guard now - last >= 60 || now < last else { return false }
            last = now
            return true
        }
        guard due else { return }
        try await db.sql.raw("DELETE FROM public_form_limits WHERE expires_at <= \(bind: now)").run()
    }
}

/// Reports that arrived from a busy source, listed for triage on the case dashboard.
enum IntakeBulk {
    static func flag(_ caseID: String, now: Date, on db: any Database) async throws {
        try await db.sql.raw(
            """
            INSERT INTO intake_bulk (case_id, flagged_at) VALUES (\(bind: caseID), \(bind: now.seconds))
            """
        ).run()
    }

    static func isFlagged(_ caseID: String, on db: any Database) async throws -> Bool {
        struct Row: Decodable { let n: Int }
        let row = try await db.sql.raw("SELECT COUNT(*) AS n FROM intake_bulk WHERE case_id = \(bind: caseID)")
            .first(decoding: Row.self)
        return (row?.n ?? 0) > 0
    }

    /// Cases still received and flagged, newest first (at most `limit`), with their total.
    static func waiting(
        limit: Int, on db: any Database
    ) async throws
        -> (total: Int, caseIDs: [(id: String, at: Int64)])
    {
        struct Count: Decodable { let n: Int }
        struct Row: Decodable { let caseId: String, flaggedAt: Int64 }
        let total =
            try await db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM intake_bulk b JOIN cases c ON c.id = b.case_id WHERE c.status = 'received'
                """
            ).first(decoding: Count.self)?.n ?? 0
        let rows = try await db.rows(
            """
            SELECT b.case_id, b.flagged_at FROM intake_bulk b JOIN cases c ON c.id = b.case_id
            WHERE c.status = 'received' ORDER BY b.flagged_at DESC, b.case_id LIMIT \(unsafeRaw: String(limit))
            """, as: Row.self
        )
        return (total, rows.map { ($0.caseId, $0.flaggedAt) })
    }
}
