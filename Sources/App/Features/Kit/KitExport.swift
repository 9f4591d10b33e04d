import Fluent
import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import SQLKit
import Vapor

/// Making a mission kit: the mission and what is linked to it, sealed under a new passphrase shown once, with an
/// expiry; the export is audited (the mission and each case) in the transaction that writes the file.
enum KitExport {
    typealias Failure = UserCommand.Failure

    /// The longest a kit may stay openable.
    static let maxDays = 90
    static let defaultDays = 30

    struct Made: Sendable {
        let passphrase: String
        let file: [UInt8]
        let caseIDs: [String]
        let attachmentIDs: [String]
        let expiresAt: Int64
        /// What the office records of the kit (`kit_exports`, written by `audit`): its id, when it was made, and
        /// the digest of each row it holds.
        var kitID = "", createdAt: Int64 = 0, digests = ""
        var cases: Int { caseIDs.count }
        var attachments: Int { attachmentIDs.count }
    }

    /// The sealed kit of `mission`, with the audit entries written through `record` (in the caller's
    /// transaction). Throws a failure naming the problem when the mission does not exist or `days` is out of range.
    static func make(
        mission: String, days: Int, by actor: String, now: Date, cipher: FieldCipher,
        cost: MissionKit.Cost = .standard, on db: any Database
    ) async throws -> Made {
        guard (1...maxDays).contains(days) else {
            throw Failure(description: "kit export: the kit must expire within 1 to \(maxDays) days (not \(days))")
        }
        struct Found: Decodable { let id: String }
        guard
            try await db.sql.raw("SELECT id FROM missions WHERE id = \(bind: mission)")
                .first(decoding: Found.self) != nil
        else {
            throw Failure(
                description: """
                    kit export: there is no mission “\(mission.prefix(80))” (nothing was written)
                    """)
        }
        var contents = try await KitTables.contents(
            mission: mission, by: actor, now: now.seconds, cipher: cipher,
            on: db)
        // What a merge checks: which kit it is, and that it goes back into this database (its key's fingerprint).
        contents.kitID = RandomID.make("kit")
        contents.origin = cipher.fingerprint
        let passphrase = MissionKit.newPassphrase(), expires = now.seconds + Int64(days) * 86_400
        let file = try MissionKit.seal(
            try contents.encoded(), passphrase: passphrase, createdAt: now.seconds,
            expiresAt: expires, cost: cost)
        var made = Made(
            passphrase: passphrase, file: file, caseIDs: KitTables.ids(contents.table("cases")),
            attachmentIDs: KitTables.ids(contents.table("case_attachments")), expiresAt: expires)
        made.kitID = contents.kitID ?? ""
        made.createdAt = now.seconds
        made.digests = KitRecord.digests(of: contents, cipher: cipher)
        return made
    }

    /// Records the kit at the office (`kit_exports`, what a merge checks it against) and audits its export: the
    /// mission, each case it carries, and each file (in its custody history).
    static func audit(
        _ made: Made, mission: String, to name: String, by actor: String,
        now: Date, on tx: any Database
    ) async throws {
        try await KitRecord.insert(
            kitID: made.kitID, mission: mission, by: actor, createdAt: made.createdAt,
            expiresAt: made.expiresAt, caseIDs: made.caseIDs,
            attachmentIDs: made.attachmentIDs, digests: made.digests, on: tx)
        let expiry = CivilDate(daysSinceEpoch: Int(made.expiresAt / 86_400)).description
        try await AuditLog.record(
            AuditEvent(
                actor: actor, action: "mission.kit-export", recordType: "mission",
                recordID: mission,
                detail: "\(made.cases) cases, \(made.attachments) files, "
                    + "\(made.file.count) bytes, expires \(expiry), to \(name)"),
            now: now, on: tx)
        for caseID in made.caseIDs {
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "case.kit-export", recordType: "case",
                    recordID: caseID, detail: "in the kit of \(mission)"),
                now: now, on: tx)
        }
        for fileID in made.attachmentIDs {
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: CustodyEvent.includedInKit.rawValue,
                    recordType: "attachment", recordID: fileID,
                    detail: "in the offline kit of \(mission), to \(name)"),
                now: now, on: tx)
        }
    }

    /// `observatory kit export`: writes the kit to a new file (readable by its owner only), renamed into place
    /// once the audit entries are committed.
    static func run(
        mission: String, to destination: String, days: Int, by actor: String, app: Application,
        cost: MissionKit.Cost = .standard
    ) async throws -> Made {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: destination) else {
            throw Failure(description: "kit export: \(destination) exists already (nothing was written)")
        }
        let now = app.site.clock.now(), cipher = app.site.cipher
        let staging = destination + ".part-\(UUID().uuidString.prefix(8))"
        let name = (destination as NSString).lastPathComponent
        do {
            let made: Made = try await app.db.write { tx in
                let made = try await make(
                    mission: mission, days: days, by: actor, now: now, cipher: cipher,
                    cost: cost, on: tx)
                try await audit(made, mission: mission, to: name, by: actor, now: now, on: tx)
                guard
                    FileManager.default.createFile(
                        atPath: staging, contents: Data(made.file),
                        attributes: [.posixPermissions: 0o600])
                else {
                    throw Failure(description: "kit export: cannot write \(staging) (nothing was exported)")
                }
                return made
            }
            try manager.moveItem(atPath: staging, toPath: destination)
            return made
        } catch {
            try? manager.removeItem(atPath: staging)
            throw error
        }
    }
}

/// Kits made from the mission page, each downloadable once, by the account that made it, for 15 minutes; held in
/// memory only, never written to the server's disk.
final class KitDownloads: Sendable {
    struct Held: Sendable { let mission: String, account: String, file: [UInt8], until: Int64 }
    private let held = NIOLockedValueBox<[String: Held]>([:])
    static let minutes: Int64 = 15

    func hold(_ file: [UInt8], mission: String, account: String, now: Int64) -> String {
        let token = RandomID.make("kit")
        held.withLockedValue { all in
            all = all.filter { $0.value.until > now }
            all[token] = Held(mission: mission, account: account, file: file, until: now + Self.minutes * 60)
        }
        return token
    }

    /// The kit, removed as it is taken; nil when it was taken, has expired, or belongs to someone else.
    func take(_ token: String, mission: String, account: String, now: Int64) -> [UInt8]? {
        held.withLockedValue { all in
            guard let kit = all[token], kit.mission == mission, kit.account == account else { return nil }
            all[token] = nil
            return kit.until > now ? kit.file : nil
        }
    }
}
