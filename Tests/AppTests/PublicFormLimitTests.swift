import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

/// Where the shared SQLite file of these tests lives: /dev/shm where it can be written (a file system in memory, so
/// the flood's 5,000 commits do not each wait for a disk's `fsync`: what is tested is the limit, not the disk),
/// else the temporary directory.
let memoryBackedDirectory = access("/dev/shm", W_OK) == 0 ? "/dev/shm/" : NSTemporaryDirectory()

/// Runs `body` with `count` app instances on one database (a SQLite file, or one PostgreSQL schema), behind a
/// trusted proxy so that each request's source is its `X-Forwarded-For`.
func withSharedInstances(
    _ engine: Engine, count: Int, bulkAfter: Int = 20, sqliteFile: String? = nil,
    _ body: ([Application]) async throws -> Void
) async throws {
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    let file = sqliteFile ?? memoryBackedDirectory + "observatory-limits-\(UUID().uuidString).sqlite"
    var config = AppConfig(storage: .sqlite(path: file), demo: false, pageCache: false, changePollSeconds: 0)
    config.key = .text(testKey)
    config.passwordCost = 4
    config.trustProxy = true
    config.intakeBulkAfter = bulkAfter
    if engine == .postgres, let url = Engine.postgresURL {
        config.storage = .postgres(url: url, searchPath: String(schema))
    }
    var apps: [Application] = []
    func shutdown() async {
        if engine == .postgres, let first = apps.first {
            try? await first.db.sql.raw("DROP SCHEMA \(ident: String(schema)) CASCADE").run()
        }
        for app in apps { try? await app.asyncShutdown() }
        if engine == .sqlite {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        }
    }
    do {
        for index in 0..<count {
            let app = try await Application.make(.testing)
            apps.append(app)
            try await configure(app, config, clock: testClock)
            app.buildResponderOnce()
            if index == 0 {
                if engine == .postgres { try await app.db.sql.raw("CREATE SCHEMA \(ident: String(schema))").run() }
                try await app.autoMigrate()
            }
        }
        try await body(apps)
    } catch {
        await shutdown()
        throw error
    }
    await shutdown()
}

/// A public form sent from `source` (the proxy's `X-Forwarded-For`), with a pre-sign-in CSRF token.
func postPublicForm(
    _ app: Application, _ path: String, from source: String, _ fields: [(String, String)],
    files: [(String, String, [UInt8])] = []
) async throws -> (status: HTTPStatus, body: String) {
    // The cookie a browser holds, and the field the form carries: its HMAC (a field equal to the cookie is refused).
    let token = String(repeating: "c", count: 40), boundary = "limitsBoundary"
    let field = PreSessionToken.field(for: token, key: app.site.cipher.derivedKey(purpose: PreSessionToken.purpose))
    var body = ByteBuffer()
    for (name, value) in [("csrf", field)] + fields {
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
    }
    for (name, filename, data) in files {
        body.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; "
                + "filename=\"\(filename)\"\r\n\r\n")
        body.writeBytes(data)
        body.writeString("\r\n")
    }
    body.writeString("--\(boundary)--\r\n")
    var headers = HTTPHeaders()
    headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
    headers.replaceOrAdd(name: .cookie, value: "\(CSRF.cookieName)=\(token)")
    headers.replaceOrAdd(name: .xForwardedFor, value: source)
    var result: (HTTPStatus, String)? = nil
    try await app.testing().test(.POST, path, headers: headers, body: body) { res async in
        result = (res.status, res.body.string)
    }
    return result!
}

func receiptCode(in body: String) -> String? { firstMatch("id=\"receipt-code\">([0-9A-Z-]{29})<", in: body) }

func rowCount(_ sql: SQLQueryString, on db: any Database) async throws -> Int {
    struct Row: Decodable { let n: Int }
    return try await db.sql.raw(sql).first(decoding: Row.self)?.n ?? 0
}

/// A small seeded generator (SplitMix64), its seed printed, for addresses.
struct SeededAddresses {
    var generator: SeededGenerator
    init(seed: UInt64) { generator = SeededGenerator(seed: seed); print("SeededAddresses seed: \(seed)") }
    mutating func next() -> UInt64 { generator.next() }
    mutating func address() -> String {
        let n = next()
        if n % 3 == 0 {  // IPv6
            return (0..<8).map { _ in String(next() % 65_536, radix: 16) }.joined(separator: ":")
        }
        return (0..<4).map { shift in String((n >> (UInt64(shift) * 8 + 8)) % 256) }.joined(separator: ".")
    }
}

