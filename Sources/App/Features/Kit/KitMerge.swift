import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// `observatory kit merge FILE`: a kit returned from a mission (`kit return`) applied to the office's database.
///
/// Each row the kit's change log names is compared three ways: as exported (the kit's base), as in the kit, as at
/// the office. A field changed in the kit only is applied; a field changed on both sides keeps the office's value
/// in its record and the kit's in `kit_conflicts`, for a case officer to decide on the case page; a record deleted
/// on one side and changed on the other is kept (restored from the kit when the office deleted it) and flagged.
/// Merging the same kit again finds every field equal or already flagged, and writes nothing. Every write is
/// audited under the mission member's name, in the one transaction of the merge.
enum KitMerge {
    typealias Failure = UserCommand.Failure
    typealias Row = [String: KitContents.Value]

    struct Flag: Sendable {
        let table: String, row: String, column: String, kind: String, caseID: String?, isNew: Bool
    }

    struct Outcome: Sendable {
        var inserted = 0, updated = 0, deleted = 0, restored = 0
        var flags: [Flag] = []
        var applied: Int { inserted + updated + deleted + restored }
        var changedAnything: Bool { applied > 0 || flags.contains(where: \.isNew) }
    }

    /// The contents of a returned kit, or why it is refused (nothing is merged then).
    static func read(_ file: [UInt8], passphrase: String, now: Int64, cipher: FieldCipher) throws -> KitContents {
        let payload: [UInt8]
        do { payload = try MissionKit.open(file, passphrase: passphrase, now: now).1 }
        catch { throw Failure(description: "kit merge: \(error); nothing was merged") }
        let contents: KitContents
        do { contents = try KitContents.decode(payload) }
        catch { throw Failure(description: "kit merge: \(error); nothing was merged") }
        guard contents.kitID != nil, contents.returnedBy != nil else {
            throw Failure(description: "kit merge: this kit is the one exported from the office, without the "
                          + "offline work: on the laptop run observatory kit return FILE --to NEW-FILE, and merge "
                          + "the new file; nothing was merged")
        }
        guard contents.origin == cipher.fingerprint else {
            throw Failure(description: "kit merge: this kit was exported from another database (its key is not "
                          + "this database's key); nothing was merged")
        }
        return contents
    }

    static func rows(_ table: KitContents.Table?) -> [String: Row] {
        guard let table, let idIndex = table.columns.firstIndex(of: "id") else { return [:] }
        var out: [String: Row] = [:]
        for row in table.rows {
            out[KitTables.text(row[idIndex])] = Dictionary(zip(table.columns, row), uniquingKeysWith: { a, _ in a })
        }
        return out
    }

    static func caseOf(_ table: String, _ id: String, _ row: Row?) -> String? {
        if table == "cases" { return id }
        guard let value = row?["case_id"], value != .null else { return nil }
        return KitTables.text(value)
    }

