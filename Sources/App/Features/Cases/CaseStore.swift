import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// What opens a case: from the public form or by a case officer.
struct NewCase: Sendable {
    var country: String
    var label: String
    var risk: RiskLevel = .medium
    var origin: String = "office"
    var notes: String = ""
    var receiptHash: String? = nil
    var person: NewPerson? = nil
    var act: NewAct? = nil
    var source: NewSource? = nil
    var message: String? = nil
    var attachments: [Upload] = []
}

struct NewPerson: Sendable {
    var kind: AtRiskKind; var name: String; var consents: Bool; var description: String; var contact: String
}
struct NewAct: Sendable {
    var type: ActType; var occurredOn: String?; var place: String; var perpetrator: PerpetratorType; var detail: String
}
struct NewSource: Sendable { var description: String; var contact: String }

/// Reads and writes case files. Confidential values are sealed here, on the way in, and opened on the way out.
enum CaseStore {
    static func open(
        _ new: NewCase, by actor: String, now: Date, cipher: FieldCipher, on db: any Database
    ) async throws -> String {
        let id = RandomID.make("case")
        try await db.write { tx in
            try await tx.sql.insert(into: "cases")
                .columns(
                    "id", "status", "outcome", "country_code", "risk_level", "origin", "label_sealed", "notes_sealed",
                    "receipt_hash", "opened_at", "status_changed_at", "last_activity_at"
                )
                .values(
                    id, CaseStatus.received.rawValue, String?.none, new.country, new.risk.rawValue, new.origin,
                    cipher.seal(new.label, in: .caseLabel, row: id),
                    cipher.seal(new.notes, in: .caseNotes, row: id),
                    new.receiptHash, now.seconds, now.seconds, now.seconds
                )
                .run()
            if let person = new.person {
                try await CaseRecords.addPerson(person, by: actor, to: id, now: now, cipher: cipher, on: tx)
            }
            if let act = new.act { try await CaseRecords.addAct(act, to: id, cipher: cipher, on: tx) }
            if let source = new.source {
                try await CaseRecords.addSource(source, to: id, now: now, cipher: cipher, on: tx)
            }
            if let message = new.message, !message.isEmpty {
                try await CaseRecords.addMessage(
                    message, fromReporter: new.origin == "report", author: actor, to: id, now: now, cipher: cipher,
                    on: tx)
            }
            for upload in new.attachments {
                try await CaseRecords.addAttachment(upload, by: actor, to: id, now: now, cipher: cipher, on: tx)
            }
            let opened = new.origin == "report" ? "Case opened from the public report form" : "Case opened by \(actor)"
            try await Timeline.add(opened, actor: actor, case: id, now: now, on: tx)
        }
        return id
    }

    struct Row: Decodable {
        let id: String, status: String, outcome: String?, countryCode: String, riskLevel: String, origin: String
        let labelSealed: String, notesSealed: String, openedAt: Int64, statusChangedAt: Int64, lastActivityAt: Int64
    }

    static let columns =
        """
        id, status, outcome, country_code, risk_level, origin, label_sealed, notes_sealed, opened_at, \
        status_changed_at, last_activity_at
        """

    static func file(_ row: Row, cipher: FieldCipher) throws -> CaseFile {
        CaseFile(
            id: row.id, status: CaseStatus(rawValue: row.status) ?? .received,
            outcome: row.outcome.flatMap(Outcome.init(rawValue:)),
            country: row.countryCode, risk: RiskLevel(rawValue: row.riskLevel) ?? .medium, origin: row.origin,
            label: try cipher.open(row.labelSealed, in: .caseLabel, row: row.id),
            notes: try cipher.open(row.notesSealed, in: .caseNotes, row: row.id),
            openedAt: row.openedAt, statusChangedAt: row.statusChangedAt, lastActivityAt: row.lastActivityAt)
    }

    /// The whole case file, or nil.
    static func find(_ id: String, cipher: FieldCipher, on db: any Database) async throws -> CaseFile? {
        guard
            let row = try await db.row("SELECT \(unsafeRaw: columns) FROM cases WHERE id = \(bind: id)", as: Row.self)
        else { return nil }
        var file = try file(row, cipher: cipher)
        try await CaseRecords.load(into: &file, cipher: cipher, on: db)
        file.verifications = try await VerificationStore.forCase(id, cipher: cipher, on: db)
        file.interventions = try await InterventionStore.summaries(case: id, on: db)
        file.events = try await Timeline.events(case: id, on: db)
        file.missions = try await MissionStore.forCase(id, cipher: cipher, on: db)
        file.assistance = try await AssistanceStore.list(
            case: id, referenceCurrency: try await AssistanceSettings.load(on: db).currency, cipher: cipher, on: db)
        return file
    }

    static func find(receiptHash: String, cipher: FieldCipher, on db: any Database) async throws -> CaseFile? {
        struct IDRow: Decodable { let id: String }
        guard
            let row = try await db.sql.raw("SELECT id FROM cases WHERE receipt_hash = \(bind: receiptHash)").first(
                decoding: IDRow.self)
        else { return nil }
        return try await find(row.id, cipher: cipher, on: db)
    }

