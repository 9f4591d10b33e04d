import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import Vapor

/// Requests per minute an instance accepts from one source. Buckets are kept apart so that nobody can spend
/// someone else's: anonymous reads count per source address (a keyed hash, in memory only); a request with a valid
/// token counts against that token alone, never against its address; a wrong token costs its sender's address
/// only, and never locks the token's owner out.
final class ApiRateLimiter: Sendable {
    struct Limits: Sendable { var anonymous = 300, tokenReads = 1_200, tokenWrites = 120 }
    let limits: Limits
    private let buckets = NIOLockedValueBox<[String: (minute: Int64, hits: Int)]>([:])

    init(limits: Limits = Limits()) { self.limits = limits }

    /// `OBSERVATORY_API_LIMITS=ANON,READS,WRITES` (requests a minute) replaces the defaults of 300, 1200, 120.
    static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment
    ) throws
        -> ApiRateLimiter
    {
        guard let raw = env["OBSERVATORY_API_LIMITS"], !raw.isEmpty else { return ApiRateLimiter() }
        let numbers = raw.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 3, numbers.allSatisfy({ (1...1_000_000).contains($0) }) else {
            throw AppConfig.Invalid(problems: [
                "OBSERVATORY_API_LIMITS: give three numbers of requests a minute, "
                    + "ANON,READS,WRITES (e.g. 300,1200,120), not “\(raw.prefix(40))”"
            ])
        }
        return ApiRateLimiter(limits: Limits(anonymous: numbers[0], tokenReads: numbers[1], tokenWrites: numbers[2]))
    }

    /// Counts one hit in `bucket`; nil when allowed, else the seconds until the next minute.
    func hit(_ bucket: String, limit: Int, now: Date) -> Int? {
        let seconds = Int64(now.timeIntervalSince1970), minute = seconds / 60
        return buckets.withLockedValue { buckets in
            if buckets.count > 50_000 { buckets = buckets.filter { $0.value.minute == minute } }
            var entry: (minute: Int64, hits: Int) =
                buckets[bucket].flatMap { $0.minute == minute ? $0 : nil }
                ?? (minute, 0)
            entry.hits += 1
            buckets[bucket] = entry
            return entry.hits > limit ? Int(60 - seconds % 60) : nil
        }
    }
}

extension Application {
    private struct ApiLimiterKey: StorageKey { typealias Value = ApiRateLimiter }
    /// The API's rate limiter (tests may set tighter limits before requests arrive).
    var apiLimiter: ApiRateLimiter {
        get {
            if let limiter = storage[ApiLimiterKey.self] { return limiter }
            let made = ApiRateLimiter()
            storage[ApiLimiterKey.self] = made
            return made
        }
        set { storage[ApiLimiterKey.self] = newValue }
    }
}
