import Foundation
import ObservatoryCore

/// Everything Observatory reads from its environment, decoded once at boot.
/// A bad value stops start-up with an error that names the variable.
public struct AppConfig: Sendable {
    public enum Storage: Sendable, Equatable {
        case sqlite(path: String)  // ":memory:" for an in-memory database
        case postgres(url: String, searchPath: String? = nil)
    }

    public var storage: Storage
    /// Load the demo archive into an empty database on `serve`.
    public var demo: Bool
    /// "N new" counts publications of the last `newDays` days.
    public var newDays: Int
    /// Serve anonymous public pages from rendered copies kept in memory.
    public var pageCache: Bool
    /// How often (seconds) an instance looks for changes made by another instance or process.
    public var changePollSeconds: Double
    /// The public address used in feeds' absolute links, e.g. `https://observatory.example`.
    public var publicURL: String?
    /// Believe `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy in front of the app.
    public var trustProxy: Bool = false
    /// Sessions end after this many minutes without a request, and after `sessionMaxHours` in any case.
    public var sessionIdleMinutes: Int = 30
    public var sessionMaxHours: Int = 12
    /// bcrypt's cost factor (2^cost rounds); tests lower it to run fast.
    public var passwordCost: Int = 12
    /// The mail server subscribers' messages go through; nil: messages wait in the outbox.
    public var smtp: SMTPSettings? = nil
    /// Minutes a new publication waits before it is mailed, so translations published meanwhile go instead.
    public var mailDelayMinutes: Int = 10
    /// A connection that sends and receives nothing for this long is closed: a request left half-sent, or an idle
    /// keep-alive connection (Vapor's one idle timer; see the README).
    public var idleTimeoutSeconds: Int = 30
    /// Memory (MB) that request bodies larger than a small form may hold at once in this instance; others wait.
    public var uploadMemoryMB: Int = 24
    /// Reports an hour from one source (keyed hash of its address) before further ones are stored for bulk triage.
    public var intakeBulkAfter: Int = 20
    /// `OBSERVATORY_ONION_URL`: the site's onion service, announced with `Onion-Location` on public pages.
    public var onion: OnionAddress? = nil
    /// Addresses per sitemap file before `/sitemap.xml` becomes an index of `/sitemap-N.xml` (the protocol's 50,000).
    public var sitemapPageSize: Int = 50_000

    /// Retention (issue 20): the periods, the due records and their decisions, and the background check. Off in a
    /// mission kit's local copy on a laptop: the office decides what is kept, a kit copy never erases anything.
    public var retention: Bool = true

    /// Where the key that encrypts confidential case fields comes from (never the database).
    public var key: KeySource = .beside
    public enum KeySource: Sendable, Equatable {
        /// `OBSERVATORY_KEY`: base64 of 32 bytes.
        case text(String)
        /// `OBSERVATORY_KEY_FILE`: a file holding that text.
        case file(String)
        /// Embedded default: `<database file>.key`, made on first start.
        case beside
    }

    /// Refuse to start when the key is not the database's (`KeyGuard.verify`); off only for `observatory key`.
    public var verifyKey = true

    /// The key provider this configuration names.
    public var keyProvider: any KeyProvider {
        switch key {
        case .text(let text): return StaticKey(text)
        case .file(let path): return KeyFile(path: path, createIfMissing: false)
        case .beside:
            if case .sqlite(let path) = storage, path != ":memory:" {
                return KeyFile(path: path + ".key", createIfMissing: true)
            }
            return StaticKey(FieldCipher.newKeyText())  // an in-memory database lives no longer than its key
        }
    }

    public init(
        storage: Storage = .sqlite(path: "observatory.sqlite"), demo: Bool = true, newDays: Int = 7,
        pageCache: Bool = true, changePollSeconds: Double = 1, publicURL: String? = nil
    ) {
        self.storage = storage; self.demo = demo; self.newDays = newDays; self.pageCache = pageCache
        self.changePollSeconds = changePollSeconds; self.publicURL = publicURL
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let problems: [String]
        public var description: String {
            "Observatory cannot start; fix these environment variables:\n"
                + problems.map { "  - \($0)" }.joined(separator: "\n")
        }
    }