    /// Cases in a status (all when nil), the most recently active first.
    static func list(status: CaseStatus?, cipher: FieldCipher, on db: any Database) async throws -> [CaseFile] {
        let filter: SQLQueryString = status.map { "WHERE status = \(bind: $0.rawValue)" } ?? ""
        return try await db.rows(
            "SELECT \(unsafeRaw: columns) FROM cases \(filter) ORDER BY last_activity_at DESC, id LIMIT 500",
            as: Row.self
        ).map { try file($0, cipher: cipher) }
    }

    /// Cases by id without their records (status, country, working title): for pages that list linked cases.
    static func headers(_ ids: [String], cipher: FieldCipher, on db: any Database) async throws -> [String: CaseFile] {
        guard !ids.isEmpty else { return [:] }
        let files = try await db.rows(
            "SELECT \(unsafeRaw: columns) FROM cases WHERE id IN (\(binds: ids))", as: Row.self
        ).map { try file($0, cipher: cipher) }
        return Dictionary(files.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Moves a case along the state machine (checked), dated and written to the timeline and the audit trail.
    static func changeStatus(
        _ id: String, from: CaseStatus, to: CaseStatus, outcome: Outcome?, by actor: String, now: Date,
        on db: any Database
    ) async throws -> Result<Void, CaseTransition.Refusal> {
        let checked = CaseTransition.check(from: from, to: to, outcome: outcome)
        guard case .success(let stored) = checked else { return checked.map { _ in () } }
        try await db.write { tx in
            try await tx.sql.update("cases").set("status", to: to.rawValue).set("outcome", to: stored?.rawValue)
                .set("status_changed_at", to: now.seconds).set("last_activity_at", to: now.seconds)
                .where("id", .equal, id).where("status", .equal, from.rawValue).run()
            let detail = stored.map { " (outcome: \($0.label))" } ?? ""
            try await Timeline.add(
                "Status: \(from.label) → \(to.label)\(detail)", actor: actor, case: id, now: now, on: tx)
            let change = "\(from.rawValue) → \(to.rawValue)\(stored.map { " (\($0.rawValue))" } ?? "")"
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "case.status", recordType: "case", recordID: id,
                    detail: change), now: now, on: tx)
            try await ContentVersion.bump(on: tx, now: now)  // outcomes on /statistics
        }
        return .success(())
    }

    /// Moves the case forward when something happens (a verification asked, an intervention published),
    /// unless it is already further along.
    static func advance(
        _ file: CaseFile, to target: CaseStatus, by actor: String, now: Date, on db: any Database
    ) async throws {
        let order = CaseStatus.allCases
        guard file.status != .closed, order.firstIndex(of: target)! > order.firstIndex(of: file.status)! else { return }
        var current = file.status
        // Walk the allowed steps so the timeline shows each one.
        while current != target,
            let step = current.next.first(where: {
                order.firstIndex(of: $0)! > order.firstIndex(of: current)! && $0 != .closed
            })
        {
            _ = try await changeStatus(file.id, from: current, to: step, outcome: nil, by: actor, now: now, on: db)
            current = step
        }
    }

    static func update(
        _ id: String, label: String, risk: RiskLevel, notes: String, by actor: String, now: Date,
        cipher: FieldCipher, on db: any Database
    ) async throws {
        try await db.sql.update("cases").set("label_sealed", to: cipher.seal(label, in: .caseLabel, row: id))
            .set("risk_level", to: risk.rawValue).set("notes_sealed", to: cipher.seal(notes, in: .caseNotes, row: id))
            .set("last_activity_at", to: now.seconds).where("id", .equal, id).run()
        try await Timeline.add("Case details edited (risk: \(risk.label))", actor: actor, case: id, now: now, on: db)
    }

    static func touch(_ id: String, now: Date, on db: any Database) async throws {
        try await db.sql.update("cases").set("last_activity_at", to: now.seconds).where("id", .equal, id).run()
    }
}

/// The case's internal timeline: everything that happened, in words a case officer reads. Entries are
/// written by the code from fixed phrases, never from confidential values.
enum Timeline {
    static func add(_ summary: String, actor: String, case id: String, now: Date, on db: any Database) async throws {
        try await db.sql.insert(into: "case_events").columns("case_id", "at", "actor", "summary")
            .values(id, now.seconds, actor, summary).run()
    }

    static func events(case id: String, on db: any Database) async throws -> [TimelineEvent] {
        struct Row: Decodable { let at: Int64, actor: String, summary: String }
        return try await db.sql.raw(
            "SELECT at, actor, summary FROM case_events WHERE case_id = \(bind: id) ORDER BY at, id"
        )
        .all(decoding: Row.self).map { TimelineEvent(at: $0.at, actor: $0.actor, summary: $0.summary) }
    }
}
