import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// A subscriber as the mail worker and the preference pages read it (token opened; the address `Confidential`,
/// revealed only by the mail sender).
struct Subscriber: Sendable {
    enum Status: String, Sendable { case pending, active, unsubscribed, bounced }
    var id: String
    var email: Confidential
    var token: String
    var status: Status
    var preferences: SubscriptionPreferences
}

/// Subscribers: addresses sealed and found by a keyed hash, a secret token per subscriber for their links.
enum SubscriberStore {
    struct Row: Decodable {
        let id: String, emailSealed: String, tokenSealed: String, status: String, languages: String, scope: String
        let countries: String, programmes: String, types: String, bulletin: Bool
    }

    static let columns =
        "id, email_sealed, token_sealed, status, languages, scope, countries, programmes, types, bulletin"

    static func subscriber(_ r: Row, cipher: FieldCipher) throws -> Subscriber {
        Subscriber(
            id: r.id, email: try cipher.open(r.emailSealed, in: .subscriberEmail, row: r.id),
            token: try cipher.open(r.tokenSealed, in: .subscriberToken, row: r.id).reveal(),
            status: Subscriber.Status(rawValue: r.status) ?? .pending,
            preferences: SubscriptionPreferences(
                storedLanguages: r.languages, scope: r.scope, countries: r.countries,
                programmes: r.programmes, types: r.types, bulletin: r.bulletin))
    }

    static func emailHash(_ email: String, _ cipher: FieldCipher) -> String {
        cipher.lookupHash(AccountStore.normalise(email: email), context: LookupColumn.subscriberEmail.context)
    }

    static func find(id: String, cipher: FieldCipher, on db: any Database) async throws -> Subscriber? {
        try await db.row("SELECT \(unsafeRaw: columns) FROM subscribers WHERE id = \(bind: id)", as: Row.self).map {
            try subscriber($0, cipher: cipher)
        }
    }

    static func find(token: String, cipher: FieldCipher, on db: any Database) async throws -> Subscriber? {
        guard token.count >= 20, token.count <= 100 else { return nil }
        return try await db.row(
            "SELECT \(unsafeRaw: columns) FROM subscribers WHERE token_hash = \(bind: sha256Hex(token))", as: Row.self
        ).map {
            try subscriber($0, cipher: cipher)
        }
    }

    /// Records a request to subscribe. A new or lapsed address gets its preferences and waits for confirmation;
    /// an active one keeps its preferences (a stranger cannot change them) and is sent a link to manage them.
    /// Returns the subscriber and the message to send.
    static func request(
        email: String, preferences p: SubscriptionPreferences, now: Date, cipher: FieldCipher,
        on db: any Database
    ) async throws -> (Subscriber, kind: String) {
        let hash = emailHash(email, cipher)
        struct Known: Decodable { let id: String, status: String }
        if let known = try await db.sql.raw("SELECT id, status FROM subscribers WHERE email_hash = \(bind: hash)")
            .first(decoding: Known.self)
        {
            if known.status == Subscriber.Status.active.rawValue {
                return (try await find(id: known.id, cipher: cipher, on: db)!, "manage")
            }
            try await save(known.id, preferences: p, status: .pending, now: now, on: db)
            return (try await find(id: known.id, cipher: cipher, on: db)!, "confirm")
        }
        let id = RandomID.make("subscriber"), token = AccountSecrets.randomToken()
        try await db.sql.insert(into: "subscribers")
            .columns(
                "id", "email_hash", "email_sealed", "token_hash", "token_sealed", "status", "languages", "scope",
                "countries",
                "programmes", "types", "bulletin", "created_at", "updated_at"
            )
            .values(
                id, hash, cipher.seal(AccountStore.normalise(email: email), in: .subscriberEmail, row: id),
                sha256Hex(token),
                cipher.seal(token, in: .subscriberToken, row: id), Subscriber.Status.pending.rawValue,
                p.storedLanguages, p.scope.rawValue,
                p.storedCountries, p.storedProgrammes, p.storedTypes, p.bulletin, now.seconds, now.seconds
            )
            .run()
        return (try await find(id: id, cipher: cipher, on: db)!, "confirm")
    }

    static func save(
        _ id: String, preferences p: SubscriptionPreferences, status: Subscriber.Status? = nil, now: Date,
        on db: any Database
    ) async throws {
        let update = db.sql.update("subscribers").set("languages", to: p.storedLanguages).set(
            "scope", to: p.scope.rawValue
        )
        .set("countries", to: p.storedCountries).set("programmes", to: p.storedProgrammes).set(
            "types", to: p.storedTypes
        )
        .set("bulletin", to: p.bulletin).set("updated_at", to: now.seconds)
        if let status { update.set("status", to: status.rawValue) }
        try await update.where("id", .equal, id).run()
    }

    static func setStatus(_ id: String, _ status: Subscriber.Status, now: Date, on db: any Database) async throws {
        let update = db.sql.update("subscribers").set("status", to: status.rawValue).set("updated_at", to: now.seconds)
        if status == .active { update.set("confirmed_at", to: now.seconds) }
        try await update.where("id", .equal, id).run()
        if status == .unsubscribed || status == .bounced {
            // What is still waiting for them is not sent.
            try await db.sql.update("outbox").set("status", to: "cancelled").where("subscriber_id", .equal, id)
                .where("status", .equal, "queued").run()
        }
    }

    /// Active subscribers' preferences, for matching a publication (addresses are not opened).
    static func activePreferences(
        on db: any Database
    ) async throws -> [(id: String, preferences: SubscriptionPreferences)] {
        struct Row: Decodable {
            let id: String, languages: String, scope: String, countries: String, programmes: String, types: String,
                bulletin: Bool
        }
        return try await db.sql.raw(
            """
            SELECT id, languages, scope, countries, programmes, types, bulletin FROM subscribers
            WHERE status = 'active'
            """
        )
        .all(decoding: Row.self).map {
            (
                $0.id,
                SubscriptionPreferences(
                    storedLanguages: $0.languages, scope: $0.scope, countries: $0.countries,
                    programmes: $0.programmes, types: $0.types, bulletin: $0.bulletin)
            )
        }
    }
}
