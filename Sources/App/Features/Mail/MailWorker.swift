import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Delivers the outbox: claims a few due messages at a time (atomically, so two instances never take the same
/// one), writes them, hands them to the mailer, and records what happened: sent; tried again later with backoff;
/// failed, and the address marked bounced when the server refuses it.
struct MailWorker: Sendable {
    let instance: String
    let mailer: any Mailer
    let composer: MailComposer
    /// How long a publication or bulletin waits before it is mailed, so that its translations can be published first.
    var publicationDelay: Int64 = 0
    var batchSize = 20

    struct Claimed: Decodable { let id: Int64, kind: String, subscriberId: String, subjectId: String?, attempts: Int }

    /// One round; returns how many messages were handled.
    @discardableResult
    func runOnce(now: Date, on db: any Database) async throws -> Int {
        try await PartnerMail.queueReminders(now: now, on: db)
        try await StaffAlerts.queueDue(now: now, on: db)
        let claimed = try await claim(now: now, on: db)
        guard !claimed.isEmpty else { return 0 }
        var ready: [(Claimed, MailMessage)] = []
        for row in claimed {
            if PartnerMail.handles(row.kind) {  // to a partner's account (the row's subscriber id is the account's)
                if let message = try await PartnerMail.message(
                    kind: row.kind, accountID: row.subscriberId,
                    verificationID: row.subjectId, composer: composer,
                    now: now, on: db)
                {
                    ready.append((row, message))
                } else {
                    try await finish(row.id, status: "cancelled", error: "no longer to be sent", now: now, on: db)
                }
                continue
            }
            if StaffAlerts.handles(row.kind) {  // to a case officer's account
                if let message = try await StaffAlerts.message(
                    kind: row.kind, accountID: row.subscriberId,
                    subjectID: row.subjectId, composer: composer,
                    now: now, on: db)
                {
                    ready.append((row, message))
                } else {
                    try await finish(row.id, status: "cancelled", error: "no longer to be sent", now: now, on: db)
                }
                continue
            }
            guard
                let subscriber = try await SubscriberStore.find(id: row.subscriberId, cipher: composer.cipher, on: db),
                row.kind == "confirm" || row.kind == "manage"
                    ? subscriber.status != .bounced : subscriber.status == .active,
                let message = try await composer.message(
                    kind: row.kind, subjectID: row.subjectId, for: subscriber, now: now, on: db)
            else {
                try await finish(row.id, status: "cancelled", error: "no longer to be sent", now: now, on: db)
                continue
            }
            ready.append((row, message))
        }
        // The last gate before the mail server: no relative link leaves, whoever wrote the message.
        let results = await mailer.send(ready.map { AbsoluteLinks.message($0.1, base: composer.baseURL) })
        for ((row, _), result) in zip(ready, results) {
            switch result {
            case .sent:
                try await finish(row.id, status: "sent", error: nil, now: now, on: db)
            case .temporary(let why):
                if let delay = RetrySchedule.delay(afterAttempt: row.attempts) {
                    try await db.sql.update("outbox").set("status", to: "queued").set(
                        "not_before", to: now.seconds + delay
                    )
                    .set("last_error", to: sealedError(why, row: row.id)).set("claimed_by", to: String?.none)
                    .where("id", .equal, row.id).run()
                } else {
                    try await finish(
                        row.id, status: "failed", error: "gave up after \(row.attempts) attempts: \(why)", now: now,
                        on: db)
                }
            case .permanent(let why):
                try await finish(row.id, status: "failed", error: why, now: now, on: db)
                if why.hasPrefix("RCPT TO") || why == "not a valid address" {
                    try await SubscriberStore.setStatus(row.subscriberId, .bounced, now: now, on: db)
                }
            }
        }
        return claimed.count
    }

    /// Takes due messages (and those a crashed instance held for more than 10 minutes) for this instance.
    func claim(now: Date, on db: any Database) async throws -> [Claimed] {
        let sql = db.sql
        let lock = sql.dialect.name == "postgresql" ? "FOR UPDATE SKIP LOCKED" : ""
        return try await sql.rows(
            """
            UPDATE outbox SET status = 'sending', claimed_by = \(bind: instance), claimed_until = \
            \(bind: now.seconds + 600),
              attempts = attempts + 1
            WHERE id IN (SELECT id FROM outbox WHERE (status = 'queued' AND not_before <= \(bind: now.seconds)
                           AND (kind NOT IN ('publication', 'bulletin') OR created_at <= \
            \(bind: now.seconds - publicationDelay)))
                         OR (status = 'sending' AND claimed_until < \(bind: now.seconds))
                         ORDER BY id LIMIT \(unsafeRaw: String(batchSize)) \(unsafeRaw: lock))
            RETURNING id, kind, subscriber_id, subject_id, attempts
            """, as: Claimed.self
        ).sorted { $0.id < $1.id }
    }

    func finish(_ id: Int64, status: String, error: String?, now: Date, on db: any Database) async throws {
        try await db.sql.update("outbox").set("status", to: status).set(
            "last_error", to: error.map { sealedError($0, row: id) }
        )
        .set("sent_at", to: status == "sent" ? now.seconds : nil).where("id", .equal, id).run()
    }

    /// The mail server's words repeat the subscriber's address: sealed like other confidential values, opened only on
    /// the administrators' mail page (`MailQueue.recent`).
    func sealedError(_ why: String, row id: Int64) -> String {
        composer.cipher.seal(String(why.prefix(500)), in: .outboxError, row: String(id))
    }
}
