import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// What a merged kit left for a case officer to decide on the case page (`kit_conflicts`, `KitMerge`): for a field
/// changed on both sides, the office's value (in its record) and the kit's (sealed here); keeping the office's
/// changes nothing, taking the kit's writes it into the record. A kept record is acknowledged. Each is audited.
enum KitConflicts {
    struct Shown: Sendable {
        let id: String, table: String, row: String, column: String, kind: String, actor: String
        let office: String, kit: String
    }

    struct Stored: Decodable, Sendable {
        let id: String, caseId: String?, tableName: String, rowId: String, columnName: String, kind: String
        let kitValueSealed: String?, actor: String
    }

    static func undecided(case caseID: String, on db: any Database) async throws -> [Stored] {
        try await db.sql.raw(
            """
            SELECT id, case_id, table_name, row_id, column_name, kind, kit_value_sealed, actor FROM kit_conflicts
            WHERE case_id = \(bind: caseID) AND decided_at IS NULL ORDER BY created_at, id
            """
        ).all(decoding: Stored.self, keyDecodingStrategy: .convertFromSnakeCase)
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

    /// The case's undecided conflicts, each with both values (office pages only).
    static func shown(case caseID: String, cipher: FieldCipher, on db: any Database) async throws -> [Shown] {
        var out: [Shown] = []
        for stored in try await undecided(case: caseID, on: db) {
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

    static func section(_ shown: [Shown], caseID: String, csrf: String) -> HTML {
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
                action="\(OfficeRoute.caseKitConflict(id: caseID, conflict: item.id).path)" \
                class="inline-form">\(CSRF.field(csrf))\(buttons)</form></li>
                """
        }
        return """
            <section aria-labelledby="kit-conflicts"><h2 id="kit-conflicts">\(t("casefile.kit.title"))</h2>\
            <ul class="kit-conflicts">\(items)</ul></section>
            """
    }

    enum Decided: Equatable { case done, unknown, badChoice, anonymised }

    /// The kinds of flag whose kit value an officer may take.
    static let takeable: Set<String> = ["both-changed", "to-confirm", "new-spelling"]

    /// Decides a conflict of `caseID`: "office" keeps the record as it is, "kit" writes the kit's value into it.
    static func decide(
        _ conflictID: String, case caseID: String, keep: String, by actor: String, now: Date,
        cipher: FieldCipher, on db: any Database
    ) async throws -> Decided {
        guard keep == "office" || keep == "kit" else { return .badChoice }
        let decided: Decided = try await db.write { tx in
            // The case first, locked as erasure locks it, so that an anonymisation never races the decision.
            try await KitRecord.lockCases([caseID], on: tx)
            guard let stored = try await undecided(case: caseID, on: tx).first(where: { $0.id == conflictID }) else {
                return .unknown
            }
            if keep == "kit", stored.kind == "new-spelling" {
                guard !(try await KitRecord.isAnonymised(caseID, on: tx)) else { return .anonymised }
                guard try await insertSpelling(stored, case: caseID, cipher: cipher, on: tx) else { return .badChoice }
            } else if keep == "kit" {
                guard Self.takeable.contains(stored.kind), !stored.columnName.isEmpty,
                    KitTables.carried.contains(where: { $0.table == stored.tableName }),
                    let value = kitValue(stored, cipher: cipher)
                else { return .badChoice }
                let kinds = Dictionary(
                    try await KitTables.columns(stored.tableName, on: tx).map { ($0.name, $0.kind) },
                    uniquingKeysWith: { a, _ in a })
                guard kinds[stored.columnName] != nil,
                    KitRecord.changeable(stored.tableName, stored.columnName)
                else { return .badChoice }
                // A case anonymised at the office never gets a value back from a kit (review finding 3).
                guard !(try await KitRecord.isAnonymised(caseID, on: tx)) else { return .anonymised }
                // The record must still be the case's.
                let numbered = stored.tableName == KitTables.numbered
                let current = KitMerge.rows(
                    try await KitTables.read(
                        stored.tableName, where: "id", in: [stored.rowId], cipher: cipher, numeric: numbered,
                        lock: KitRecord.locks(tx), on: tx))[stored.rowId]
                guard let current, KitMerge.caseOf(stored.tableName, stored.rowId, current) == caseID else {
                    return .unknown
                }
                try await KitMerge.update(
                    stored.tableName, id: stored.rowId, [(stored.columnName, value)],
                    kinds: kinds, numbered: stored.tableName == KitTables.numbered,
                    cipher: cipher, on: tx)
            }
            try await tx.sql.raw(
                """
                UPDATE kit_conflicts SET decided_at = \(bind: now.seconds), decided_by = \(bind: actor),
                decision = \(bind: keep) WHERE id = \(bind: conflictID)
                """
            ).run()
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "case.kit-conflict", recordType: "case", recordID: caseID,
                    detail: "\(stored.tableName) \(stored.rowId) \(stored.columnName): kept the "
                        + (keep == "kit" ? "kit's value" : "office's")), now: now, on: tx)
            return .done
        }
        return decided
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
        try await KitMerge.insert(
            "case_person_languages", row, id: stored.rowId, kinds: kinds, cipher: cipher, on: tx)
        return true
    }
}
