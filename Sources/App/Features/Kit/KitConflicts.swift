import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// What a merged kit left for a case officer to decide (`kit_conflicts`, `KitMerge`): on the case page for a case's
/// records, on the mission page for the mission's own record. For a field changed on both sides, the office's value
/// (in its record) and the kit's (sealed here); keeping the office's changes nothing, taking the kit's writes it into
/// the record. A kept record is acknowledged. Each is audited.
enum KitConflicts {
    /// Where a flag is decided: a case's file, or a mission's page (flags on the mission's own row hold no case).
    enum Scope: Sendable, Equatable {
        case caseFile(String)
        case mission(String)

        func action(_ conflict: String) -> String {
            switch self {
            case .caseFile(let id): OfficeRoute.caseKitConflict(id: id, conflict: conflict).path
            case .mission(let id): OfficeRoute.missionKitConflict(id: id, conflict: conflict).path
            }
        }
    }

    struct Shown: Sendable {
        let id: String, table: String, row: String, column: String, kind: String, actor: String
        let office: String, kit: String
    }

    struct Stored: Decodable, Sendable {
        let id: String, caseId: String?, tableName: String, rowId: String, columnName: String, kind: String
        let kitValueSealed: String?, actor: String
    }

    static func undecided(_ scope: Scope, on db: any Database) async throws -> [Stored] {
        let columns = "id, case_id, table_name, row_id, column_name, kind, kit_value_sealed, actor"
        switch scope {
        case .caseFile(let caseID):
            return try await db.rows(
                """
                SELECT \(unsafeRaw: columns) FROM kit_conflicts
                WHERE case_id = \(bind: caseID) AND decided_at IS NULL ORDER BY created_at, id
                """, as: Stored.self)
        case .mission(let missionID):
            // Only the mission's own row: a flag on a case's record (or a mission's link to a case) is the case's.
            return try await db.rows(
                """
                SELECT \(unsafeRaw: columns) FROM kit_conflicts
                WHERE mission_id = \(bind: missionID) AND case_id IS NULL AND table_name = 'missions'
                AND row_id = \(bind: missionID) AND decided_at IS NULL ORDER BY created_at, id
                """, as: Stored.self)
        }
    }

    static func describe(_ value: KitContents.Value?) -> String {
        switch value {
        case nil, .null?: "—"
        case .integer(let number)?: String(number)
        case .real(let number)?: String(number)
        case .text(let text)?: text
        case .bytes(let data)?: "(\(data.count) bytes)"
        }
    }

    static func kitValue(_ stored: Stored, cipher: FieldCipher) -> KitContents.Value? {
        guard let sealed = stored.kitValueSealed,
            let text = try? cipher.open(sealed, in: .kitConflictValue, row: stored.id).reveal()
        else { return nil }
        return KitMerge.decode(text)
    }

    /// The undecided conflicts of a case or a mission, each with both values (office pages only).
    static func shown(_ scope: Scope, cipher: FieldCipher, on db: any Database) async throws -> [Shown] {
        var out: [Shown] = []
        for stored in try await undecided(scope, on: db) {
            var office = "—"
            if !stored.columnName.isEmpty, KitTables.carried.contains(where: { $0.table == stored.tableName }) {
                let rows = KitMerge.rows(
                    try await KitTables.read(
                        stored.tableName, where: "id", in: [stored.rowId], cipher: cipher,
                        numeric: stored.tableName == KitTables.numbered, on: db))
                office = describe(rows[stored.rowId]?[stored.columnName])
            }
            var kit = describe(kitValue(stored, cipher: cipher))
            if stored.kind == "new-spelling", case .text(let text)? = kitValue(stored, cipher: cipher),
                let row = KitMerge.row(fromText: text)
            {
                kit = ["language", "spelling_sealed", "description_sealed"].map { describe(row[$0]) }
                    .joined(separator: " · ")
            }
            out.append(
                Shown(
                    id: stored.id, table: stored.tableName, row: stored.rowId, column: stored.columnName,
                    kind: stored.kind, actor: stored.actor, office: office, kit: kit))
        }
        return out
    }

