import Crypto
import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// What the office recorded of a kit when it exported it (`kit_exports`), and what a returned kit may bring back.
/// Whoever holds a kit and its passphrase can change anything in it and seal it again: a merge trusts nothing of a
/// returned kit but the offline changes to the records it exported, checked against this record.
struct KitRecord: Sendable {
    let kitID: String, missionID: String, exportedBy: String, createdAt: Int64, expiresAt: Int64
    let caseIDs: Set<String>, attachmentIDs: Set<String>
    /// "table id" → the keyed digest of the row as exported.
    let digests: [String: String]
    /// The cases made offline in this kit that an earlier merge of it wrote.
    let mergedCaseIDs: Set<String>
    /// "table id" → the case of a row whose digest was dropped when the office erased or anonymised its case.
    var erasedRows: [String: String] = [:]
    /// When the kit was merged, and the SHA-256 of the merged file: no other file of this kit is merged after.
    var mergedAt: Int64? = nil
    var mergedSHA256: String? = nil

    /// The columns a kit may change in a record it exported; any other change is refused (review finding 12).
    /// Attachments travel back unchanged (their content and hash never change), and a timeline entry is only
    /// ever added.
    static let changeable: [String: Set<String>] = [
        "missions": [
            "kind", "country_code", "starts_on", "ends_on", "title_sealed", "members_sealed",
            "objectives_sealed", "logistics_sealed", "security_plan_sealed", "findings_sealed",
            "updated_at"
        ],
        "mission_cases": ["concern_sealed"],
        "cases": [
            "status", "outcome", "country_code", "risk_level", "label_sealed", "notes_sealed",
            "status_changed_at", "last_activity_at"
        ],
        "case_people": [
            "position", "kind", "name_sealed", "consents_to_be_named", "public_description",
            "contact_sealed"
        ],
        "case_person_languages": ["language", "description_sealed", "spelling_sealed", "changed_at"],
        "case_acts": ["type", "occurred_on", "place", "perpetrator", "perpetrator_detail"],
        "case_sources": ["description_sealed", "contact_sealed"],
        "case_attachments": [],
        "case_events": []
    ]

    /// Records a kit never deletes: a deletion made offline is flagged for the officer instead (finding 2).
    static let neverDeleted: Set<String> = [
        "missions", "mission_cases", "cases", "case_attachments", "case_events", "case_people", "case_acts",
        "case_sources", "case_person_languages"
    ]

    /// Values an officer must confirm, never applied by a merge alone (review finding 3): consent, names, the order
    /// of a case's people (redaction describes a name by the first person who bears it; round 4, finding 2), how the
    /// public texts describe a person, every other-language spelling (on the case page), and a mission's public
    /// facts, shown with its published report (on the mission page; round 3, finding 11).
    static let toConfirm: [String: Set<String>] = [
        "missions": ["kind", "country_code", "starts_on", "ends_on"],
        "case_people": ["position", "name_sealed", "consents_to_be_named", "public_description"],
        "case_person_languages": ["language", "description_sealed", "spelling_sealed", "changed_at"]
    ]

    /// Columns the office sets itself when it applies a kit's change, whatever the kit says (finding 6).
    static func officeSet(_ table: String, _ column: String) -> Bool {
        (table == "cases" && (column == "status_changed_at" || column == "last_activity_at"))
            || (table == "missions" && column == "updated_at")
    }

    static func toConfirm(_ table: String, _ column: String) -> Bool {
        toConfirm[table]?.contains(column) ?? false
    }

    static func changeable(_ table: String, _ column: String) -> Bool {
        changeable[table]?.contains(column) ?? false
    }

    /// The keyed digest of a row: each column's name and value, in the order of the names.
    static func digest(_ table: String, _ row: [String: KitContents.Value], cipher: FieldCipher) -> String {
        var blobs = BlobDigests()
        return digest(table, row, cipher: cipher, blobs: &blobs)
    }

    /// The SHA-256 of each file of a kit, taken once: a kit whose rows name one large file again and again costs
    /// one hash of it, not one per mention (review of issue 20, round 3, finding 3). Keyed by the bytes' storage,
    /// which every mention of one file of the kit shares; small values are hashed each time.
    struct BlobDigests {
        struct Key: Hashable { let address: UInt, count: Int }
        var known: [Key: String] = [:]

