import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// A person who signs in, as read from `users`.
struct Account: Sendable, Equatable {
    let id: String
    let email: String
    let passwordHash: String?
    let roles: Set<Role>
    let organisationID: String?
    let disabled: Bool
    let totpSecret: String?
    let totpPendingSecret: String?
    let totpLastStep: Int64?
    let createdAt: Int64
    /// When the password was last set or changed (`password_changed_at`): a token made before it no longer works,
    /// whichever instance or version made the change (review r15, finding 5).
    var passwordChangedAt: Int64? = nil
    /// The language of this person's pages and e-mails once chosen (`OfficeLanguage`); nil before.
    var language: Language? = nil

    var hasSecondFactor: Bool { totpSecret != nil }

    /// The confirmed second-factor secret (base 32), opened with the site's key. Secrets stored before they were
    /// sealed (no `v1:` prefix) are read as they are.
    func secondFactorSecret(_ cipher: FieldCipher) -> String? { open(totpSecret, cipher, .totpSecret) }
    func pendingSecondFactorSecret(_ cipher: FieldCipher) -> String? {
        open(totpPendingSecret, cipher, .totpPendingSecret)
    }

    private func open(_ stored: String?, _ cipher: FieldCipher, _ column: SealedColumn) -> String? {
        guard let stored else { return nil }
        if stored.hasPrefix(FieldCipher.textPrefix) { return try? cipher.open(stored, in: column, row: id).reveal() }
        return try? cipher.openLegacy(stored, in: column, row: id)
    }
    /// Whether this person's roles oblige them to use a second factor.
    var needsSecondFactor: Bool { roles.contains { $0.requiresSecondFactor } }

    static let columns =
        "id, email, password_hash, roles, organisation_id, disabled, totp_secret, "
        + "totp_pending_secret, totp_last_step, created_at, language, password_changed_at"

    struct Row: Decodable {
        let id: String, email: String, passwordHash: String?, roles: String, organisationId: String?, disabled: Bool
        let totpSecret: String?, totpPendingSecret: String?, totpLastStep: Int64?, createdAt: Int64
        var language: String? = nil
        var passwordChangedAt: Int64? = nil
    }

    init(row: Row) {
        id = row.id; email = row.email; passwordHash = row.passwordHash; roles = Role.set(from: row.roles)
        organisationID = row.organisationId; disabled = row.disabled; totpSecret = row.totpSecret
        totpPendingSecret = row.totpPendingSecret; totpLastStep = row.totpLastStep; createdAt = row.createdAt
        language = OfficeLanguage.stored(row.language); passwordChangedAt = row.passwordChangedAt
    }
}

/// Reads and writes accounts. Every function takes a `Database`, never a request.
enum AccountStore {
    struct Invalid: Error, CustomStringConvertible { let description: String }

    /// E-mail addresses are compared in lower case, without surrounding spaces.
    static func normalise(email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    static func isPlausible(email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".")
            && email.count <= 254 && !email.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" })
    }

    static func find(id: String, on db: any Database) async throws -> Account? {
        try await db.row("SELECT \(unsafeRaw: Account.columns) FROM users WHERE id = \(bind: id)", as: Account.Row.self)
            .map(Account.init(row:))
    }

    static func find(email: String, on db: any Database) async throws -> Account? {
        try await db.row(
            "SELECT \(unsafeRaw: Account.columns) FROM users WHERE email = \(bind: normalise(email: email))",
            as: Account.Row.self
        ).map(Account.init(row:))
    }

    static func all(on db: any Database) async throws -> [Account] {
        try await db.rows("SELECT \(unsafeRaw: Account.columns) FROM users ORDER BY email", as: Account.Row.self).map(
            Account.init(row:))
    }

    /// Whether an enabled administrator exists (`serve` says how to create the first one otherwise).
    static func hasAdministrator(on db: any Database) async throws -> Bool {
        try await all(on: db).contains { $0.roles.contains(.administrator) && !$0.disabled }
    }

    /// Creates an account with no password yet (or the given bcrypt hash). Refuses a duplicate e-mail.
    static func create(
        email: String, roles: Set<Role>, organisationID: String? = nil, passwordHash: String? = nil,
        now: Date, on db: any Database
    ) async throws -> Account {
        let email = normalise(email: email)
        guard isPlausible(email: email) else { throw Invalid(description: "“\(email)” is not an e-mail address") }
        guard !roles.isEmpty else { throw Invalid(description: "give the account at least one role") }
        if roles.contains(.partner) && organisationID == nil {
            throw Invalid(description: "a partner belongs to an organisation of the directory: give its id")
        }
        if let organisationID, try await !organisationExists(organisationID, on: db) {
            throw Invalid(description: "there is no organisation “\(organisationID)” in the directory")
        }
        if try await find(email: email, on: db) != nil {
            throw Invalid(description: "an account for \(email) already exists")
        }
        let id = UUID().uuidString.lowercased()
        let seconds = Int64(now.timeIntervalSince1970)
        try await db.sql.insert(into: "users")
            .columns(
                "id", "email", "password_hash", "roles", "organisation_id", "disabled", "created_at",
                "password_changed_at"
            )
            .values(
                id, email, passwordHash, Role.stored(roles), organisationID, false, seconds,
                passwordHash == nil ? nil : seconds
            )
            .run()
        return try await find(id: id, on: db)!
    }

    static func organisationExists(_ id: String, on db: any Database) async throws -> Bool {
        struct Row: Decodable { let id: String }
        return try await db.sql.select().column("id").from("organisations").where("id", .equal, id).first(
            decoding: Row.self) != nil
    }