    /// Applies `kit` (read by `read`) in the caller's transaction.
    static func merge(_ kit: KitContents, cipher: FieldCipher, now: Date, on tx: any Database) async throws -> Outcome {
        guard let kitID = kit.kitID, let member = kit.returnedBy else {
            throw Failure(description: "kit merge: this kit holds no offline work; nothing was merged")
        }
        struct Found: Decodable { let id: String }
        guard try await tx.sql.raw("SELECT id FROM missions WHERE id = \(bind: kit.missionID)")
            .first(decoding: Found.self) != nil else {
            throw Failure(description: "kit merge: there is no mission \(kit.missionID.prefix(80)) in this "
                          + "database; nothing was merged")
        }
        var changed: [String: [String]] = [:]
        for change in kit.changes where !(changed[change.table] ?? []).contains(change.row) {
            changed[change.table, default: []].append(change.row)
        }
        var outcome = Outcome()
        var deletions: [(table: String, id: String)] = []
        func audit(_ action: String, _ table: String, _ id: String, _ detail: String) async throws {
            try await auditEntry(
                AuditEvent(actor: member, action: action, recordType: table, recordID: id,
                           detail: detail + " (from the kit of \(kit.missionID))"), now: now, on: tx)
        }
        for (table, _) in KitTables.carried {
            let ids = changed[table] ?? []
            guard !ids.isEmpty else { continue }
            let columns = try await KitTables.columns(table, on: tx)
            let kinds = Dictionary(columns.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
            let numbered = table == KitTables.numbered
            let base = rows(kit.baseTable(table)), local = rows(kit.table(table))
            let office = rows(try await KitTables.read(table, where: "id", in: ids, cipher: cipher, numeric: numbered,
                                                       on: tx))
            for id in ids {
                let b = base[id], l = local[id], o = office[id]
                let caseID = caseOf(table, id, l ?? b ?? o)
                func flag(_ column: String, _ kind: String, _ value: KitContents.Value?) async throws {
                    let isNew = try await record(kitID: kitID, mission: kit.missionID, caseID: caseID, table: table,
                                                 row: id, column: column, kind: kind, value: value, actor: member,
                                                 cipher: cipher, now: now, on: tx)
                    if isNew { try await audit("kit.merge-conflict", table, id, "\(kind) \(column)") }
                    outcome.flags.append(Flag(table: table, row: id, column: column, kind: kind, caseID: caseID,
                                              isNew: isNew))
                }
                switch (b, l) {
                case (nil, nil):
                    continue  // made and deleted offline
                case (nil, let l?) where numbered:
                    // A timeline entry made offline: its id is the laptop's; merged once, by its contents.
                    if try await insertEntry(table, l, kinds: kinds, on: tx) {
                        outcome.inserted += 1
                        try await audit("kit.merge-insert", table, caseID ?? id, "a timeline entry")
                    }
                case (nil, let l?):
                    if let o {
                        for column in l.keys.sorted() where column != "id" && kinds[column] != nil
                            && l[column] != o[column] {
                            try await flag(column, "both-changed", l[column])
                        }
                    } else {
                        try await insert(table, l, id: id, kinds: kinds, cipher: cipher, on: tx)
                        outcome.inserted += 1
                        try await audit("kit.merge-insert", table, id, "made offline")
                    }
                case (let b?, nil):
                    guard let o else { continue }  // deleted on both sides
                    if b.keys.allSatisfy({ kinds[$0] == nil || b[$0] == o[$0] }) {
                        deletions.append((table, id))
                    } else {
                        try await flag("", "deleted-in-kit", nil)
                    }
                case (let b?, let l?):
                    guard let o else {
                        try await insert(table, l, id: id, kinds: kinds, cipher: cipher, on: tx)
                        outcome.restored += 1
                        try await audit("kit.merge-restore", table, id, "deleted at the office, changed offline")
                        try await flag("", "deleted-at-office", nil)
                        continue
                    }
                    var sets: [(String, KitContents.Value)] = []
                    for column in l.keys.sorted() where column != "id" && kinds[column] != nil {
                        let lv = l[column] ?? .null, bv = b[column] ?? lv, ov = o[column] ?? .null
                        if lv == bv || ov == lv { continue }
                        if ov == bv { sets.append((column, lv)) } else { try await flag(column, "both-changed", lv) }
                    }
                    guard !sets.isEmpty else { continue }
                    try await update(table, id: id, sets, kinds: kinds, numbered: numbered, cipher: cipher, on: tx)
                    outcome.updated += 1
                    try await audit("kit.merge-update", table, id, "changed offline: "
                                    + sets.map(\.0).joined(separator: ", "))
                }
            }
        }
        // Children before their parents.
        for (table, id) in deletions.reversed() {
            try await tx.sql.delete(from: table)
                .where(SQLIdentifier("id"), .equal, idBind(id, numbered: table == KitTables.numbered)).run()
            outcome.deleted += 1
            try await audit("kit.merge-delete", table, id, "deleted offline")
        }
        if outcome.changedAnything {
            try await auditEntry(AuditEvent(
                actor: member, action: "mission.kit-merge", recordType: "mission", recordID: kit.missionID,
                detail: "\(outcome.inserted) new, \(outcome.updated) changed, \(outcome.deleted) deleted, "
                    + "\(outcome.restored) restored, \(outcome.flags.filter(\.isNew).count) to decide (\(kitID))"),
                now: now, on: tx)
        }
        return outcome
    }

    /// An entry of the merge, appended on the merge's own transaction.
    static func auditEntry(_ event: AuditEvent, now: Date, on tx: any Database) async throws {
        try await AuditLog.record(event, now: now, on: tx)
    }

    static func idBind(_ id: String, numbered: Bool) -> SQLBind {
        numbered ? SQLBind(Int64(id) ?? -1) : SQLBind(id)
    }

    static func sealedColumns(_ table: String) -> [String: SealedColumn] {
        Dictionary(SealedColumn.all.filter { $0.table == table }.map { ($0.column, $0) },
                   uniquingKeysWith: { a, _ in a })
    }

    static func stored(_ table: String, _ row: Row, _ name: String, kinds: [String: KitTables.Kind],
                       cipher: FieldCipher) -> any SQLExpression {
        var value = row[name] ?? .null
        if let column = sealedColumns(table)[name] {
            value = KitTables.reseal(value, column, KitTables.text(row[column.idColumn] ?? .null), cipher)
        }
        return KitTables.bind(value, kinds[name] ?? .text)
    }

    static func insert(_ table: String, _ row: Row, id: String, kinds: [String: KitTables.Kind],
                       cipher: FieldCipher, on db: any Database) async throws {
        let names = row.keys.sorted().filter { kinds[$0] != nil }
        try await db.sql.insert(into: table).columns(names)
            .values(names.map { stored(table, row, $0, kinds: kinds, cipher: cipher) }).run()
    }

    /// A row without its id, unless one with the same values is there already: whether it was written.
    static func insertEntry(_ table: String, _ row: Row, kinds: [String: KitTables.Kind],
                            on db: any Database) async throws -> Bool {
        let names = row.keys.sorted().filter { kinds[$0] != nil && $0 != "id" }
        let query = db.sql.select().column(SQLLiteral.numeric("1")).from(table).limit(1)
        for name in names {
            if row[name] == .null { query.where(SQLIdentifier(name), .is, SQLLiteral.null) }
            else { query.where(SQLIdentifier(name), .equal, KitTables.bind(row[name]!, kinds[name] ?? .text)) }
        }
        guard try await query.first() == nil else { return false }
        try await db.sql.insert(into: table).columns(names)
            .values(names.map { KitTables.bind(row[$0] ?? .null, kinds[$0] ?? .text) }).run()
        return true
    }

    static func update(_ table: String, id: String, _ sets: [(String, KitContents.Value)],
                       kinds: [String: KitTables.Kind], numbered: Bool, cipher: FieldCipher,
                       on db: any Database) async throws {
        var row: Row = ["id": numbered ? .integer(Int64(id) ?? -1) : .text(id)]
        for (name, value) in sets { row[name] = value }
        let update = db.sql.update(table)
        for (name, _) in sets {
            update.set(SQLIdentifier(name), to: stored(table, row, name, kinds: kinds, cipher: cipher))
        }
        try await update.where(SQLIdentifier("id"), .equal, idBind(id, numbered: numbered)).run()
    }

    /// A value kept for the officer: its kind and its text ("t:", "i:", "r:", "b:" base64, "n").
    static func encode(_ value: KitContents.Value?) -> String? {
        switch value {
        case nil: nil
        case .null?: "n"
        case .integer(let number)?: "i:\(number)"
        case .real(let number)?: "r:\(number)"
        case .text(let text)?: "t:" + text
        case .bytes(let data)?: "b:" + data.base64EncodedString()
        }
    }

    static func decode(_ text: String) -> KitContents.Value? {
        let body = String(text.dropFirst(2))
        switch text.prefix(2) {
        case "t:": return .text(body)
        case "i:": return Int64(body).map { .integer($0) }
        case "r:": return Double(body).map { .real($0) }
        case "b:": return Data(base64Encoded: body).map { .bytes($0) }
        default: return text == "n" ? .null : nil
        }
    }

    /// Flags a record or a field, once per kit: whether the flag is new.
    static func record(kitID: String, mission: String, caseID: String?, table: String, row: String, column: String,
                       kind: String, value: KitContents.Value?, actor: String, cipher: FieldCipher, now: Date,
                       on db: any Database) async throws -> Bool {
        struct Known: Decodable { let id: String }
        guard try await db.sql.raw("""
            SELECT id FROM kit_conflicts WHERE kit_id = \(bind: kitID) AND table_name = \(bind: table)
            AND row_id = \(bind: row) AND column_name = \(bind: column)
            """).first(decoding: Known.self) == nil else { return false }
        let id = RandomID.make("conflict")
        let sealed = encode(value).map { cipher.seal($0, in: .kitConflictValue, row: id) }
        try await db.sql.insert(into: "kit_conflicts")
            .columns("id", "created_at", "kit_id", "mission_id", "case_id", "table_name", "row_id", "column_name",
                     "kind", "kit_value_sealed", "actor")
            .values(SQLBind(id), SQLBind(now.seconds), SQLBind(kitID), SQLBind(mission),
                    caseID.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null, SQLBind(table), SQLBind(row),
                    SQLBind(column), SQLBind(kind),
                    sealed.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null, SQLBind(actor))
            .run()
        return true
    }

    /// The conflict report: what was applied and what is left to decide, naming records and fields, never a value.
    static func report(_ kit: KitContents, _ outcome: Outcome, file: String) -> String {
        var lines = [
            "Merge of \(file): the kit of \(kit.missionID) (\(kit.kitID ?? "")), worked offline by "
                + "\(kit.returnedBy ?? "").",
            "Applied: \(outcome.inserted) new records, \(outcome.updated) changed, \(outcome.deleted) deleted, "
                + "\(outcome.restored) restored.",
            outcome.changedAnything ? "" : "This kit was merged before: nothing changed.",
            "To decide on the case page (\(outcome.flags.count)):",
        ]
        for flag in outcome.flags {
            let what: String
            switch flag.kind {
            case "both-changed": what = "field \(flag.column) changed in the kit and at the office: both values kept"
            case "deleted-in-kit": what = "deleted in the kit, changed at the office: kept"
            default: what = "deleted at the office, changed in the kit: restored from the kit"
            }
            let place = flag.caseID.map { " — " + OfficeRoute.caseFile(id: $0).path } ?? ""
            lines.append("- [\(flag.kind)] \(flag.table) \(flag.row): \(what)\(place)")
        }
        return lines.filter { !$0.isEmpty }.joined(separator: "\n") + "\n"
    }
}
