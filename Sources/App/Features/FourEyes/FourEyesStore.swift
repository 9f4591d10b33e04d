import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Where `FourEyes` keeps its facts: the latest change of every text that can go public, and the approvals of
/// exact versions. Interventions, the back office, bulletins and the scheduler all ask it the same question.
enum FourEyesStore {
    struct VersionRow: Decodable { let revision: Int, changedBy: String? }

    /// The latest change of `subject`; `fallback` names the author when nothing is recorded (texts older than
    /// this table: the drafter of an intervention, nobody for an imported publication).
    static func version(_ subject: String, fallback: String?, on db: any Database) async throws -> FourEyes.Version {
        let row = try await db.row(
            "SELECT revision, changed_by FROM four_eyes_versions WHERE subject = "
                + "\(bind: subject)", as: VersionRow.self
        )
        return row.map { FourEyes.Version(revision: $0.revision, changedBy: $0.changedBy) }
            ?? FourEyes.Version(revision: 0, changedBy: fallback)
    }

    /// Records a change by `actor`: a new revision, which voids every earlier approval. Returns the revision.
    @discardableResult
    static func recordChange(
        _ subject: String, hash: String, by actor: String?, now: Date,
        on db: any Database
    ) async throws -> Int {
        struct Revision: Decodable { let revision: Int }
        let row = try await db.sql.raw(
            """
            INSERT INTO four_eyes_versions (subject, revision, hash, changed_by, changed_at)
            VALUES (\(bind: subject), 1, \(bind: hash), \(bind: actor), \(bind: now.seconds))
            ON CONFLICT (subject) DO UPDATE SET revision = four_eyes_versions.revision + 1, hash = EXCLUDED.hash,
            changed_by = EXCLUDED.changed_by, changed_at = EXCLUDED.changed_at RETURNING revision
            """
        ).first(decoding: Revision.self)
        let revision = row?.revision ?? 1
        try await db.sql.raw(
            "DELETE FROM four_eyes_approvals WHERE subject = \(bind: subject) AND revision <> "
                + "\(bind: revision)"
        ).run()
        return revision
    }

    static func approvals(_ subject: String, on db: any Database) async throws -> [FourEyes.Approval] {
        struct Row: Decodable { let revision: Int, hash: String, approvedBy: String }
        return try await db.rows(
            """
            SELECT revision, hash, approved_by FROM four_eyes_approvals WHERE subject = \(bind: subject) ORDER BY
            approved_at, id
            """, as: Row.self
        )
        .map { FourEyes.Approval(revision: $0.revision, hash: $0.hash, approver: $0.approvedBy) }
    }

    /// Records `approver`'s approval of the version at `revision` whose public text has `hash`, if the rule allows
    /// it at the moment of writing: the version row is locked by a conditional update, so a change committed in
    /// between (on either engine) makes this refuse instead of approving a text nobody read. Run it in the
    /// transaction that makes the rest of the approval.
    static func approve(
        _ subject: String, revision: Int, hash: String, by approver: String, fallback: String?,
        now: Date, on db: any Database
    ) async throws -> FourEyes.Refusal? {
        struct Revision: Decodable { let revision: Int }
        // A text older than this table gets its row now, as revision 0 by its fallback author.
        try await db.sql.raw(
            """
            INSERT INTO four_eyes_versions (subject, revision, hash, changed_by, changed_at)
            VALUES (\(bind: subject), 0, \(bind: hash), \(bind: fallback), \(bind: now.seconds)) ON CONFLICT
            (subject) DO NOTHING
            """
        ).run()
        let locked = try await db.sql.raw(
            """
            UPDATE four_eyes_versions SET changed_at = changed_at WHERE subject = \(bind: subject) AND revision =
            \(bind: revision)
            AND (changed_by IS NULL OR LOWER(changed_by) <> LOWER(\(bind: approver))) RETURNING revision
            """
        ).first(decoding: Revision.self)
        guard locked != nil else {
            let current = try await version(subject, fallback: fallback, on: db)
            return FourEyes.mayApprove(
                approver, current: current, currentHash: hash, read: revision,
                readHash: nil) ?? .changedSinceRead
        }
        try await db.sql.raw(
            """
            INSERT INTO four_eyes_approvals (id, subject, revision, hash, approved_by, approved_at)
            VALUES (\(bind: RandomID.make("approval")), \(bind: subject), \(bind: revision), \(bind: hash),
            \(bind: approver),
            \(bind: now.seconds)) ON CONFLICT (subject, revision, approved_by) DO NOTHING
            """
        ).run()
        return nil
    }

    /// Whether the text of `subject` with public hash `hash` may go public now.
    static func check(
        _ subject: String, hash: String, fallback: String?, exempt: Bool,
        on db: any Database
    ) async throws -> FourEyes.Refusal? {
        let current = try await version(subject, fallback: fallback, on: db)
        return FourEyes.mayPublish(
            hash: hash, current: current, approvals: try await approvals(subject, on: db),
            exempt: exempt)
    }

    // MARK: - Exempt publication types

    static func exemptTypes(on db: any Database) async throws -> Set<PublicationType> {
        struct Row: Decodable { let type: String }
        return Set(
            try await db.sql.raw("SELECT type FROM four_eyes_exemptions").all(decoding: Row.self)
                .compactMap { PublicationType(rawValue: $0.type) })
    }

    static func setExemptTypes(
        _ types: Set<PublicationType>, by actor: String, now: Date,
        on db: any Database
    ) async throws {
        try await db.write { tx in
            try await tx.sql.raw("DELETE FROM four_eyes_exemptions").run()
            for type in types.sorted(by: { $0.rawValue < $1.rawValue }) where type != .urgentIntervention {
                try await tx.sql.insert(into: "four_eyes_exemptions").columns("type", "set_by", "set_at")
                    .values(type.rawValue, actor, now.seconds).run()
            }
        }
    }
}
