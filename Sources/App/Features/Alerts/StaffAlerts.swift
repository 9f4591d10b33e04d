import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// E-mails to case officers about their cases: a report arrived or a reporter added to one, a partner answered or
/// a verification request expired unanswered, an intervention waits for approval, a beneficiary's report is
/// overdue. Each alert is a row of `staff_alerts` per recipient, raised in the transaction of the event; the
/// message is built at send time from that row (a fixed sentence in the recipient's language, the case's number and
/// a link), so nothing typed about a case can reach it. Immediate alerts go through the outbox at once; the others
/// wait for the recipient's daily digest, queued once per person and day (the outbox's key holds the date).
enum StaffAlerts {
    static let kind = "alert"
    static let digestKind = "alert.digest"

    static func handles(_ kind: String) -> Bool { kind == self.kind || kind == digestKind }

    struct Setting: Decodable { let userId: String, events: String, digest: Bool, onCall: Bool }

    static func preferences(on db: any Database) async throws -> [String: AlertPreferences] {
        let rows = try await db.rows("SELECT user_id, events, digest, on_call FROM alert_settings", as: Setting.self)
        return Dictionary(
            rows.map {
                (
                    $0.userId,
                    AlertPreferences(
                        events: AlertPreferences.events(stored: $0.events),
                        delivery: $0.digest ? .digest : .now, onCall: $0.onCall)
                )
            }, uniquingKeysWith: { first, _ in first })
    }

    static func preferences(of userID: String, on db: any Database) async throws -> AlertPreferences {
        try await preferences(on: db)[userID] ?? AlertPreferences()
    }

    /// Raises `event` about `caseID` (in the caller's transaction). `subject` names the event's record (the case,
    /// a message, a verification, an intervention, a grant), so the same event is never raised twice; `except` is
    /// the person whose action it is (the drafter is not asked to approve their own draft).
    static func raise(
        _ event: AlertEvent, case caseID: String, subject: String, link: String,
        except actor: String? = nil, now: Date, on db: any Database
    ) async throws {
        let day = AlertPreferences.day(seconds: now.seconds)
        let settings = try await preferences(on: db)
        var rows: [(id: String, user: String, digest: Bool)] = [("\(event.rawValue):\(subject):", "", false)]
        for account in try await AccountStore.all(on: db) where account.email != actor {
            let choice = (settings[account.id] ?? AlertPreferences())
                .delivery(of: event, isCaseOfficer: account.roles.contains(.caseOfficer), disabled: account.disabled)
            guard let choice else { continue }
            rows.append(("\(event.rawValue):\(subject):\(account.id)", account.id, choice == .digest))
        }
        let insert = db.sql.insert(into: "staff_alerts")
            .columns(
                "id", "event", "subject_id", "case_id", "link", "user_id", "day", "digest", "digest_key",
                "created_at")
        for row in rows {
            insert.values(
                row.id, event.rawValue, subject, caseID, link, row.user, day, row.digest,
                "\(digestKind):\(row.user):\(day)", now.seconds)
        }
        try await insert.ignoringConflicts(with: ["id"]).run()
        let items = rows.filter { !$0.user.isEmpty && !$0.digest }.map {
            MailQueue.Item(
                dedupe: "\(kind):\($0.id)", kind: kind, subscriberID: $0.user, subjectID: $0.id,
                notBefore: now.seconds)
        }
        try await MailQueue.add(items, now: now, on: db)
    }

