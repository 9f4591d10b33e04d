import Crypto
import Foundation
import NIOConcurrencyHelpers

/// Limits how often one address may send reports or try receipt codes. Kept in memory only: addresses are
/// keyed by an HMAC with a key made at start-up, so not even this process keeps them in clear, and nothing is stored.
final class IntakeLimiter: Sendable {
    private let key = SymmetricKey(size: .bits256)
    private let hits = NIOLockedValueBox<[String: [Int64]]>([:])

    /// Whether one more attempt in `bucket` is allowed for `address`; counts it when allowed.
    func allow(_ address: String, bucket: String, limit: Int, windowSeconds: Int64, now: Date) -> Bool {
        let mac = HMAC<SHA256>.authenticationCode(for: Array((bucket + "|" + address).utf8), using: key)
        let id = Data(mac).base64EncodedString()
        let moment = Int64(now.timeIntervalSince1970)
        return hits.withLockedValue { hits in
            if hits.count > 50_000 { hits = hits.filter { $0.value.last.map { moment - $0 < windowSeconds } ?? false } }
            let recent = (hits[id] ?? []).filter { moment - $0 < windowSeconds }
            guard recent.count < limit else { hits[id] = recent; return false }
            hits[id] = recent + [moment]
            return true
        }
    }
}