    static func section(_ shown: [Shown], scope: Scope, csrf: String) -> HTML {
        guard !shown.isEmpty else { return .empty }
        let items = shown.map { item -> HTML in
            let record = item.table + " " + item.row
            let what: HTML
            switch item.kind {
            case "both-changed":
                what = """
                    \(t("casefile.kit.both", ["field": item.column, "record": record]))\
                    <dl><dt>\(t("casefile.kit.office"))</dt><dd class="kit-office">\(item.office)</dd>\
                    <dt>\(t("casefile.kit.kit", ["member": item.actor]))</dt><dd class="kit-kit">\(item.kit)</dd></dl>
                    """
            case "to-confirm":
                what = """
                    \(t("casefile.kit.to-confirm", ["field": item.column, "record": record]))\
                    <dl><dt>\(t("casefile.kit.office"))</dt><dd class="kit-office">\(item.office)</dd>\
                    <dt>\(t("casefile.kit.kit", ["member": item.actor]))</dt><dd class="kit-kit">\(item.kit)</dd></dl>
                    """
            case "new-spelling":
                what = """
                    \(t("casefile.kit.new-spelling", ["record": record]))\
                    <dl><dt>\(t("casefile.kit.kit", ["member": item.actor]))</dt>\
                    <dd class="kit-kit">\(item.kit)</dd></dl>
                    """
            case "deleted-in-kit": what = "\(t("casefile.kit.deleted-in-kit", ["record": record]))"
            case "not-deleted": what = "\(t("casefile.kit.not-deleted", ["record": record]))"
            default: what = "\(t("casefile.kit.deleted-at-office", ["record": record]))"
            }
            let buttons: HTML =
                Self.takeable.contains(item.kind)
                ? """
                <button type="submit" name="keep" value="office">\(t("casefile.kit.keep-office"))</button> \
                <button type="submit" name="keep" value="kit">\(t("casefile.kit.take-kit"))</button>
                """
                : "<button type=\"submit\" name=\"keep\" value=\"office\">\(t("casefile.kit.seen"))</button>"
            return """
                <li id="\(item.id)">\(what)<form method="post" \
                action="\(scope.action(item.id))" \
                class="inline-form">\(CSRF.field(csrf))\(buttons)</form></li>
                """
        }
        return """
            <section aria-labelledby="kit-conflicts"><h2 id="kit-conflicts">\(t("casefile.kit.title"))</h2>\
            <ul class="kit-conflicts">\(items)</ul></section>
            """
    }

    enum Decided: Equatable { case done, unknown, badChoice, anonymised, badDates(String) }

    static func badDatesReason(_ problem: String) -> String {
        "The kit's date cannot be taken (\(problem)): keep the office's value, or change the dates in the mission's "
            + "form."
    }

    /// The kinds of flag whose kit value an officer may take.
    static let takeable: Set<String> = ["both-changed", "to-confirm", "new-spelling"]

