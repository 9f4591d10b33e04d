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
/// audited under the office account or operator that merged, the mission member named as the kit's claim, in the
/// one transaction of the merge. The kit is checked first against the office's record of its export (`KitRecord`):
/// a kit never reaches a case it did not carry, never changes an id, a link or a hash, never deletes a case, a
/// mission, a link, a file or a timeline entry (flagged instead), and never brings back a case erased or anonymised
/// at the office since the export.
enum KitMerge {
    typealias Failure = UserCommand.Failure
    typealias Row = [String: KitContents.Value]

    struct Flag: Sendable {
        let table: String, row: String, column: String, kind: String, caseID: String?, isNew: Bool
    }

    /// A row of a case the office erased or anonymised since the export: nothing of it is written.
    struct Skip: Sendable { let table: String, row: String, caseID: String, reason: String }

    struct Outcome: Sendable {
        var inserted = 0, updated = 0, deleted = 0, restored = 0
        var flags: [Flag] = []
        var skipped: [Skip] = []
        var applied: Int { inserted + updated + deleted + restored }
        var changedAnything: Bool { applied > 0 || flags.contains(where: \.isNew) }
    }

    /// The contents of a returned kit, or why it is refused (nothing is merged then).
    static func read(_ file: [UInt8], passphrase: String, now: Int64, cipher: FieldCipher) throws -> KitContents {
        let payload: [UInt8]
        do { payload = try MissionKit.open(file, passphrase: passphrase, now: now).1 } catch {
            throw Failure(description: "kit merge: \(safeError(error)); nothing was merged")
        }
        let contents: KitContents
        do { contents = try KitContents.decode(payload) } catch {
            throw Failure(description: "kit merge: \(safeError(error)); nothing was merged")
        }
        guard contents.kitID != nil, contents.returnedBy != nil else {
            throw Failure(
                description: "kit merge: this kit is the one exported from the office, without the "
                    + "offline work: on the laptop run observatory kit return FILE --to NEW-FILE, and merge "
                    + "the new file; nothing was merged")
        }
        guard contents.origin == cipher.fingerprint else {
            throw Failure(
                description: "kit merge: this kit was exported from another database (its key is not "
                    + "this database's key); nothing was merged")
        }
        return contents
    }

    /// The most a returned kit's file may weigh (its records, and its files of at most 5 MB each).
    static let maxFileBytes = 512 * 1024 * 1024
    /// The most records a kit may make offline, and changes its log may name.
    static let maxNewRows = 10_000, maxChanges = 200_000