@Suite(.serialized) struct PublicFormLimitTests {
    static let report: [(String, String)] = [
        ("person", "A defender"), ("country", "MX"),
        ("account", "Threatened at the courthouse.")
    ]

    @Test(arguments: Engine.all)
    func aFloodFromOneSourceCannotCloseTheFormAndInstancesShareTheCount(_ engine: Engine) async throws {
        try await withSharedInstances(engine, count: engine == .postgres ? 2 : 1) { apps in
            let flood = 5_000, flooder = "203.0.113.7", honestSource = "198.51.100.20"
            let statuses = NIOLockedValueBox<[HTTPStatus: Int]>([:])
            let honest = NIOLockedValueBox<(HTTPStatus, String)?>(nil)
            let start = Date()
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Simultaneous on PostgreSQL; one at a time on SQLite, whose concurrent writes are another branch's
                // work (busy timeout and immediate transactions): the limit, not SQLite's locking, is tested here.
                let workers = engine == .postgres ? 16 : 1
                for worker in 0..<workers {
                    group.addTask {
                        for n in stride(from: worker, to: flood, by: workers) {
                            let app = apps[n % apps.count]  // alternate instances: the count is in the database
                            let answer = try await postPublicForm(app, "/report", from: flooder, Self.report)
                            statuses.withLockedValue { $0[answer.status, default: 0] += 1 }
                            if n == flood / 2 {
                                let real = try await postPublicForm(
                                    apps[apps.count - 1], "/report", from: honestSource,
                                    [
                                        ("person", "Ana Real"), ("country", "CO"),
                                        ("account", "Followed home.")
                                    ],
                                    files: [
                                        (
                                            "files", "note.txt",
                                            Array("What happened.".utf8)
                                        )
                                    ])
                                honest.withLockedValue { $0 = (real.status, real.body) }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let seconds = Date().timeIntervalSince(start)
            let took = String(format: "%.1f", seconds)
            print("\(engine): \(flood) reports from one source over \(apps.count) instance(s) in \(took) s")
            #expect(
                statuses.withLockedValue { $0 } == [.ok: flood],
                "every report of the flood is answered with a receipt, none refused")
            let real = try #require(honest.withLockedValue { $0 })
            #expect(
                real.0 == .ok && receiptCode(in: real.1) != nil,
                "the genuine report from another source gets its receipt")
            #expect(!real.1.contains(t("report.files-later")), "and its file is kept")
            let db = apps[0].db
            #expect(
                try await rowCount("SELECT COUNT(*) AS n FROM cases", on: db) == flood + 1,
                "every report is stored")
            #expect(
                try await rowCount(
                    """
                    SELECT COUNT(*) AS n FROM audit_log WHERE action = 'case.report'
                    """, on: db) == flood + 1)
            #expect(
                try await rowCount("SELECT COUNT(*) AS n FROM intake_bulk", on: db) == flood - 20,
                "past 20 an hour, the busy source's reports are flagged for bulk triage, counted across instances")
            #expect(
                try await rowCount(
                    """
                    SELECT COUNT(*) AS n FROM case_attachments a JOIN intake_bulk b ON b.case_id = a.case_id
                    """,
                    on: db) == 0, "no file kept from the busy source")
            #expect(
                try await rowCount("SELECT COUNT(*) AS n FROM case_attachments", on: db) == 1,
                "the genuine report's file")
            struct Limit: Decodable { let bucket: String, source_hash: String, hits: Int }
            let limits = try await db.sql.raw("SELECT bucket, source_hash, hits FROM public_form_limits")
                .all(decoding: Limit.self)
            #expect(limits.map(\.hits).sorted() == [1, flood], "one counter per source: \(limits.map(\.hits))")
            #expect(
                limits.allSatisfy { !$0.source_hash.contains(flooder) && !$0.source_hash.contains(honestSource) },
                "no address is stored, only its keyed hash")
        }
    }

    @Test(arguments: Engine.all)
    func simultaneousSubscriptionsOnTwoInstancesShareOneLimit(_ engine: Engine) async throws {
        try await withSharedInstances(engine, count: 2) { apps in
            let source = "192.0.2.44"
            func subscribe(_ n: Int) async throws -> HTTPStatus {
                try await postPublicForm(
                    apps[n % 2], "/subscribe", from: source,
                    [
                        ("email", "reader\(n)@example.org"), ("languages", "en"),
                        ("all", "yes")
                    ]
                ).status
            }
            var statuses: [HTTPStatus] = []
            if engine == .postgres {
                statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                    for n in 0..<40 { group.addTask { try await subscribe(n) } }
                    var all: [HTTPStatus] = []
                    for try await status in group { all.append(status) }
                    return all
                }
            } else {
                for n in 0..<40 { statuses.append(try await subscribe(n)) }  // two instances on one file, in turn
            }
            #expect(
                statuses.filter { $0 != .tooManyRequests }.count == 10,
                "ten an hour per source in all, not per instance: \(statuses)")
            #expect(!statuses.contains { $0.code >= 500 })
            let other = try await postPublicForm(
                apps[1], "/subscribe", from: "192.0.2.45",
                [("email", "someone@example.org"), ("languages", "en"), ("all", "yes")])
            #expect(other.status != .tooManyRequests, "another source is not affected")
        }
    }

    @Test(arguments: Engine.all)
    func noAddressReachesTheDatabaseWhateverItLooksLike(_ engine: Engine) async throws {
        try await withSharedInstances(engine, count: 1) { apps in
            var generator = SeededAddresses(seed: UInt64(Date().timeIntervalSince1970 * 1000))
            var sent: [String] = []
            for _ in 0..<60 {
                let address = generator.address()
                sent.append(address)
                _ = try await postPublicForm(apps[0], "/report", from: address, Self.report)
                _ = try await postPublicForm(
                    apps[0], "/subscribe", from: address,
                    [("email", "x@example.org"), ("languages", "en")])
            }
            struct Row: Decodable { let bucket: String, source_hash: String }
            let rows = try await apps[0].db.sql.raw("SELECT bucket, source_hash FROM public_form_limits")
                .all(decoding: Row.self)
            #expect(rows.count == 120 || Set(sent).count < 60)
            for row in rows { #expect(!sent.contains { row.source_hash.contains($0) }) }
            // Nor anywhere else: every text column of every table the report wrote, compared as text.
            for table in ["cases", "audit_log", "intake_bulk", "case_people", "case_acts"] {
                let dump = try await apps[0].db.sql.raw("SELECT * FROM \(ident: table)").all()
                for row in dump {
                    for column in row.allColumns {
                        guard let text = try? row.decode(column: column, as: String.self) else { continue }
                        #expect(!sent.contains { text.contains($0) }, "\(table).\(column) holds an address")
                    }
                }
            }
        }
    }

    @Test(arguments: Engine.all)
    func freshAddressesOfOneIPv6NetworkCountAsOneSource(_ engine: Engine) async throws {
        try await withSharedInstances(engine, count: 1, bulkAfter: 5) { apps in
            // One host holds a whole /64: a fresh address per request must not escape the count.
            for n in 1...8 {
                let page = try await postPublicForm(
                    apps[0], "/report", from: "2001:db8:7:1:\(String(n, radix: 16))::9",
                    Self.report)
                #expect(page.status == .ok && receiptCode(in: page.body) != nil)
            }
            #expect(
                try await rowCount("SELECT COUNT(*) AS n FROM intake_bulk", on: apps[0].db) == 3,
                "past 5 from one /64, whatever address in it, reports go to bulk triage")
            var statuses: [HTTPStatus] = []
            for n in 1...12 {
                statuses.append(
                    try await postPublicForm(
                        apps[0], "/subscribe", from: "[2001:DB8:7:1::\(n)]",
                        [("email", "r\(n)@example.org"), ("languages", "en")]
                    ).status)
            }
            #expect(statuses.filter { $0 != .tooManyRequests }.count == 10, "ten an hour per /64: \(statuses)")
            let other = try await postPublicForm(
                apps[0], "/subscribe", from: "2001:db8:7:2::1",
                [("email", "o@example.org"), ("languages", "en")])
            #expect(other.status != .tooManyRequests, "the next /64 is another source")
        }
    }

    @Test func theBusySourcesReportsAreListedForTriageAndKeepNoFiles() async throws {
        try await withSharedInstances(.sqlite, count: 1, bulkAfter: 2) { apps in
            let app = apps[0]
            for n in 1...2 {
                let page = try await postPublicForm(app, "/report", from: "10.1.1.1", Self.report)
                #expect(receiptCode(in: page.body) != nil, "\(n)")
            }
            let third = try await postPublicForm(
                app, "/report", from: "10.1.1.1",
                [("person", "Bulk Person"), ("country", "MX"), ("account", "A third one.")],
                files: [("files", "a.txt", Array("file".utf8))])
            #expect(third.status == .ok && receiptCode(in: third.body) != nil, "a busy source still gets a receipt")
            #expect(third.body.contains(t("report.files-later")), "and is told its files were not kept")
            #expect(try await rowCount("SELECT COUNT(*) AS n FROM case_attachments", on: app.db) == 0)
            #expect(try await rowCount("SELECT COUNT(*) AS n FROM intake_bulk", on: app.db) == 1)
            let team = try await CaseTeam.make(app)
            let dashboard = try await team.drafter.get("/office/cases")
            #expect(dashboard.body.contains("id=\"bulk-count\">1 received"), "the dashboard shows the bulk triage")
            #expect(dashboard.body.contains("Bulk Person"), "with the report's working title")
        }
    }

    @Test func bodiesOverTheirRouteLimitAreRefusedByNameAndStoreNothing() async throws {
        try await withApp(.sqlite) { app in
            let limit = Upload.maxFiles * Upload.maxBytes + 256 * 1024
            for size in [limit + 1, limit + 4096, 50 * 1024 * 1024] {
                let answer = try await postPublicForm(
                    app, "/report", from: "x", Self.report,
                    files: [
                        (
                            "files", "big.pdf",
                            Array("%PDF-".utf8) + [UInt8](repeating: 0x30, count: size)
                        )
                    ])
                #expect(answer.status == .payloadTooLarge)
                #expect(
                    answer.body.contains("This form accepts at most 15 MB: nothing was stored."),
                    "the page names the limit")
            }
            #expect(try await rowCount("SELECT COUNT(*) AS n FROM cases", on: app.db) == 0)
            let fine = try await postPublicForm(
                app, "/report", from: "x", Self.report,
                files: [
                    (
                        "files", "ok.pdf",
                        Array("%PDF-".utf8) + [UInt8](repeating: 0x30, count: 4 << 20)
                    )
                ])
            #expect(fine.status == .ok && receiptCode(in: fine.body) != nil, "a report under the limit goes through")
        }
    }

    @Test func theBodyBudgetNeverHoldsMoreThanItsCapacity() async throws {
        let budget = BodyBudget(capacity: 10_000_000)
        let peak = NIOLockedValueBox(0)
        var seeds = SeededAddresses(seed: 7)
        let sizes = (0..<200).map { _ in Int(seeds.next() % 4_000_000) + 1 }
        let granted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for size in sizes {
                group.addTask {
                    guard await budget.reserve(size, waitingUpTo: 10) else { return false }
                    peak.withLockedValue { $0 = max($0, budget.inUse) }
                    try await Task.sleep(nanoseconds: 2_000_000)
                    budget.release(size)
                    return true
                }
            }
            var n = 0
            for try await ok in group where ok { n += 1 }
            return n
        }
        #expect(peak.withLockedValue { $0 } <= 10_000_000)
        #expect(granted == sizes.count, "each waits its turn rather than failing")
        #expect(budget.inUse == 0)
        #expect(!budget.tryReserve(10_000_001))
    }
}