    /// Decides a conflict of a case or a mission: "office" keeps the record as it is, "kit" writes the kit's value
    /// into it. The kit's sealed value is dropped once decided: nothing of a kit outlives its decision.
    static func decide(
        _ conflictID: String, _ scope: Scope, keep: String, by actor: String, now: Date,
        cipher: FieldCipher, on db: any Database
    ) async throws -> Decided {
        guard keep == "office" || keep == "kit" else { return .badChoice }
        let decided: Decided = try await db.write { tx in
            // The case first, locked as erasure locks it, so that an anonymisation never races the decision.
            switch scope {
            case .caseFile(let caseID): try await KitRecord.lockCases([caseID], on: tx)
            case .mission(let missionID):
                // Two decisions of one flag at once: the second waits, then finds it decided (round 5, finding 4).
                if KitRecord.locks(tx) {
                    try await tx.sql.raw("SELECT id FROM missions WHERE id = \(bind: missionID) FOR UPDATE").run()
                }
            }
            guard let stored = try await undecided(scope, on: tx).first(where: { $0.id == conflictID }) else {
                return .unknown
            }
            if keep == "kit" {
                let written = try await take(stored, scope, now: now, cipher: cipher, on: tx)
                guard written == .done else { return written }
            }
            try await tx.sql.raw(
                """
                UPDATE kit_conflicts SET decided_at = \(bind: now.seconds), decided_by = \(bind: actor),
                decision = \(bind: keep), kit_value_sealed = NULL WHERE id = \(bind: conflictID)
                """
            ).run()
            let (recordType, recordID) =
                switch scope {
                case .caseFile(let id): ("case", id)
                case .mission(let id): ("mission", id)
                }
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: recordType + ".kit-conflict", recordType: recordType, recordID: recordID,
                    detail: "\(stored.tableName) \(stored.rowId) \(stored.columnName): kept the "
                        + (keep == "kit" ? "kit's value" : "office's")), now: now, on: tx)
            return .done
        }
        return decided
    }

    /// Writes the kit's value of a flag into its record, if the record is still the case's (or the mission's own).
    static func take(
        _ stored: Stored, _ scope: Scope, now: Date, cipher: FieldCipher, on tx: any Database
    ) async throws -> Decided {
        if stored.kind == "new-spelling" {
            guard case .caseFile(let caseID) = scope else { return .badChoice }
            guard !(try await KitRecord.isAnonymised(caseID, on: tx)) else { return .anonymised }
            return try await insertSpelling(stored, case: caseID, cipher: cipher, on: tx) ? .done : .badChoice
        }
        guard Self.takeable.contains(stored.kind), !stored.columnName.isEmpty,
            KitTables.carried.contains(where: { $0.table == stored.tableName }),
            let value = kitValue(stored, cipher: cipher)
        else { return .badChoice }
        let kinds = Dictionary(
            try await KitTables.columns(stored.tableName, on: tx).map { ($0.name, $0.kind) },
            uniquingKeysWith: { a, _ in a })
        guard kinds[stored.columnName] != nil, KitRecord.changeable(stored.tableName, stored.columnName) else {
            return .badChoice
        }
        if case .caseFile(let caseID) = scope {
            // A case anonymised at the office never gets a value back from a kit (review finding 3).
            guard !(try await KitRecord.isAnonymised(caseID, on: tx)) else { return .anonymised }
        }
        // The record must still be the case's, or the mission's own row (locked on PostgreSQL).
        let numbered = stored.tableName == KitTables.numbered
        let current = KitMerge.rows(
            try await KitTables.read(
                stored.tableName, where: "id", in: [stored.rowId], cipher: cipher, numeric: numbered,
                lock: KitRecord.locks(tx), on: tx))[stored.rowId]
        guard let current else { return .unknown }
        var sets = [(stored.columnName, value)]
        switch scope {
        case .caseFile(let caseID):
            guard KitMerge.caseOf(stored.tableName, stored.rowId, current) == caseID else { return .unknown }
        case .mission(let missionID):
            guard stored.tableName == "missions", stored.rowId == missionID else { return .unknown }
            sets.append(("updated_at", .integer(now.seconds)))
        }
        guard KitValues.problem(stored.tableName, [stored.columnName: value], kinds: kinds) == nil else {
            return .badChoice
        }
        // Never NULL where the column needs a value (round 5, finding 2).
        if value == .null, try await KitTables.required(stored.tableName, on: tx).contains(stored.columnName) {
            return .badChoice
        }
        if stored.tableName == "missions", ["starts_on", "ends_on"].contains(stored.columnName) {
            // The dates as the mission form checks them: real days, the last not before the first, a year at most.
            let dates = current.merging([stored.columnName: value]) { _, new in new }
            if case .failure(let problem) = MissionDates.check(
                starts: KitTables.text(dates["starts_on"] ?? .null), ends: KitTables.text(dates["ends_on"] ?? .null))
            {
                return .badDates(problem.description)
            }
        }
        try await KitMerge.update(
            stored.tableName, id: stored.rowId, sets, kinds: kinds, numbered: numbered, cipher: cipher, on: tx)
        return .done
    }

    /// Writes a spelling made offline that an officer took: only for a person of the same case, and only when the
    /// person has no other row in that language.
    static func insertSpelling(
        _ stored: Stored, case caseID: String, cipher: FieldCipher, on tx: any Database
    ) async throws -> Bool {
        guard case .text(let text)? = kitValue(stored, cipher: cipher), let row = KitMerge.row(fromText: text),
            row["id"] == .text(stored.rowId), row["case_id"] == .text(caseID),
            case .text(let person)? = row["person_id"], case .text(let language)? = row["language"]
        else { return false }
        struct Found: Decodable { let id: String }
        let owner = try await tx.sql.raw(
            "SELECT id FROM case_people WHERE id = \(bind: person) AND case_id = \(bind: caseID)"
        ).first(decoding: Found.self)
        let taken = try await tx.sql.raw(
            """
            SELECT id FROM case_person_languages WHERE id = \(bind: stored.rowId)
            OR (person_id = \(bind: person) AND language = \(bind: language))
            """
        ).first(decoding: Found.self)
        guard owner != nil, taken == nil else { return false }
        let kinds = Dictionary(
            try await KitTables.columns("case_person_languages", on: tx).map { ($0.name, $0.kind) },
            uniquingKeysWith: { a, _ in a })
        guard KitValues.problem("case_person_languages", row, kinds: kinds) == nil else { return false }
        // Every column that needs a value (round 6, finding 4): never a database error quoting the row.
        let required = try await KitTables.required("case_person_languages", on: tx)
        guard required.allSatisfy({ kinds[$0] == nil || (row[$0] ?? .null) != .null }) else { return false }
        try await KitMerge.insert(
            "case_person_languages", row, id: stored.rowId, kinds: kinds, cipher: cipher, on: tx)
        return true
    }
}