    /// Called by the mail worker each round: raises the alerts no request makes (a verification request expired
    /// unanswered, a beneficiary's report overdue) and queues the digests of days that are over. Each is keyed, so
    /// two instances doing it at once raise and queue it once.
    static func queueDue(now: Date, on db: any Database) async throws {
        struct Due: Decodable { let id: String, caseId: String }
        let week = now.seconds - 7 * 86_400
        let expired = try await db.rows(
            """
            SELECT id, case_id FROM verifications WHERE answer IS NULL AND expires_at IS NOT NULL
            AND expires_at <= \(bind: now.seconds) AND expires_at > \(bind: week)
            AND NOT EXISTS (SELECT 1 FROM staff_alerts a
                            WHERE a.event = \(bind: AlertEvent.verificationExpired.rawValue)
                            AND a.subject_id = verifications.id)
            LIMIT 100
            """, as: Due.self
        )
        let today = CivilDate(daysSinceEpoch: Int(AlertPreferences.day(seconds: now.seconds))).description
        let overdue = try await db.rows(
            """
            SELECT id, case_id FROM assistance_requests WHERE status IN ('approved', 'paid')
            AND report_received_on IS NULL AND report_due_on IS NOT NULL AND report_due_on < \(bind: today)
            AND NOT EXISTS (SELECT 1 FROM staff_alerts a WHERE a.event = \(bind: AlertEvent.assistanceOverdue.rawValue)
                            AND a.subject_id = assistance_requests.id)
            LIMIT 100
            """, as: Due.self
        )
        struct Digest: Decodable { let userId: String, day: Int64, digestKey: String }
        let digests = try await db.rows(
            """
            SELECT DISTINCT user_id, day, digest_key FROM staff_alerts WHERE digest = \(bind: true)
            AND day < \(bind: AlertPreferences.day(seconds: now.seconds)) AND created_at > \(bind: week)
            AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = staff_alerts.digest_key)
            LIMIT 500
            """, as: Digest.self
        )
        guard !expired.isEmpty || !overdue.isEmpty || !digests.isEmpty else { return }
        try await db.write { tx in
            for due in expired {
                try await raise(
                    .verificationExpired, case: due.caseId, subject: due.id,
                    link: OfficeRoute.caseFile(id: due.caseId).path, now: now, on: tx)
                try await AuditLog.record(
                    AuditEvent(
                        actor: "system", action: "alert.raise", recordType: "case",
                        recordID: due.caseId,
                        detail: AlertEvent.verificationExpired.rawValue),
                    now: now, on: tx)
            }
            for due in overdue {
                try await raise(
                    .assistanceOverdue, case: due.caseId, subject: due.id,
                    link: OfficeRoute.assistanceRequest(id: due.id).path, now: now, on: tx)
                try await AuditLog.record(
                    AuditEvent(
                        actor: "system", action: "alert.raise", recordType: "case",
                        recordID: due.caseId,
                        detail: AlertEvent.assistanceOverdue.rawValue),
                    now: now, on: tx)
            }
            try await MailQueue.add(
                digests.map {
                    MailQueue.Item(
                        dedupe: $0.digestKey, kind: digestKind, subscriberID: $0.userId,
                        subjectID: String($0.day), notBefore: now.seconds)
                }, now: now, on: tx)
        }
    }

    /// The line naming the record: a case's number, or for retention the record's id (a case, an answer...).
    static func caseLine(_ alert: Alert, _ event: AlertEvent) -> String {
        t(event == .retentionDue ? "alert.record" : "alert.case", ["number": alert.caseId])
    }

    struct Alert: Decodable { let id: String, event: String, caseId: String, link: String, userId: String }

    /// The message for one outbox row, or nil when it is no longer to be sent (the account disabled, no longer a
    /// case officer, or the row not theirs).
    static func message(
        kind: String, accountID: String, subjectID: String?, composer: MailComposer, now: Date,
        on db: any Database
    ) async throws -> MailMessage? {
        guard let subjectID, let account = try await AccountStore.find(id: accountID, on: db), !account.disabled,
            account.roles.contains(.caseOfficer)
        else { return nil }
        let alerts: [Alert]
        if kind == digestKind {
            guard let day = Int64(subjectID) else { return nil }
            alerts = try await db.rows(
                """
                SELECT id, event, case_id, link, user_id FROM staff_alerts WHERE user_id = \(bind: account.id)
                AND day = \(bind: day) AND digest = \(bind: true) ORDER BY created_at, id LIMIT 1000
                """, as: Alert.self
            )
        } else {
            alerts = try await db.rows(
                """
                SELECT id, event, case_id, link, user_id FROM staff_alerts WHERE id = \(bind: subjectID)
                """, as: Alert.self
            )
            .filter { $0.userId == account.id }
        }
        let known = alerts.compactMap { alert in AlertEvent(rawValue: alert.event).map { (alert, $0) } }
        guard !known.isEmpty else { return nil }
        let language = account.language ?? .en
        return Translations.$current.withValue(.of(language)) {
            let base = composer.baseURL
            var lines: [String]
            let subject: String
            if kind == digestKind {
                let day = (Int64(subjectID) ?? 0) * 86_400
                subject = t("alert.digest.subject", ["date": Translations.current.day(seconds: day)])
                lines = [t("alert.digest.text", ["date": Translations.current.day(seconds: day)]), ""]
                for (alert, event) in known {
                    lines += [
                        "- " + t("alert.\(event.rawValue)"), "  " + caseLine(alert, event),
                        "  " + base + alert.link, ""
                    ]
                }
            } else {
                let (alert, event) = known[0]
                subject = t("alert.subject", ["event": t("alert.short.\(event.rawValue)"), "number": alert.caseId])
                lines = [
                    t("alert.\(event.rawValue)"), "", caseLine(alert, event), "",
                    base + alert.link, ""
                ]
            }
            lines += [
                t("alert.safety"), t("alert.settings-line", ["link": base + AlertRoute.settings.path]), "", "--",
                t("site.full-name")
            ]
            return composer.message(
                to: account.email, language: language, subject: subject,
                text: lines.joined(separator: "\n"), html: nil, unsubscribeURL: nil, now: now)
        }
    }
}
