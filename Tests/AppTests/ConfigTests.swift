import Foundation
import ObservatoryCore
import Testing

@testable import App

@Suite struct ConfigTests {
    @Test func defaultsToAnSQLiteFileWithTheDemo() throws {
        let config = try AppConfig.fromEnvironment([:])
        #expect(config.storage == .sqlite(path: "observatory.sqlite"))
        #expect(config.demo)
        #expect(config.newDays == 7)
        #expect(config.pageCache)
    }

    @Test(arguments: [
        ("postgres://u:p@db:5432/obs", AppConfig.Storage.postgres(url: "postgres://u:p@db:5432/obs")),
        ("postgresql://db/obs", .postgres(url: "postgresql://db/obs")),
        ("sqlite:///var/lib/obs.sqlite", .sqlite(path: "/var/lib/obs.sqlite")),
        ("data/obs.sqlite", .sqlite(path: "data/obs.sqlite"))
    ])
    func databaseURLPicksTheEngine(_ url: String, _ storage: AppConfig.Storage) throws {
        let key = FieldCipher.newKeyText()
        #expect(try AppConfig.fromEnvironment(["DATABASE_URL": url, "OBSERVATORY_KEY": key]).storage == storage)
    }

    @Test func badValuesNameTheirVariable() throws {
        let env = [
            "DATABASE_URL": "mysql://x", "OBSERVATORY_DEMO": "maybe", "OBSERVATORY_NEW_DAYS": "-3",
            "OBSERVATORY_PUBLIC_URL": "ftp://x"
        ]
        do {
            _ = try AppConfig.fromEnvironment(env)
            Issue.record("accepted bad configuration")
        } catch let invalid as AppConfig.Invalid {
            let text = invalid.description
            for name in ["DATABASE_URL", "OBSERVATORY_DEMO", "OBSERVATORY_NEW_DAYS", "OBSERVATORY_PUBLIC_URL"] {
                #expect(text.contains(name + ":"), "\(name) not named in \(text)")
            }
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: AppConfig.Invalid.self) {
            try AppConfig.fromEnvironment(["OBSERVATORY_DEMO": "0", "OBSERVATORY_PAGE_CACHE": "nope"])
        }
        #expect(try AppConfig.fromEnvironment(["OBSERVATORY_DEMO": "0"]).demo == false)
    }

    /// In CI the storage tests must run on PostgreSQL too; a missing server is a failure, not a silent skip.
    @Test func postgresWithoutAKeyIsRefusedByName() throws {
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment(["DATABASE_URL": "postgres://db/obs"]) }
        do { _ = try AppConfig.fromEnvironment(["DATABASE_URL": "postgres://db/obs"]) } catch {
            #expect("\(error)".contains("OBSERVATORY_KEY_FILE"))
        }
        do { _ = try AppConfig.fromEnvironment(["OBSERVATORY_KEY": "c2hvcnQ="]) } catch {
            #expect("\(error)".contains("OBSERVATORY_KEY: encryption key: expected 32 bytes, found 5"))
        }
        #expect(throws: AppConfig.Invalid.self) {
            try AppConfig.fromEnvironment(["OBSERVATORY_KEY_FILE": "/no/such/key"])
        }
    }

    @Test func mailSettingsAreReadWithDefaultsAndNamedErrors() throws {
        let config = try AppConfig.fromEnvironment([
            "OBSERVATORY_SMTP_HOST": "mail.example.org", "OBSERVATORY_SMTP_FROM": "obs@example.org",
            "OBSERVATORY_SMTP_USERNAME": "relay", "OBSERVATORY_SMTP_PASSWORD": "p"
        ])
        #expect(
            config.smtp?.port == 587 && config.smtp?.security == .starttls && config.smtp?.username == "relay"
                && config.mailDelayMinutes == 10)
        #expect(
            try AppConfig.fromEnvironment([
                "OBSERVATORY_SMTP_HOST": "m", "OBSERVATORY_SMTP_FROM": "o@e.org", "OBSERVATORY_SMTP_SECURITY": "tls"
            ]).smtp?.port == 465)
        let plain = [
            "OBSERVATORY_SMTP_HOST": "m", "OBSERVATORY_SMTP_FROM": "o@e.org",
            "OBSERVATORY_SMTP_SECURITY": "none"
        ]
        #expect(try AppConfig.fromEnvironment(plain).smtp?.port == 25, "plain SMTP defaults to port 25")
        #expect(try AppConfig.fromEnvironment([:]).smtp == nil)
        do {
            _ = try AppConfig.fromEnvironment([
                "OBSERVATORY_SMTP_HOST": "m", "OBSERVATORY_SMTP_PORT": "99999", "OBSERVATORY_MAIL_DELAY_MINUTES": "-1"
            ])
            Issue.record("accepted bad mail settings")
        } catch {
            for name in ["OBSERVATORY_SMTP_PORT:", "OBSERVATORY_SMTP_FROM:", "OBSERVATORY_MAIL_DELAY_MINUTES:"] {
                #expect("\(error)".contains(name))
            }
        }
    }

    @Test func postgresIsThereWhenCIRuns() {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            #expect(
                Engine.postgresURL != nil,
                "CI=true but OBSERVATORY_TEST_POSTGRES_URL is not set: PostgreSQL tests would not run")
        }
    }
}
