import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

/// The storage engines every storage test runs on. PostgreSQL runs when `OBSERVATORY_TEST_POSTGRES_URL` is set
/// (the test script starts a server and sets it; CI fails without it, see `ConfigTests`).
enum Engine: String, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }

    static let postgresURL = ProcessInfo.processInfo.environment["OBSERVATORY_TEST_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }
    static var all: [Engine] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
}

/// "Today" in tests: 2026-11-20.
let testToday = CivilDate("2026-11-20")!
let testClock = FixedClock(Date(timeIntervalSince1970: TimeInterval(testToday.daysSinceEpoch) * 86_400 + 3_600))

/// The key confidential fields are encrypted with in tests.
let testKey = FieldCipher.newKeyText()

/// Runs `body` against a freshly migrated app on `engine`: SQLite in memory, or PostgreSQL in a schema of
/// its own (dropped afterwards), so tests run in parallel without seeing each other's rows.
func withApp(
    _ engine: Engine, pageCache: Bool = true, clock: any SiteClock = testClock, sqliteFile: String? = nil,
    publicURL: String? = nil, trustProxy: Bool = false, adjust: (inout AppConfig) -> Void = { _ in },
    _ body: (Application) async throws -> Void
) async throws {
    try await TestSlots.holding(engine) {
        try await withAppHoldingASlot(
            engine, pageCache: pageCache, clock: clock, sqliteFile: sqliteFile,
            publicURL: publicURL, trustProxy: trustProxy, adjust: adjust, body)
    }
}

private func withAppHoldingASlot(
    _ engine: Engine, pageCache: Bool, clock: any SiteClock, sqliteFile: String?,
    publicURL: String?, trustProxy: Bool, adjust: (inout AppConfig) -> Void,
    _ body: (Application) async throws -> Void
) async throws {
    let app = try await Application.make(.testing)
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    var config = AppConfig(
        storage: .sqlite(path: sqliteFile ?? ":memory:"), demo: false, pageCache: pageCache, changePollSeconds: 0)
    config.key = .text(testKey)
    config.publicURL = publicURL
    config.trustProxy = trustProxy
    config.passwordCost = 4  // bcrypt's lowest cost: the same code, a fraction of the time
    if engine == .postgres, let url = Engine.postgresURL {
        config.storage = .postgres(url: url, searchPath: String(schema))
    }
    adjust(&config)
    do {
        try await configure(app, config, clock: clock)
        app.buildResponderOnce()
        if engine == .postgres { try await app.db.sql.raw("CREATE SCHEMA \(ident: String(schema))").run() }
        try await app.autoMigrate()
        try await body(app)
    } catch {
        if engine == .postgres { try? await app.db.sql.raw("DROP SCHEMA \(ident: String(schema)) CASCADE").run() }
        try await app.asyncShutdown()
        throw error
    }
    if engine == .postgres { try await app.db.sql.raw("DROP SCHEMA \(ident: String(schema)) CASCADE").run() }
    try await app.asyncShutdown()
}

/// Builds publications for tests without writing JSON.
func publication(
    _ id: String, _ type: PublicationType = .statement, kind: InterventionKind? = nil, language: Language = .en,
    on date: String = "2026-11-01", title: String? = nil, body: String = "Body text.", countries: [String] = ["MX"],
    programmes: [Programme] = [.humanRightsDefenders], reference: String? = nil, followUpOf: String? = nil,
    translationOf: String? = nil
) -> ArchivePublication {
    ArchivePublication(
        id: id, type: type, kind: kind, language: language, published: CivilDate(date)!,
        title: title ?? "Mexico: publication \(id)", summary: "Summary of \(id).", body: body, countries: countries,
        programmes: programmes, reference: reference, followUpOf: followUpOf, translationOf: translationOf)
}

/// Stores publications as the importer would, and records the change.
func store(_ publications: [ArchivePublication], status: String = "published", in app: Application) async throws {
    _ = try await PublicationStore.upsert(publications, status: status, on: app.db)
    try await ContentVersion.bump(on: app.db)
}

extension Application {
    /// GET through the whole app (middleware included); returns status, headers and body text.
    func get(
        _ path: String, headers: HTTPHeaders = [:]
    ) async throws -> (status: HTTPStatus, headers: HTTPHeaders, body: String) {
        var result: (HTTPStatus, HTTPHeaders, String)? = nil
        try await testing().test(.GET, path, headers: headers) { res async in
            result = (res.status, res.headers, res.body.string)
        }
        return result!
    }
}

/// Writes `lines` to a temporary file and returns its path.
func temporaryFile(_ contents: String) throws -> String {
    let path = NSTemporaryDirectory() + "observatory-test-\(UUID().uuidString).jsonl"
    try contents.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