    /// The bytes of the kit's file at `path`: a regular file of at most `maxFileBytes`, read no further than one
    /// byte past it (never a FIFO or a device, whose size says nothing; review finding 7, kitsafe2 2).
    static func readFile(_ path: String) throws -> [UInt8] {
        let cannot = Failure(description: "kit merge: cannot read the file given (nothing was merged)")
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular
        else { throw Failure(description: "kit merge: the file given is not a regular file (nothing was merged)") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw cannot }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maxFileBytes + 1) else { throw cannot }
        guard data.count <= maxFileBytes else {
            throw Failure(
                description: "kit merge: the file is larger than \(maxFileBytes / 1_048_576) MiB (nothing was merged)")
        }
        return Array(data)
    }

    /// Text from a kit, as it may reach a terminal or a report: letters, digits and . _ @ - only, at most `max`
    /// characters (review finding 13, kitsafe2 9).
    static func safe(_ text: String, _ max: Int = 60) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-")
        return String(
            String(text.unicodeScalars.map { allowed.contains(Character($0)) ? Character($0) : "?" })
                .prefix(max))
    }

    /// An error's words, without anything a kit could slip in to reach the terminal.
    static func safeError(_ error: any Error) -> String {
        String(
            "\(error)".unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" }
                .prefix(200))
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

    static func refused(_ why: String) -> Failure {
        Failure(description: "kit merge: \(why); nothing was merged")
    }

    /// Applies `kit` (read by `read`, from the file whose SHA-256 is `file`) in the caller's transaction, for the
    /// office account or operator `actor`, once it is checked against the office's record of its export
    /// (`KitRecord`): its id, expiry, mission and base, the cases it may touch and the columns it may change.
    /// Anything else refuses the whole merge. A kit is merged from one file only: the same file again changes
    /// nothing, another is refused (review finding 9).
    static func merge(
        _ kit: KitContents, file: String, by actor: String, cipher: FieldCipher, now: Date,
        on tx: any Database
    ) async throws -> Outcome {
        guard let kitID = kit.kitID, kit.returnedBy != nil else {
            throw Failure(description: "kit merge: this kit holds no offline work; nothing was merged")
        }
        guard kit.changes.count <= maxChanges else { throw refused("the kit's log names too many changes") }
        // Locks in the order erasure takes them: the cases first (sorted), then the record of the export.
        guard let unlocked = try await KitRecord.find(kitID, lock: false, on: tx) else {
            throw refused("this database never exported a kit with the id \(safe(kitID))")
        }
        try await KitRecord.lockCases(unlocked.caseIDs.union(unlocked.mergedCaseIDs), on: tx)
        guard let export = try await KitRecord.find(kitID, on: tx) else {
            throw refused("this database never exported a kit with the id \(safe(kitID))")
        }
        if let merged = export.mergedSHA256 {
            guard merged == file else {
                let day = CivilDate(daysSinceEpoch: Int((export.mergedAt ?? 0) / 86_400))
                guard merged != BackfillKitMerges.unrecordedFile else {
                    throw refused("this kit was merged on \(day), before its file was recorded: a kit is merged once")
                }
                throw refused("this kit was merged on \(day) from another file")
            }
            return Outcome()
        }
        guard now.seconds <= export.expiresAt else {
            let day = CivilDate(daysSinceEpoch: Int(export.expiresAt / 86_400))
            throw refused("this kit expired on \(day), by the office's record of its export")
        }
        // The account it was exported to must still be the one it was then (review r13, finding 1): a reset and a
        // new password (the operator's rescue), or a disable, since the export means whoever held the account may
        // have taken the kit with him.
        struct Exporter: Decodable { let passwordChangedAt: Int64?, disabled: Bool }
        if let exporter = try await tx.sql.raw(
            "SELECT password_changed_at, disabled FROM users WHERE email = \(bind: export.exportedBy)"
        ).first(decoding: Exporter.self, keyDecodingStrategy: .convertFromSnakeCase) {
            guard !exporter.disabled else { throw refused("the account it was exported to is disabled") }
            guard (exporter.passwordChangedAt ?? 0) <= export.createdAt else {
                throw refused(
                    "the password of the account it was exported to was set again after the export (a reset, or a "
                        + "change): its holder then may not be its holder now; export a new kit")
            }
        }
        guard kit.missionID == export.missionID else {
            throw refused(
                "this kit names the mission \(safe(kit.missionID)), but it was exported for " + export.missionID)
        }
        struct Found: Decodable { let id: String }
        guard
            try await tx.sql.raw("SELECT id FROM missions WHERE id = \(bind: kit.missionID)\(unsafeRaw: lock(tx))")
                .first(decoding: Found.self) != nil
        else {
            throw Failure(
                description:
                    "kit merge: there is no mission \(safe(kit.missionID)) in this database; nothing was merged")
        }
        // The member: who the office exported the kit to; the kit's own word is kept only as its claim.
        let member = export.exportedBy
        // The base: every row as the office exported it, or the merge is refused.
        var bases: [String: [String: Row]] = [:]
        var blobs = KitRecord.BlobDigests()
        for table in kit.base {
            guard KitTables.carried.contains(where: { $0.table == table.name }) else {
                throw refused("the kit holds a table \(safe(table.name, 40)) that no kit carries")
            }
            // Before any hashing (round 3, finding 3): a row the office exported, with only the table's columns.
            let columns = Set(try await KitTables.columns(table.name, on: tx).map(\.name))
            let tableRows = rows(table)
            for (id, row) in tableRows where export.erasedRows["\(table.name) \(id)"] == nil {
                guard let exported = export.digests["\(table.name) \(id)"], row.keys.allSatisfy(columns.contains),
                    exported == KitRecord.digest(table.name, row, cipher: cipher, blobs: &blobs)
                else {
                    throw refused("\(table.name) \(safe(id)) in the kit is not as the office exported it")
                }
            }
            bases[table.name] = tableRows
        }
        var changed: [String: [String]] = [:], seen: Set<String> = []
        for change in kit.changes where seen.insert(change.table + " " + change.row).inserted {
            changed[change.table, default: []].append(change.row)
        }
        // Every id the kit gives as made offline, asked of the office once (review findings 1, 2c, 14).
        var offered: Set<String> = []
        for (table, _) in KitTables.carried where table != KitTables.numbered {
            let base = bases[table] ?? [:], local = rows(kit.table(table))
            for id in changed[table] ?? [] where base[id] == nil && local[id] != nil { offered.insert(id) }
        }
        guard offered.count <= maxNewRows else { throw refused("the kit makes more than \(maxNewRows) records") }
        let known = try await KitRecord.known(offered, on: tx)
        let gone = try await KitRecord.gone(export.caseIDs.union(export.mergedCaseIDs), on: tx)
        // Cases made offline: new to the office, or written by an earlier merge of this very kit.
        var newCases: [String] = []
        let localCases = rows(kit.table("cases"))
        for id in changed["cases"] ?? [] where bases["cases"]?[id] == nil && localCases[id] != nil {
            guard !export.caseIDs.contains(id) else {
                throw refused("the kit leaves out case \(safe(id)) as it was exported")
            }
            if export.mergedCaseIDs.contains(id) { continue }
            guard
                try await tx.sql.raw("SELECT id FROM cases WHERE id = \(bind: id)")
                    .first(decoding: Found.self) == nil
            else {
                throw refused("the kit gives as made offline the case \(safe(id)), which this kit did not carry")
            }
            guard !known.contains(id) else {
                throw refused("the kit gives as made offline the case \(safe(id)), which the office knew before")
            }
            newCases.append(id)
        }
        let allowed = export.caseIDs.union(export.mergedCaseIDs).union(newCases)
        var outcome = Outcome()
        var deletions: [(table: String, id: String)] = []
        // The kit's claim of who worked on it stays out of the audit, which is never erased (review finding 12): it
        // is in the merge report only.
        let origin = " (from the kit of \(kit.missionID) exported to \(member))"
        func audit(_ action: String, _ table: String, _ id: String, _ detail: String) async throws {
            try await auditEntry(
                AuditEvent(actor: actor, action: action, recordType: table, recordID: id, detail: detail + origin),
                now: now, on: tx)
        }
        // The office's rows of every table, locked on PostgreSQL until the merge commits (kitsafe2 4), all of them
        // before the first audit entry takes the audit's lock: an officer's save holding one of them and waiting
        // for the audit would otherwise deadlock with the merge (round 3, finding 9).
        var offices: [String: [String: Row]] = [:]
        for (table, _) in KitTables.carried {
            guard let ids = changed[table], !ids.isEmpty else { continue }
            offices[table] = rows(
                try await KitTables.read(
                    table, where: "id", in: ids, cipher: cipher, numeric: table == KitTables.numbered,
                    lock: KitRecord.locks(tx), on: tx))
        }
        for (table, _) in KitTables.carried {
            let ids = changed[table] ?? []
            guard !ids.isEmpty else { continue }
            let columns = try await KitTables.columns(table, on: tx)
            let kinds = Dictionary(columns.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
            let numbered = table == KitTables.numbered
            let base = bases[table] ?? [:], local = rows(kit.table(table)), office = offices[table] ?? [:]
            for id in ids {
                let b = base[id], l = local[id], o = office[id]
                if let owner = export.erasedRows["\(table) \(id)"] {
                    let why = gone[owner] ?? "erased or anonymised at the office since the export"
                    outcome.skipped.append(Skip(table: table, row: id, caseID: owner, reason: why))
                    continue
                }
                if b == nil, export.digests["\(table) \(id)"] != nil {
                    throw refused("the kit leaves out \(table) \(safe(id)) as it was exported")
                }
                // Which case (and mission) each version of the row belongs to: one the kit carried, or refused.
                var caseID: String? = nil
                for row in [b, l].compactMap({ $0 }) {
                    if table == "missions" || table == "mission_cases" {
                        let mission = table == "missions" ? id : row["mission_id"].map(KitTables.text) ?? ""
                        guard mission == export.missionID else {
                            throw refused("\(table) \(safe(id)) belongs to another mission than the kit's")
                        }
                        if table == "missions" { continue }
                    }
                    let owner = caseOf(table, id, row) ?? ""
                    guard allowed.contains(owner) else {
                        throw refused(
                            "\(table) \(safe(id)) belongs to the case \(safe(owner)), which this kit did not carry")
                    }
                    if let caseID, caseID != owner {
                        throw refused("\(table) \(safe(id)) is moved to another case in the kit")
                    }
                    caseID = owner
                }
                if let caseID, let why = gone[caseID] {
                    outcome.skipped.append(Skip(table: table, row: id, caseID: caseID, reason: why))
                    continue
                }
                // A change to a column a kit may not change refuses the merge (ids, links, hashes, dates).
                if let b, let l {
                    for column in Set(b.keys).union(l.keys).sorted()
                    where kinds[column] != nil
                        && (l[column] ?? .null) != (b[column] ?? .null) && !KitRecord.changeable(table, column)
                    {
                        throw refused("the kit changes \(column) of \(table) \(safe(id)), which a kit may not change")
                    }
                }
                if let l, !numbered {
                    // A new row's columns the office sets itself are not the kit's to check (a person's place).
                    let written =
                        b.map { b in l.filter { (b[$0.key] ?? .null) != $0.value } }
                        ?? l.filter { !(table == "case_people" && $0.key == "position") }
                    if let why = KitValues.problem(table, written, kinds: kinds) {
                        throw refused("\(table) \(safe(id)) in the kit: \(why)")
                    }
                }
                func flag(_ column: String, _ kind: String, _ value: KitContents.Value?) async throws {
                    let isNew = try await record(
                        kitID: kitID, mission: kit.missionID, caseID: caseID, table: table,
                        row: id, column: column, kind: kind, value: value, actor: member,
                        cipher: cipher, now: now, on: tx)
                    if isNew { try await audit("kit.merge-conflict", table, id, "\(kind) \(column)") }
                    outcome.flags.append(
                        Flag(
                            table: table, row: id, column: column, kind: kind, caseID: caseID,
                            isNew: isNew))
                }
                switch (b, l) {
                case (nil, nil):
                    continue  // made and deleted offline
                case (nil, _?) where table == "missions":
                    throw refused("the kit makes a mission (\(safe(id))); a kit holds one mission")
                case (nil, _?) where numbered:
                    // A timeline entry made offline: a fixed summary, dated now, under the office's account
                    // (its text is the laptop's and the column holds nothing confidential; finding 10).
                    guard let caseID else { continue }
                    try await tx.sql.insert(into: table).columns("case_id", "at", "actor", "summary")
                        .values(
                            SQLBind(caseID), SQLBind(now.seconds), SQLBind(actor),
                            SQLBind("A timeline entry made offline")
                        ).run()
                    outcome.inserted += 1
                    try await audit("kit.merge-insert", table, caseID, "a timeline entry")
                case (nil, let l?) where table == "case_person_languages":
                    // A spelling or description made offline is never written by the merge: the officer takes
                    // it or not on the case page (kitsafe2 1).
                    guard o == nil, !known.contains(id) else {
                        throw refused("the kit gives as made offline \(table) \(safe(id)), which the office knew")
                    }
                    try await flag("", "new-spelling", .text(rowText(l)))
                case (nil, let l?):
                    guard o == nil, !known.contains(id) else {
                        throw refused(
                            "the kit gives as made offline \(table) \(safe(id)), which the office holds or knew")
                    }
                    var row = l
                    try officeColumns(&row, table, kinds: kinds, actor: actor, now: now, id: id)
                    // Every column that needs a value, or the database refuses the row and its error (with the
                    // row's values) would reach a log (round 4, finding 7); one that may be empty may be left out
                    // (a column added at the office since the export; round 5, finding 6).
                    let required = try await KitTables.required(table, on: tx)
                    let given = try await KitTables.required(table, leftOut: true, on: tx)
                    let missing = required.filter {
                        kinds[$0] != nil && (row[$0] == .null || (row[$0] == nil && given.contains($0)))
                    }.sorted()
                    guard missing.isEmpty else {
                        throw refused(
                            "\(table) \(safe(id)) made offline leaves out \(missing.prefix(5).joined(separator: ", "))")
                    }
                    if table == "case_people", let caseID {
                        // After the case's people, with no description (round 3, finding 4): a person made offline
                        // under another's name neither comes first for the name nor gives it the kit's words in
                        // every public text. Undescribed, the name stops a public version until the officer
                        // takes the kit's description (flagged) or writes one.
                        struct Last: Decodable { let n: Int64? }
                        let last = try await tx.sql.raw(
                            "SELECT MAX(position) AS n FROM case_people WHERE case_id = \(bind: caseID)"
                        ).first(decoding: Last.self)
                        let (next, overflow) = (last?.n ?? -1).addingReportingOverflow(1)
                        guard !overflow, next <= KitValues.maxPosition else {
                            throw refused("the case \(safe(caseID)) has no room for another person")
                        }
                        row["position"] = .integer(next)
                        row["public_description"] = .text("")
                    }
                    try await insert(table, row, id: id, kinds: kinds, cipher: cipher, on: tx)
                    outcome.inserted += 1
                    try await audit("kit.merge-insert", table, id, "made offline")
                    if table == "case_people", l["consents_to_be_named"] ?? .null != .integer(0) {
                        try await flag("consents_to_be_named", "to-confirm", l["consents_to_be_named"])
                    }
                    if table == "case_people", let described = l["public_description"],
                        (KitTables.text(described)).trimmingCharacters(in: .whitespacesAndNewlines) != ""
                    {
                        try await flag("public_description", "to-confirm", described)
                    }
                    if table == "case_attachments" {
                        try await auditEntry(
                            AuditEvent(
                                actor: actor, action: CustodyEvent.received.rawValue, recordType: "attachment",
                                recordID: id, detail: "case \(caseID ?? ""), added offline" + origin),
                            now: now, on: tx)
                    }
                case (let b?, nil):
                    guard let o else { continue }  // deleted on both sides
                    if KitRecord.neverDeleted.contains(table) {
                        try await flag("", "not-deleted", nil)  // a kit never deletes these: the officer decides
                    } else if b.keys.allSatisfy({ kinds[$0] == nil || b[$0] == o[$0] }) {
                        deletions.append((table, id))
                    } else {
                        try await flag("", "deleted-in-kit", nil)
                    }
                case (let b?, let l?):
                    let differs = l.keys.contains { kinds[$0] != nil && (l[$0] ?? .null) != (b[$0] ?? .null) }
                    guard differs else { continue }
                    guard let o else {
                        // Nothing deleted at the office comes back from a kit: it is only flagged.
                        try await flag("", "deleted-at-office", nil)
                        continue
                    }
                    var sets: [(String, KitContents.Value)] = [], olds: [(String, KitContents.Value)] = []
                    for column in l.keys.sorted()
                    where column != "id" && kinds[column] != nil
                        && KitRecord.changeable(table, column) && !KitRecord.officeSet(table, column)
                    {
                        let lv = l[column] ?? .null, bv = b[column] ?? lv, ov = o[column] ?? .null
                        if lv == bv || ov == lv { continue }
                        if ov == bv, !KitRecord.toConfirm(table, column) {
                            sets.append((column, lv))
                            olds.append((column, ov))
                        } else {
                            try await flag(column, ov == bv ? "to-confirm" : "both-changed", lv)
                        }
                    }
                    guard !sets.isEmpty else { continue }
                    if table == "cases" {
                        // The office dates a case's change itself (finding 6).
                        sets.append(("last_activity_at", .integer(now.seconds)))
                        if sets.contains(where: { $0.0 == "status" }) {
                            sets.append(("status_changed_at", .integer(now.seconds)))
                        }
                    }
                    try await update(table, id: id, sets, kinds: kinds, numbered: numbered, cipher: cipher, on: tx)
                    outcome.updated += 1
                    try await audit(
                        "kit.merge-update", table, id,
                        "changed offline: "
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
        try await KitRecord.addMerged(newCases, to: export, on: tx)
        try await KitRecord.markMerged(export, sha256: file, now: now.seconds, on: tx)
        if outcome.changedAnything {
            try await auditEntry(
                AuditEvent(
                    actor: actor, action: "mission.kit-merge", recordType: "mission", recordID: kit.missionID,
                    detail: "\(outcome.inserted) new, \(outcome.updated) changed, \(outcome.deleted) deleted, "
                        + "\(outcome.restored) restored, \(outcome.flags.filter(\.isNew).count) to decide; "
                            + """
                            skipped as erased or anonymised at the office: \(outcome.skipped.count) (\(kitID))
                            """ + origin),
                now: now, on: tx)
        }
        return outcome
    }

    static func lock(_ db: any Database) -> String { KitRecord.forUpdate(db) }

    /// A whole row as text (each column's value encoded), kept sealed in `kit_conflicts` until an officer takes it.
    static func rowText(_ row: Row) -> String {
        let encoded = row.compactMapValues { encode($0) }
        let data = (try? JSONSerialization.data(withJSONObject: encoded, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func row(fromText text: String) -> Row? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else {
            return nil
        }
        var row: Row = [:]
        for (name, value) in object {
            guard let decoded = decode(value) else { return nil }
            row[name] = decoded
        }
        return row
    }

    /// The columns the office sets itself for a record made offline (review finding 2): no receipt, no origin
    /// but the mission, dated now, added by the operator, never a derived copy; a file's size and type are its
    /// bytes'.
    static func officeColumns(
        _ row: inout Row, _ table: String, kinds: [String: KitTables.Kind], actor: String, now: Date, id: String
    ) throws {
        func set(_ column: String, _ value: KitContents.Value) { if kinds[column] != nil { row[column] = value } }
        let at = KitContents.Value.integer(now.seconds)
        switch table {
        case "cases":
            set("receipt_hash", .null)
            set("origin", .text("mission"))
            for column in ["opened_at", "status_changed_at", "last_activity_at"] { set(column, at) }
        case "case_people":
            set("consents_to_be_named", .integer(0))
        case "case_sources":
            set("added_at", at)
        case "case_attachments":
            guard case .bytes(let data)? = row["data_sealed"], data.count <= Upload.maxBytes,
                case .text(let hash)? = row["sha256_sealed"], hash == Evidence.sha256(data),
                let type = Upload.detectType(Array(data))
            else {
                throw refused(
                    "the file \(safe(id)) made offline has no hash, or not its content's, or is not an accepted file")
            }
            set("added_at", at)
            set("added_by", .text(actor))
            set("derived_from", .null)
            set("derivation", .null)
            set("size", .integer(Int64(data.count)))
            set("content_type", .text(type))
        default: break
        }
    }

    /// An entry of the merge, appended on the merge's own transaction.
    static func auditEntry(_ event: AuditEvent, now: Date, on tx: any Database) async throws {
        try await AuditLog.record(event, now: now, on: tx)
    }

    static func idBind(_ id: String, numbered: Bool) -> SQLBind {
        numbered ? SQLBind(Int64(id) ?? -1) : SQLBind(id)
    }

    static func sealedColumns(_ table: String) -> [String: SealedColumn] {
        Dictionary(
            SealedColumn.all.filter { $0.table == table }.map { ($0.column, $0) },
            uniquingKeysWith: { a, _ in a })
    }

    static func stored(
        _ table: String, _ row: Row, _ name: String, kinds: [String: KitTables.Kind],
        cipher: FieldCipher
    ) -> any SQLExpression {
        var value = row[name] ?? .null
        if let column = sealedColumns(table)[name] {
            value = KitTables.reseal(value, column, KitTables.text(row[column.idColumn] ?? .null), cipher)
        }
        return KitTables.bind(value, kinds[name] ?? .text)
    }

    static func insert(
        _ table: String, _ row: Row, id: String, kinds: [String: KitTables.Kind],
        cipher: FieldCipher, on db: any Database
    ) async throws {
        let names = row.keys.sorted().filter { kinds[$0] != nil }
        try await db.sql.insert(into: table).columns(names)
            .values(names.map { stored(table, row, $0, kinds: kinds, cipher: cipher) }).run()
    }

    static func update(
        _ table: String, id: String, _ sets: [(String, KitContents.Value)],
        kinds: [String: KitTables.Kind], numbered: Bool, cipher: FieldCipher,
        on db: any Database
    ) async throws {
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
    static func record(
        kitID: String, mission: String, caseID: String?, table: String, row: String, column: String,
        kind: String, value: KitContents.Value?, actor: String, cipher: FieldCipher, now: Date,
        on db: any Database
    ) async throws -> Bool {
        struct Known: Decodable { let id: String }
        guard
            try await db.sql.raw(
                """
                SELECT id FROM kit_conflicts WHERE kit_id = \(bind: kitID) AND table_name = \(bind: table)
                AND row_id = \(bind: row) AND column_name = \(bind: column)
                """
            ).first(decoding: Known.self) == nil
        else { return false }
        let id = RandomID.make("conflict")
        let sealed = encode(value).map { cipher.seal($0, in: .kitConflictValue, row: id) }
        try await db.sql.insert(into: "kit_conflicts")
            .columns(
                "id", "created_at", "kit_id", "mission_id", "case_id", "table_name", "row_id", "column_name",
                "kind", "kit_value_sealed", "actor"
            )
            .values(
                SQLBind(id), SQLBind(now.seconds), SQLBind(kitID), SQLBind(mission),
                caseID.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null, SQLBind(table), SQLBind(row),
                SQLBind(column), SQLBind(kind),
                sealed.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null, SQLBind(actor)
            )
            .run()
        return true
    }

    /// The conflict report: what was applied and what is left to decide, naming records and fields, never a value.
    static func report(_ kit: KitContents, _ outcome: Outcome, file: String) -> String {
        var lines = [
            "Merge of \(safe(file, 120)): the kit of \(safe(kit.missionID)) (\(safe(kit.kitID ?? ""))), worked "
                + "offline by \(safe(kit.returnedBy ?? "", 80)) (as the kit says).",
            "Applied: \(outcome.inserted) new records, \(outcome.updated) changed, \(outcome.deleted) deleted, "
                + "\(outcome.restored) restored.",
            outcome.changedAnything ? "" : "This kit was merged before: nothing changed.",
            "To decide on the case or mission page (\(outcome.flags.count)):"
        ]
        for flag in outcome.flags {
            let what: String
            switch flag.kind {
            case "both-changed": what = "field \(flag.column) changed in the kit and at the office: both values kept"
            case "deleted-in-kit": what = "deleted in the kit, changed at the office: kept"
            case "not-deleted": what = "deleted in the kit: kept (a kit never deletes it), for the officer to decide"
            case "to-confirm": what = "field \(flag.column) changed in the kit: not applied, for an officer to confirm"
            case "new-spelling": what = "made in the kit: not written, for an officer to confirm"
            default: what = "deleted at the office, changed in the kit: kept deleted, flagged"
            }
            let place =
                " — "
                + (flag.caseID.map { OfficeRoute.caseFile(id: $0).path }
                    ?? OfficeRoute.mission(id: kit.missionID).path)
            lines.append("- [\(flag.kind)] \(flag.table) \(safe(flag.row)): \(what)\(place)")
        }
        if !outcome.skipped.isEmpty {
            lines.append("Skipped, nothing of them written (\(outcome.skipped.count)):")
            for skip in outcome.skipped {
                lines.append("- \(skip.table) \(safe(skip.row)) of \(safe(skip.caseID)): \(skip.reason)")
            }
        }
        return lines.filter { !$0.isEmpty }.joined(separator: "\n") + "\n"
    }
}
