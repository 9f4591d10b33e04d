import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import Vapor

/// The clock, behind a protocol so tests can fix "today".
public protocol SiteClock: Sendable {
    func now() -> Date
}

public struct SystemClock: SiteClock {
    public init() {}
    public func now() -> Date { Date() }
}

public struct FixedClock: SiteClock {
    public let date: Date
    public init(_ date: Date) { self.date = date }
    public func now() -> Date { date }
}

extension SiteClock {
    /// Today's date in UTC.
    var today: CivilDate { CivilDate(daysSinceEpoch: Int((now().timeIntervalSince1970 / 86_400).rounded(.down))) }
}

/// Everything with a side effect or shared state, built once at boot; no globals.
struct SiteServices: Sendable {
    let config: AppConfig
    let clock: any SiteClock
    let pageCache: PageCache
    let contentWatcher: ContentWatcher
    /// Encrypts and decrypts confidential case fields.
    let cipher: FieldCipher
    /// Hands mail to the SMTP server (nil when none is configured: messages wait in the outbox).
    var mailer: (any Mailer)?
    /// Writes subscribers' messages.
    var composer: MailComposer {
        MailComposer(
            cipher: cipher, baseURL: config.publicURL ?? "http://localhost:8080",
            from: config.smtp?.from ?? "observatory@localhost",
            fromName: config.smtp?.fromName ?? "Observatory")
    }
    /// Counts public reports and receipt look-ups per address, in memory only (no address is stored).
    let intakeLimiter = IntakeLimiter()
    /// Mission kits made from the mission page, until downloaded (in memory only).
    let kitDownloads = KitDownloads()
    /// Every internal route with the access it allows (read by the authorisation tests).
    let routes = RouteRegistry()
    let dummyHash = NIOLockedValueBox<String?>(nil)

    var sessionPolicy: SessionPolicy {
        SessionPolicy(
            idleSeconds: Int64(config.sessionIdleMinutes) * 60, absoluteSeconds: Int64(config.sessionMaxHours) * 3600)
    }

    /// A bcrypt hash of a random password, checked against when an account is unknown so that a wrong
    /// e-mail address takes as long to refuse as a wrong password.
    func storedOrDummyHash(_ stored: String?, _ req: Request) async throws -> String {
        if let stored { return stored }
        return try await dummyPasswordHash(req)
    }

    func dummyPasswordHash(_ req: Request) async throws -> String {
        if let known = dummyHash.withLockedValue({ $0 }) { return known }
        let hash = try await req.password.async.hash(AccountSecrets.randomToken())
        dummyHash.withLockedValue { $0 = hash }
        return hash
    }
}

extension Application {
    private struct ServicesKey: StorageKey { typealias Value = SiteServices }

    var site: SiteServices {
        get {
            guard let services = storage[ServicesKey.self] else {
                fatalError("configure(_:_:) has not set up the services")
            }
            return services
        }
        set { storage[ServicesKey.self] = newValue }
    }
}

extension Request {
    var site: SiteServices { application.site }
}
