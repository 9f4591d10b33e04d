import Foundation

/// How many wrong passphrases a kit on this laptop may be given, and how long each next try waits: the count is
/// kept beside the local copy and written before each try, so that killing the program does not reset it.
///
/// This slows down and stops guessing through `kit open`; a copy of the file can still be attacked offline, which
/// is why the passphrase has 120 bits and the key is derived with scrypt.
public struct KitAttempts: Sendable, Equatable, Codable {
    public static let allowed = 5
    public var failures: Int
    public var lastAt: Int64

    public init(failures: Int = 0, lastAt: Int64 = 0) { self.failures = failures; self.lastAt = lastAt }

    /// No more tries once `allowed` have failed.
    public var isLocked: Bool { failures >= Self.allowed }

    /// Seconds to wait before the next try: none at first, then 2, 4, 8, 16 after each failure.
    public var wait: Int { failures == 0 ? 0 : min(1 << failures, 60) }
}
