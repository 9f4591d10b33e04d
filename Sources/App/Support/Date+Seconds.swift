import Foundation

extension Date {
    /// Seconds since 1970, as the tables store moments.
    var seconds: Int64 { Int64(timeIntervalSince1970) }
}
