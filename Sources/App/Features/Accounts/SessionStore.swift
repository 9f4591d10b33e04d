import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// A sign-in session: how far sign-in went, and the token forms must carry (CSRF).
struct SignInSession: Sendable, Equatable {
    enum Stage: String, Sendable {
        /// Password accepted; a one-time code is still needed.
        case secondFactor = "second-factor"
        /// Password accepted, but the person's role requires a second factor they have not set up yet.
        case enrol
        case signedIn = "signed-in"
    }

    let id: String
    let userID: String
    let stage: Stage
    let csrfToken: String
    let createdAt: Int64
    let lastSeenAt: Int64
}

/// Sessions in the database, shared by every app instance. Only the SHA-256 of a cookie token is stored.
enum SessionStore {
    struct Row: Decodable {
        let id: String, userId: String, stage: String, csrfToken: String, createdAt: Int64, lastSeenAt: Int64
    }

    /// Starts a session and returns the cookie token.
    static func start(userID: String, stage: SignInSession.Stage, now: Date, on db: any Database) async throws -> String
    {
        let token = AccountSecrets.randomToken()
        let at = Int64(now.timeIntervalSince1970)
        try await db.sql.insert(into: "sessions").columns(
            "id", "user_id", "stage", "csrf_token", "created_at", "last_seen_at"
        )
        .values(sha256Hex(token), userID, stage.rawValue, AccountSecrets.randomToken(), at, at).run()
        return token
    }

    /// The live session a cookie token opens, or nil (unknown, idle too long or too old; an expired one is deleted).
    static func find(
        token: String, policy: SessionPolicy, now: Date, on db: any Database
    ) async throws -> SignInSession? {
        guard !token.isEmpty, token.count < 100 else { return nil }
        guard
            let row = try await db.row(
                """
                SELECT id, user_id, stage, csrf_token, created_at, last_seen_at FROM sessions WHERE id = \
                \(bind: sha256Hex(token))
                """, as: Row.self
            ),
            let stage = SignInSession.Stage(rawValue: row.stage)
        else { return nil }
        let seconds = Int64(now.timeIntervalSince1970)
        let idleLimit = stage == .signedIn ? policy.idleSeconds : min(policy.idleSeconds, 600)
        if seconds - row.lastSeenAt > idleLimit || seconds - row.createdAt > policy.absoluteSeconds {
            try await db.sql.delete(from: "sessions").where("id", .equal, row.id).run()
            return nil
        }
        if seconds - row.lastSeenAt >= 60 {  // at most one write a minute per session
            try await db.sql.update("sessions").set("last_seen_at", to: seconds).where("id", .equal, row.id).run()
        }
        return SignInSession(
            id: row.id, userID: row.userId, stage: stage, csrfToken: row.csrfToken, createdAt: row.createdAt,
            lastSeenAt: seconds)
    }

    /// Moves a session to the next stage under a new id (so a token seen before sign-in is worthless after it).
    static func advance(
        _ session: SignInSession, to stage: SignInSession.Stage, now: Date, on db: any Database
    ) async throws -> String {
        // A session ended meanwhile (a password set from a link ends them all) is not advanced (review r9, finding 3).
        guard try await isLive(session.id, on: db) else { throw ended }
        try await end(session.id, on: db)
        return try await start(userID: session.userID, stage: stage, now: now, on: db)
    }

    static func end(_ id: String, on db: any Database) async throws {
        try await db.sql.delete(from: "sessions").where("id", .equal, id).run()
    }

    /// Signs a person out everywhere.
    static func endAll(userID: String, on db: any Database) async throws {
        try await db.sql.delete(from: "sessions").where("user_id", .equal, userID).run()
    }

    /// Whether the session still exists, read in the caller's write (review r8, finding 1): a write that hands out
    /// an account's setup link is refused when the session that asked for it was ended meanwhile.
    /// On PostgreSQL the row is locked until the caller commits (FOR SHARE), so another instance's write that ends
    /// the session waits for it, or it waits for that write and finds the session gone (review r9, finding 4).
    static func isLive(_ id: String?, on db: any Database) async throws -> Bool {
        struct Row: Decodable { let id: String }
        guard let id else { return false }
        let lock: SQLQueryString = db.sql.dialect.name == "postgresql" ? " FOR SHARE" : ""
        return try await db.row("SELECT id FROM sessions WHERE id = \(bind: id)\(lock)", as: Row.self) != nil
    }

    /// The refusal of a write asked for by a session that ended meanwhile.
    static var ended: Abort { Abort(.unauthorized, reason: t("office.session.ended")) }

    static func count(userID: String, on db: any Database) async throws -> Int {
        struct Row: Decodable { let n: Int }
        return try await db.sql.raw("SELECT COUNT(*) AS n FROM sessions WHERE user_id = \(bind: userID)").first(
            decoding: Row.self)?.n ?? 0
    }
}

/// How long a session lasts: idle and absolute limits.
struct SessionPolicy: Sendable {
    var idleSeconds: Int64 = 30 * 60
    var absoluteSeconds: Int64 = 12 * 3600
}