        mutating func hex(_ data: Data) -> String {
            func hash() -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }
            guard data.count >= 1_024 else { return hash() }
            let key = data.withUnsafeBytes { Key(address: UInt(bitPattern: $0.baseAddress), count: data.count) }
            if let digest = known[key] { return digest }
            let digest = hash()
            known[key] = digest
            return digest
        }
    }

    static func digest(
        _ table: String, _ row: [String: KitContents.Value], cipher: FieldCipher, blobs: inout BlobDigests
    ) -> String {
        var text = table + "\n"
        for name in row.keys.sorted() {
            let value: String
            switch row[name] ?? .null {
            case .bytes(let data): value = "b:" + blobs.hex(data)
            default: value = KitMerge.encode(row[name]) ?? "n"
            }
            text += "\(name.utf8.count):\(name)\(value.utf8.count):\(value)\n"
        }
        return cipher.lookupHash(text, context: "kit_exports.row")
    }

    /// The digest of every row of `contents`, one "table id digest" a line.
    static func digests(of contents: KitContents, cipher: FieldCipher) -> String {
        var lines: [String] = []
        for table in contents.tables {
            for (id, row) in KitMerge.rows(table).sorted(by: { $0.key < $1.key }) {
                // The row's case travels with its digest, so that erasing the case drops the digest alone.
                let owner = table.name == "missions" ? nil : KitMerge.caseOf(table.name, id, row)
                let line = "\(table.name) \(id) \(digest(table.name, row, cipher: cipher))"
                lines.append(line + (owner.map { " " + $0 } ?? ""))
            }
        }
        return lines.joined(separator: "\n")
    }

    static func insert(
        kitID: String, mission: String, by actor: String, createdAt: Int64, expiresAt: Int64,
        caseIDs: [String], attachmentIDs: [String], digests: String,
        on db: any Database
    ) async throws {
        try await db.sql.insert(into: "kit_exports")
            .columns(
                "id", "created_at", "exported_by", "mission_id", "expires_at", "case_ids", "attachment_ids",
                "row_digests", "merged_case_ids"
            )
            .values(
                SQLBind(kitID), SQLBind(createdAt), SQLBind(actor), SQLBind(mission), SQLBind(expiresAt),
                SQLBind(caseIDs.joined(separator: ",")), SQLBind(attachmentIDs.joined(separator: ",")),
                SQLBind(digests), SQLBind("")
            )
            .run()
    }

    /// Whether the database locks rows read for a change (PostgreSQL): `kit merge` runs in its own process there,
    /// and the in-process write gate does not hold the server off (review finding 8).
    static func locks(_ db: any Database) -> Bool { db.sql.dialect.name != "sqlite" }

    static func forUpdate(_ db: any Database) -> String { locks(db) ? " FOR UPDATE" : "" }

    /// The office's record of the kit; on PostgreSQL its row is locked until the transaction ends.
    static func find(_ kitID: String, lock: Bool = true, on db: any Database) async throws -> KitRecord? {
        struct Stored: Decodable {
            let id: String, createdAt: Int64, exportedBy: String, missionId: String, expiresAt: Int64
            let caseIds: String, attachmentIds: String, rowDigests: String, mergedCaseIds: String
            let mergedAt: Int64?, mergedSha256: String?
        }
        guard
            let stored = try await db.sql.raw(
                """
                SELECT id, created_at, exported_by, mission_id, expires_at, case_ids, attachment_ids, row_digests,
                merged_case_ids, merged_at, merged_sha256 FROM kit_exports
                WHERE id = \(bind: kitID)\(unsafeRaw: lock ? forUpdate(db) : "")
                """
            ).first(decoding: Stored.self, keyDecodingStrategy: .convertFromSnakeCase)
        else { return nil }
        func set(_ text: String) -> Set<String> { Set(text.split(separator: ",").map(String.init)) }
        var digests: [String: String] = [:], erased: [String: String] = [:]
        for line in stored.rowDigests.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
            guard parts.count >= 3 else { continue }
            let key = parts[0] + " " + parts[1]
            if parts[2] == "-" { erased[key] = parts.count == 4 ? parts[3] : "" } else { digests[key] = parts[2] }
        }
        var record = KitRecord(
            kitID: stored.id, missionID: stored.missionId, exportedBy: stored.exportedBy,
            createdAt: stored.createdAt, expiresAt: stored.expiresAt, caseIDs: set(stored.caseIds),
            attachmentIDs: set(stored.attachmentIds), digests: digests,
            mergedCaseIDs: set(stored.mergedCaseIds))
        record.erasedRows = erased
        record.mergedAt = stored.mergedAt
        record.mergedSHA256 = stored.mergedSha256
        return record
    }

    /// Records that the kit was merged from the file whose SHA-256 is `sha256` (review finding 9).
    static func markMerged(_ record: KitRecord, sha256: String, now: Int64, on db: any Database) async throws {
        try await db.sql.update("kit_exports").set("merged_at", to: SQLBind(now))
            .set("merged_sha256", to: SQLBind(sha256)).where("id", .equal, SQLBind(record.kitID)).run()
    }

    /// Every id the office ever knew among `ids`: a case any kit carried or merged, a row any kit exported (its
    /// digest kept or dropped), a record with a retention decision or with any audit entry. Read once per merge,
    /// in chunks through audit_log's index on record_id (review findings 1, 2c; kitsafe2 3, 6).
    static func known(_ ids: Set<String>, on db: any Database) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        struct Export: Decodable { let caseIds: String, mergedCaseIds: String, rowDigests: String }
        var known: Set<String> = []
        let exports = try await db.sql.raw("SELECT case_ids, merged_case_ids, row_digests FROM kit_exports")
            .all(decoding: Export.self, keyDecodingStrategy: .convertFromSnakeCase)
        for export in exports {
            for id in export.caseIds.split(separator: ",") + export.mergedCaseIds.split(separator: ",") {
                if ids.contains(String(id)) { known.insert(String(id)) }
            }
            for line in export.rowDigests.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 2)
                if parts.count >= 2, ids.contains(String(parts[1])) { known.insert(String(parts[1])) }
            }
        }
        struct Found: Decodable { let id: String }
        let all = ids.sorted()
        for start in stride(from: 0, to: all.count, by: 500) {
            let chunk = Array(all[start..<min(start + 500, all.count)])
            for query: SQLQueryString in [
                "SELECT DISTINCT record_id AS id FROM audit_log WHERE record_id IN (\(binds: chunk))",
                "SELECT DISTINCT record_id AS id FROM retention_decisions WHERE record_id IN (\(binds: chunk))"
            ] {
                known.formUnion(try await db.sql.raw(query).all(decoding: Found.self).map(\.id))
            }
        }
        return known
    }

    /// Drops the digests of `caseID`'s rows from every kit that carried it, keeping "table id - case" so that a
    /// merge still knows the ids and skips them (review finding 4; kitsafe2 6). Called when the office erases or
    /// anonymises the case, before its rows go.
    static func forget(_ caseID: String, on db: any Database) async throws {
        struct Export: Decodable { let id: String, rowDigests: String }
        let exports = try await db.sql.raw(
            """
            SELECT id, row_digests FROM kit_exports WHERE case_ids LIKE \(bind: "%" + caseID + "%")
            OR merged_case_ids LIKE \(bind: "%" + caseID + "%") ORDER BY id\(unsafeRaw: forUpdate(db))
            """
        ).all(decoding: Export.self, keyDecodingStrategy: .convertFromSnakeCase)
        guard !exports.isEmpty else { return }
        var owned: Set<String> = ["cases " + caseID]
        for (table, _) in KitTables.carried where table != "missions" && table != "cases" {
            for id in try await CaseErasure.ids(table, caseID, on: db) { owned.insert(table + " " + id) }
        }
        for export in exports {
            let lines = export.rowDigests.split(separator: "\n").map { line -> String in
                let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
                guard parts.count >= 3 else { return String(line) }
                let mine = parts.count == 4 ? parts[3] == caseID : owned.contains(parts[0] + " " + parts[1])
                return mine ? "\(parts[0]) \(parts[1]) - \(caseID)" : String(line)
            }
            try await db.sql.update("kit_exports").set("row_digests", to: SQLBind(lines.joined(separator: "\n")))
                .where("id", .equal, SQLBind(export.id)).run()
        }
    }

    /// Clears the digests of every kit past its expiry: a kit that can no longer be merged needs none.
    static func clearExpired(now: Int64, on db: any Database) async throws {
        try await db.sql.raw(
            "UPDATE kit_exports SET row_digests = '' WHERE expires_at < \(bind: now) AND row_digests <> ''"
        ).run()
    }

    /// On PostgreSQL, locks the cases' rows (sorted, as erasure does) for the rest of the transaction.
    static func lockCases(_ caseIDs: Set<String>, on db: any Database) async throws {
        guard locks(db), !caseIDs.isEmpty else { return }
        try await db.sql.raw("SELECT id FROM cases WHERE id IN (\(binds: caseIDs.sorted())) ORDER BY id FOR UPDATE")
            .run()
    }

    static func addMerged(_ caseIDs: [String], to record: KitRecord, on db: any Database) async throws {
        guard !caseIDs.isEmpty else { return }
        let all = (record.mergedCaseIDs.union(caseIDs)).sorted().joined(separator: ",")
        try await db.sql.update("kit_exports").set("merged_case_ids", to: SQLBind(all))
            .where("id", .equal, SQLBind(record.kitID)).run()
    }

    /// The exported cases the office erased or anonymised since: their rows in a kit are skipped (finding 3).
    static func gone(_ caseIDs: Set<String>, on db: any Database) async throws -> [String: String] {
        guard !caseIDs.isEmpty else { return [:] }
        struct Found: Decodable { let id: String }
        let ids = Array(caseIDs)
        let present = Set(
            try await db.sql.raw("SELECT id FROM cases WHERE id IN (\(binds: ids))")
                .all(decoding: Found.self).map(\.id))
        let anonymised = Set(
            try await db.sql.raw(
                """
                SELECT record_id AS id FROM retention_decisions WHERE decision = 'anonymise'
                AND record_id IN (\(binds: ids))
                """
            ).all(decoding: Found.self).map(\.id))
        var out: [String: String] = [:]
        for id in caseIDs where !present.contains(id) { out[id] = "erased at the office since the export" }
        for id in caseIDs where present.contains(id) && anonymised.contains(id) {
            out[id] = "anonymised at the office since the export"
        }
        return out
    }

    /// Whether the case was anonymised (a kit's value is never written back into it).
    static func isAnonymised(_ caseID: String, on db: any Database) async throws -> Bool {
        try await gone([caseID], on: db)[caseID] != nil
    }
}
