import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// E-mails to partners: a verification request addressed to their organisation, and one reminder when it is still
/// unanswered after `reminderAfter`. Each goes to every enabled partner account of the organisation, written in
/// that account's language whoever asked. The message never carries what was shared: only that a request waits
/// and the link to it, behind the partner's sign-in.
enum PartnerMail {
    static let request = "partner.request"
    static let reminder = "partner.reminder"
    static let reminderAfter: Int64 = 3 * 86_400

    static func handles(_ kind: String) -> Bool { kind == request || kind == reminder }

    struct Recipient: Decodable { let id: String }

    /// The enabled partner accounts of an organisation.
    static func recipients(organisationID: String, on db: any Database) async throws -> [String] {
        try await AccountStore.all(on: db)
            .filter { $0.organisationID == organisationID && $0.roles.contains(.partner) && !$0.disabled }.map(\.id)
    }

    /// Queues the request's messages (in the transaction that stores the request).
    static func queueRequest(
        _ verificationID: String, organisationID: String, now: Date,
        on db: any Database
    ) async throws {
        let items = try await recipients(organisationID: organisationID, on: db).map {
            MailQueue.Item(
                dedupe: "\(request):\(verificationID):\($0)", kind: request, subscriberID: $0,
                subjectID: verificationID, notBefore: now.seconds)
        }
        try await MailQueue.add(items, now: now, on: db)
    }

    /// Queues one reminder per recipient for each open request unanswered since `reminderAfter` (called by the
    /// mail worker each round; the outbox's key keeps it to one, whichever instance gets there first). Only
    /// requests whose organisation has someone to mail are chosen: one without would stay due for ever, and
    /// enough of them would fill every round's hundred.
    static func queueReminders(now: Date, on db: any Database) async throws {
        struct Due: Decodable { let id: String, organisationId: String }
        let partner = "%,\(Role.partner.rawValue),%"
        let due = try await db.rows(
            """
            SELECT id, organisation_id FROM verifications WHERE answer IS NULL
            AND asked_at <= \(bind: now.seconds - reminderAfter) AND expires_at > \(bind: now.seconds)
            AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.kind = \(bind: reminder) AND o.subject_id = verifications.id)
            AND EXISTS (SELECT 1 FROM users u WHERE u.organisation_id = verifications.organisation_id
                AND u.disabled = \(bind: false) AND (',' || u.roles || ',') LIKE \(bind: partner))
            ORDER BY asked_at, id LIMIT 100
            """, as: Due.self
        )
        for request in due {
            let items = try await recipients(organisationID: request.organisationId, on: db).map {
                MailQueue.Item(
                    dedupe: "\(reminder):\(request.id):\($0)", kind: reminder, subscriberID: $0,
                    subjectID: request.id, notBefore: now.seconds)
            }
            try await MailQueue.add(items, now: now, on: db)
        }
    }

    /// The message for one outbox row, or nil when it is no longer to be sent (the account disabled or moved to
    /// another organisation, the request answered or its access ended).
    static func message(
        kind: String, accountID: String, verificationID: String?, composer: MailComposer, now: Date,
        on db: any Database
    ) async throws -> MailMessage? {
        struct Facts: Decodable { let organisationId: String, answer: String?, expiresAt: Int64? }
        guard let verificationID, let account = try await AccountStore.find(id: accountID, on: db),
            !account.disabled, account.roles.contains(.partner),
            let facts = try await db.row(
                """
                SELECT organisation_id, answer, expires_at FROM verifications WHERE id = \(bind: verificationID)
                """, as: Facts.self
            ),
            facts.organisationId == account.organisationID, facts.expiresAt.map({ $0 > now.seconds }) ?? true,
            kind == request || facts.answer == nil
        else { return nil }
        let language = account.language ?? .en
        return Translations.$current.withValue(.of(language)) {
            compose(
                kind: kind, to: account.email, language: language,
                link: composer.baseURL
                    + OfficeRoute.partnerRequest(id: verificationID).path, until: facts.expiresAt, composer: composer,
                now: now)
        }
    }

    static func compose(
        kind: String, to email: String, language: Language, link: String, until: Int64?,
        composer: MailComposer, now: Date
    ) -> MailMessage {
        let words = Translations.current
        let subject = kind == request ? t("partner.mail.request.subject") : t("partner.mail.reminder.subject")
        var lines = [kind == request ? t("partner.mail.request.text") : t("partner.mail.reminder.text"), "", link]
        if let until { lines += ["", t("partner.mail.until", ["date": words.day(seconds: until)])] }
        lines += ["", t("partner.mail.safety"), "", "--", t("site.full-name")]
        return composer.message(
            to: email, language: language, subject: subject, text: lines.joined(separator: "\n"),
            html: nil, unsubscribeURL: nil, now: now)
    }
}
