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
    static let neverDeleted: Set<String> = ["missions", "mission_cases", "cases", "case_attachments", "case_events"]

    static func changeable(_ table: String, _ column: String) -> Bool {
        changeable[table]?.contains(column) ?? false
    }

    /// The keyed digest of a row: each column's name and value, in the order of the names.
    static func digest(_ table: String, _ row: [String: KitContents.Value], cipher: FieldCipher) -> String {
        var text = table + "\n"
        for name in row.keys.sorted() {
            let value: String
            switch row[name] ?? .null {
            case .bytes(let data): value = "b:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
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
                lines.append("\(table.name) \(id) \(digest(table.name, row, cipher: cipher))")
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

    static func find(_ kitID: String, on db: any Database) async throws -> KitRecord? {
        struct Stored: Decodable {
            let id: String, createdAt: Int64, exportedBy: String, missionId: String, expiresAt: Int64
            let caseIds: String, attachmentIds: String, rowDigests: String, mergedCaseIds: String
        }
        guard
            let stored = try await db.sql.raw(
                """
                SELECT id, created_at, exported_by, mission_id, expires_at, case_ids, attachment_ids, row_digests,
                merged_case_ids FROM kit_exports WHERE id = \(bind: kitID)
                """
            ).first(decoding: Stored.self, keyDecodingStrategy: .convertFromSnakeCase)
        else { return nil }
        func set(_ text: String) -> Set<String> { Set(text.split(separator: ",").map(String.init)) }
        var digests: [String: String] = [:]
        for line in stored.rowDigests.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            if parts.count == 3 { digests[parts[0] + " " + parts[1]] = parts[2] }
        }
        return KitRecord(
            kitID: stored.id, missionID: stored.missionId, exportedBy: stored.exportedBy,
            createdAt: stored.createdAt, expiresAt: stored.expiresAt, caseIDs: set(stored.caseIds),
            attachmentIDs: set(stored.attachmentIds), digests: digests,
            mergedCaseIDs: set(stored.mergedCaseIds))
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
