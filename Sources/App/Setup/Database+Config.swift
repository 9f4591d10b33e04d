import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

extension Application {
    /// Connects the one database the configuration names.
    /// SQL is never logged (retsafe review, finding 12): sqlite-kit and postgres-kit log every statement with its
    /// binds (a name, a sealed value, a reason) at the level given, and a log reaches where no erasure does.
    func useStorage(_ storage: AppConfig.Storage) throws {
        switch storage {
        case .sqlite(let path):
            let configuration: SQLiteConfiguration =
                path == ":memory:"
                ? .init(storage: .memory, enableForeignKeys: true)
                : .init(storage: .file(path: path), enableForeignKeys: true)
            databases.use(.sqlite(configuration, sqlLogLevel: nil), as: .sqlite)
        case .postgres(let url, let searchPath):
            var configuration = try SQLPostgresConfiguration(url: url)
            if let searchPath { configuration.searchPath = [searchPath] }
            // fluent-postgres-driver cannot turn it off: at `.trace`, which the entry point never lets a logger reach.
            databases.use(
                .postgres(configuration: configuration, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace), as: .psql)
        }
    }
}

extension Database {
    /// The SQL interface every query of Observatory uses.
    var sql: any SQLDatabase { self as! any SQLDatabase }
}

/// Tunes an SQLite file for a web server: write-ahead log, so readers never wait for the writer; `synchronous=FULL`,
/// so a commit (an acknowledged report) is on disk before it is answered and survives power loss, not only a
/// crash (NORMAL in WAL mode may lose the last commits on power loss). Every other connection of the pool keeps
/// SQLite's compiled default, also FULL. Writers take turns through `Database.write`.
func tuneSQLite(_ db: any Database) async throws {
    guard db.sql.dialect.name == "sqlite" else { return }
    // The busy timeout first: switching to WAL needs the file's lock, which another instance starting at the same
    // moment may hold.
    try await db.sql.raw("PRAGMA busy_timeout=120000").run()
    try await db.sql.raw("PRAGMA journal_mode=WAL").run()
    try await db.sql.raw("PRAGMA synchronous=FULL").run()
}

/// Deleted and overwritten values are overwritten with zeros in the file (`secure_delete`), on every connection
/// of every event loop: SQLite (as sqlite-nio builds it, `SQLITE_SECURE_DELETE`) has it on by default, and this
/// sets it again at start and after connections are recycled, so no connection depends on the build alone. Each
/// connection also gets the busy timeout: without it sqlite-nio's own busy handler retries for ever, in a tight loop,
/// and a connection waiting on another instance's lock (two instances starting together) never returns.
func secureDeleteEverywhere(_ app: Application) async throws {
    try await everySQLiteConnection(
        app, app.site.config.storage, "PRAGMA busy_timeout = 10000", "PRAGMA secure_delete = ON")
}

/// The busy timeout on every connection before its first statement (round 4, finding 8): the key checks read the
/// file before anything else, and would spin on another instance's lock with sqlite-nio's handler. Two minutes while
/// the app starts: another instance starting at the same moment may be loading the demo archive in one long write
/// (CI, on a loaded machine: "busy: database is locked" after 10 s); `secureDeleteEverywhere` sets 10 s again at
/// the end of `configure`.
func busyTimeoutEverywhere(_ app: Application, _ storage: AppConfig.Storage) async throws {
    try await everySQLiteConnection(app, storage, "PRAGMA busy_timeout = 120000")
}

private func everySQLiteConnection(_ app: Application, _ storage: AppConfig.Storage, _ pragmas: String...) async throws
{
    guard case .sqlite = storage else { return }
    for loop in app.eventLoopGroup.makeIterator() {
        guard let db = app.databases.database(.sqlite, logger: app.logger, on: loop) else { continue }
        for pragma in pragmas { try await db.sql.raw("\(unsafeRaw: pragma)").run() }
    }
}