    /// Changes the account's roles, organisation and state, in the caller's write; returns how many access tokens
    /// it revoked, for the caller's audit entry (review r13, finding 5).
    @discardableResult
    static func update(
        _ id: String, roles: Set<Role>, organisationID: String?, disabled: Bool, on db: any Database
    ) async throws -> Int {
        let before = try await lock([id], on: db).first
        try await db.sql.update("users").set("roles", to: Role.stored(roles)).set("organisation_id", to: organisationID)
            .set("disabled", to: disabled).where("id", .equal, id).run()
        if disabled { try await SessionStore.endAll(userID: id, on: db) }
        // A disable or a change of roles revokes the tokens (review r11, finding 1; r12, finding 2): enabled again,
        // or the roles given back, they stay dead.
        guard disabled || before?.roles != roles else { return 0 }
        return try await AccessTokenStore.revokeAll(
            userID: id, because: disabled ? .disabled : .roles, now: Date().seconds, on: db)
    }

    /// Locks the accounts' rows for the caller's write and reads them as they are now: the first statement of
    /// every write on an account (review r10, finding 3). On PostgreSQL (FOR UPDATE, in the order of their ids)
    /// writes from several instances queue on these rows in one order, so none deadlocks against another, and a
    /// write that waited here sees, in its later statements, what the one it waited for did (its new session).
    static func lock(_ ids: [String], on db: any Database) async throws -> [Account] {
        let lock: SQLQueryString = db.sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        let unique = Array(Set(ids)).sorted()
        guard !unique.isEmpty else { return [] }
        return try await db.rows(
            "SELECT \(unsafeRaw: Account.columns) FROM users WHERE id IN (\(binds: unique)) ORDER BY id\(lock)",
            as: Account.Row.self
        ).map(Account.init(row:))
    }

    /// Whether the account's stored password hash is still `hash`, read in the caller's write (a sign-in checked
    /// against `hash` stores its session only then: review r8, finding 1).
    static func hasPassword(_ hash: String?, _ id: String, on db: any Database) async throws -> Bool {
        struct Stored: Decodable { let passwordHash: String? }
        // Locked on PostgreSQL until the caller commits: a set from another instance is ordered against this check.
        let lock: SQLQueryString = db.sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        let stored = try await db.row(
            "SELECT password_hash FROM users WHERE id = \(bind: id)\(lock)", as: Stored.self)
        return stored != nil && stored?.passwordHash == hash
    }

    static func setPassword(_ id: String, hash: String, now: Date, on db: any Database) async throws {
        try await db.sql.update("users").set("password_hash", to: hash).set(
            "password_changed_at", to: Int64(now.timeIntervalSince1970)
        )
        .where("id", .equal, id).run()
    }

    /// Stores the language of a person's pages and e-mails (the caller audits it in the same transaction).
    static func setLanguage(_ id: String, _ language: Language, on db: any Database) async throws {
        try await db.sql.update("users").set("language", to: language.rawValue).where("id", .equal, id).run()
    }

    /// Sets the language only when none is stored yet (the first sign-in); true when it was set by this call.
    static func setLanguageIfUnset(_ id: String, _ language: Language, on db: any Database) async throws -> Bool {
        struct Row: Decodable { let id: String }
        return try await !db.sql.raw(
            """
            UPDATE users SET language = \(bind: language.rawValue)
            WHERE id = \(bind: id) AND language IS NULL RETURNING id
            """
        ).all(decoding: Row.self).isEmpty
    }

    /// Second-factor secrets are sealed like confidential case fields: a copy of the database alone cannot make codes.
    static func setPendingSecret(_ id: String, _ secret: String?, cipher: FieldCipher, on db: any Database) async throws
    {
        try await db.sql.update("users")
            .set("totp_pending_secret", to: secret.map { cipher.seal($0, in: .totpPendingSecret, row: id) })
            .where("id", .equal, id).run()
    }

    /// Makes the pending secret the account's second factor, with the step of the code that confirmed it.
    static func confirmSecondFactor(
        _ id: String, secret: String, step: Int64, cipher: FieldCipher, on db: any Database
    ) async throws {
        try await db.sql.update("users").set("totp_secret", to: cipher.seal(secret, in: .totpSecret, row: id))
            .set("totp_pending_secret", to: SQLLiteral.null)
            .set("totp_last_step", to: step).where("id", .equal, id).run()
    }

    static func removeSecondFactor(_ id: String, on db: any Database) async throws {
        try await db.sql.update("users").set("totp_secret", to: SQLLiteral.null).set(
            "totp_pending_secret", to: SQLLiteral.null
        )
        .set("totp_last_step", to: SQLLiteral.null).where("id", .equal, id).run()
        try await db.sql.delete(from: "recovery_codes").where("user_id", .equal, id).run()
    }

    /// Records an accepted step, only if it is later than the last one: false means the code was already used
    /// (also by a concurrent request, since the check and the write are one statement).
    static func useStep(_ id: String, step: Int64, on db: any Database) async throws -> Bool {
        struct Row: Decodable { let id: String }
        let rows = try await db.sql.raw(
            """
            UPDATE users SET totp_last_step = \(bind: step)
            WHERE id = \(bind: id) AND (totp_last_step IS NULL OR totp_last_step < \(bind: step)) RETURNING id
            """
        ).all(decoding: Row.self)
        return !rows.isEmpty
    }
}