@Suite struct EdgeConfigTests {
    @Test func timeoutsAndLimitsAreReadAndBadValuesNamed() throws {
        let config = try AppConfig.fromEnvironment([
            "OBSERVATORY_IDLE_TIMEOUT_SECONDS": "12",
            "OBSERVATORY_UPLOAD_MEMORY_MB": "64",
            "OBSERVATORY_INTAKE_BULK_AFTER": "50"
        ])
        #expect(config.idleTimeoutSeconds == 12 && config.uploadMemoryMB == 64 && config.intakeBulkAfter == 50)
        let defaults = try AppConfig.fromEnvironment([:])
        #expect(defaults.idleTimeoutSeconds == 30 && defaults.uploadMemoryMB == 24 && defaults.intakeBulkAfter == 20)
        for (name, value) in [
            ("OBSERVATORY_IDLE_TIMEOUT_SECONDS", "0"), ("OBSERVATORY_IDLE_TIMEOUT_SECONDS", "soon"),
            ("OBSERVATORY_UPLOAD_MEMORY_MB", "1"), ("OBSERVATORY_INTAKE_BULK_AFTER", "-3")
        ] {
            #expect(throws: AppConfig.Invalid.self) { try AppConfig.fromEnvironment([name: value]) }
            do { _ = try AppConfig.fromEnvironment([name: value]) } catch {
                #expect("\(error)".contains("\(name): expected") && "\(error)".contains("\"\(value)\""))
            }
        }
    }
}