    /// Reads `DATABASE_URL`, `OBSERVATORY_DEMO`, `OBSERVATORY_NEW_DAYS`, `OBSERVATORY_PAGE_CACHE`,
    /// `OBSERVATORY_CHANGE_POLL_SECONDS`, `OBSERVATORY_PUBLIC_URL`, `OBSERVATORY_TRUST_PROXY`,
    /// `OBSERVATORY_SESSION_IDLE_MINUTES`, `OBSERVATORY_SESSION_MAX_HOURS`, `OBSERVATORY_KEY` and
    /// `OBSERVATORY_KEY_FILE`.
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> AppConfig {
        var config = AppConfig()
        var problems: [String] = []
        if let url = env["DATABASE_URL"], !url.isEmpty {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                config.storage = .postgres(url: url)
            } else if url.hasPrefix("sqlite://") {
                let path = String(url.dropFirst("sqlite://".count))
                if path.isEmpty {
                    problems.append(
                        "DATABASE_URL: sqlite:// needs a file path, e.g. sqlite:///var/lib/observatory.sqlite")
                }
                config.storage = .sqlite(path: path)
            } else if url.contains("://") {
                problems.append(
                    "DATABASE_URL: unsupported scheme in \"\(url.prefix(while: { $0 != ":" }))://…\"; use postgres://… or a SQLite file path"
                )
            } else {
                config.storage = .sqlite(path: url)
            }
        }
        func flag(_ name: String, default value: Bool) -> Bool {
            guard let raw = env[name]?.lowercased(), !raw.isEmpty else { return value }
            if ["1", "true", "yes", "on"].contains(raw) { return true }
            if ["0", "false", "no", "off"].contains(raw) { return false }
            problems.append("\(name): expected 1 or 0 (true/false), got \"\(raw)\"")
            return value
        }
        config.demo = flag("OBSERVATORY_DEMO", default: true)
        config.pageCache = flag("OBSERVATORY_PAGE_CACHE", default: true)
        if let raw = env["OBSERVATORY_NEW_DAYS"], !raw.isEmpty {
            if let days = Int(raw), (1...365).contains(days) {
                config.newDays = days
            } else {
                problems.append("OBSERVATORY_NEW_DAYS: expected a number of days from 1 to 365, got \"\(raw)\"")
            }
        }
        if let raw = env["OBSERVATORY_CHANGE_POLL_SECONDS"], !raw.isEmpty {
            if let seconds = Double(raw), seconds >= 0, seconds <= 3600 {
                config.changePollSeconds = seconds
            } else {
                problems.append("OBSERVATORY_CHANGE_POLL_SECONDS: expected seconds from 0 to 3600, got \"\(raw)\"")
            }
        }
        if let raw = env["OBSERVATORY_PUBLIC_URL"], !raw.isEmpty {
            switch PublicAddress.check(raw) {
            case .success(let base): config.publicURL = base
            case .failure(let problem): problems.append("OBSERVATORY_PUBLIC_URL: \(problem.description)")
            }
        }
        config.trustProxy = flag("OBSERVATORY_TRUST_PROXY", default: false)
        if let raw = env["OBSERVATORY_SESSION_IDLE_MINUTES"], !raw.isEmpty {
            if let minutes = Int(raw), (5...1440).contains(minutes) {
                config.sessionIdleMinutes = minutes
            } else {
                problems.append("OBSERVATORY_SESSION_IDLE_MINUTES: expected minutes from 5 to 1440, got \"\(raw)\"")
            }
        }
        if let raw = env["OBSERVATORY_SESSION_MAX_HOURS"], !raw.isEmpty {
            if let hours = Int(raw), (1...168).contains(hours) {
                config.sessionMaxHours = hours
            } else {
                problems.append("OBSERVATORY_SESSION_MAX_HOURS: expected hours from 1 to 168, got \"\(raw)\"")
            }
        }
        if let host = env["OBSERVATORY_SMTP_HOST"], !host.isEmpty {
            let security = SMTPSettings.Security(
                rawValue: env["OBSERVATORY_SMTP_SECURITY"].flatMap { $0.isEmpty ? nil : $0 } ?? "starttls")
            if security == nil {
                problems.append(
                    "OBSERVATORY_SMTP_SECURITY: expected none, starttls or tls, got \"\(env["OBSERVATORY_SMTP_SECURITY"]!)\""
                )
            }
            let defaultPort = security == .tls ? 465 : (security == SMTPSettings.Security.none ? 25 : 587)
            var port = defaultPort
            if let raw = env["OBSERVATORY_SMTP_PORT"], !raw.isEmpty {
                if let value = Int(raw), (1...65535).contains(value) {
                    port = value
                } else {
                    problems.append("OBSERVATORY_SMTP_PORT: expected a port number, got \"\(raw)\"")
                }
            }
            let from = env["OBSERVATORY_SMTP_FROM"] ?? ""
            if !MIME.isSafeAddress(from) {
                problems.append(
                    """
                    OBSERVATORY_SMTP_FROM: expected the sender's address, e.g. observatory@example.org, got \
                    \"\(from)\"
                    """
                )
            }
            var settings = SMTPSettings(
                host: host, port: port, security: security ?? .starttls,
                username: env["OBSERVATORY_SMTP_USERNAME"].flatMap { $0.isEmpty ? nil : $0 },
                password: env["OBSERVATORY_SMTP_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }, from: from)
            if let name = env["OBSERVATORY_SMTP_FROM_NAME"], !name.isEmpty { settings.fromName = name }
            if let ca = env["OBSERVATORY_SMTP_CA_FILE"], !ca.isEmpty {
                if FileManager.default.isReadableFile(atPath: ca) {
                    settings.caFile = ca
                } else {
                    problems.append("OBSERVATORY_SMTP_CA_FILE: cannot read \(ca)")
                }
            }
            if (settings.username == nil) != (settings.password == nil) {
                problems.append("OBSERVATORY_SMTP_USERNAME / OBSERVATORY_SMTP_PASSWORD: give both or neither")
            }
            config.smtp = settings
        }
        if let raw = env["OBSERVATORY_MAIL_DELAY_MINUTES"], !raw.isEmpty {
            if let minutes = Int(raw), (0...1440).contains(minutes) {
                config.mailDelayMinutes = minutes
            } else {
                problems.append("OBSERVATORY_MAIL_DELAY_MINUTES: expected minutes from 0 to 1440, got \"\(raw)\"")
            }
        }
        if let raw = env["OBSERVATORY_IDLE_TIMEOUT_SECONDS"], !raw.isEmpty {
            if let seconds = Int(raw), (1...3600).contains(seconds) {
                config.idleTimeoutSeconds = seconds
            } else {
                problems.append("OBSERVATORY_IDLE_TIMEOUT_SECONDS: expected seconds from 1 to 3600, got \"\(raw)\"")
            }
        }
        if let raw = env["OBSERVATORY_UPLOAD_MEMORY_MB"], !raw.isEmpty {
            if let mb = Int(raw), (16...4096).contains(mb) {
                config.uploadMemoryMB = mb
            } else {
                problems.append("OBSERVATORY_UPLOAD_MEMORY_MB: expected megabytes from 16 to 4096, got \"\(raw)\"")
            }
        }
        if let raw = env["OBSERVATORY_INTAKE_BULK_AFTER"], !raw.isEmpty {
            if let n = Int(raw), (1...100_000).contains(n) {
                config.intakeBulkAfter = n
            } else {
                problems.append("OBSERVATORY_INTAKE_BULK_AFTER: expected a count from 1 to 100000, got \"\(raw)\"")
            }
        }
        if let raw = env["OBSERVATORY_ONION_URL"], !raw.isEmpty {
            do { config.onion = try OnionAddress(raw) } catch {
                problems.append("OBSERVATORY_ONION_URL: \(error), got \"\(raw.prefix(100))\"")
            }
        }
        if let text = env["OBSERVATORY_KEY"], !text.isEmpty {
            do { _ = try FieldCipher(keyText: text); config.key = .text(text) } catch {
                problems.append("OBSERVATORY_KEY: \(error); make one with `observatory key new`")
            }
        } else if let path = env["OBSERVATORY_KEY_FILE"], !path.isEmpty {
            config.key = .file(path)
            do { _ = try KeyFile(path: path, createIfMissing: false).cipher() } catch {
                problems.append("OBSERVATORY_KEY_FILE: \(error)")
            }
        } else if case .postgres = config.storage {
            problems.append(
                "OBSERVATORY_KEY_FILE: PostgreSQL needs the key that encrypts confidential fields, the same for every instance; "
                    + """
                    make one with `observatory key new > /etc/observatory.key` and set OBSERVATORY_KEY_FILE (or \
                    OBSERVATORY_KEY)
                    """
            )
        }
        guard problems.isEmpty else { throw Invalid(problems: problems) }
        return config
    }
}
