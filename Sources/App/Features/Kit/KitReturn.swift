import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// `observatory kit return FILE --to NEW-FILE` on the laptop: the offline work on the local copy of the kit FILE,
/// sealed under the same passphrase into a new kit for `kit merge` at the office: each row the change log names,
/// as it is now and as it was exported, and the change log itself.
extension KitOffline {
    /// What `kit return` prepared before the app was configured: the kit as exported (the merge's base) and its
    /// passphrase; the app then works on the local copy.
    struct Returning: Sendable {
        let place: Place
        let header: MissionKit.Header
        let exported: KitContents
        let passphrase: String
    }

    static func isReturn(_ arguments: [String]) -> Bool {
        let words = arguments.dropFirst().filter { !$0.hasPrefix("-") }
        return words.first == "kit" && words.dropFirst().first == "return"
            && !arguments.contains("--help") && !arguments.contains("-h")
    }

    /// `kit return FILE` and `kit merge FILE`: the file given as `--file FILE`, the option the command reads.
    static func fileAsOption(_ arguments: [String]) -> [String] {
        var out = Array(arguments.prefix(1)), rest = Array(arguments.dropFirst())
        guard rest.count >= 3, rest[0] == "kit", ["return", "merge"].contains(rest[1]), !rest[2].hasPrefix("-")
        else { return arguments }
        out += [rest[0], rest[1], "--file", rest[2]]
        rest.removeFirst(3)
        return out + rest
    }

    static func prepareReturn(
        _ arguments: [String], config: AppConfig, now: Int64
    ) async throws
        -> (AppConfig, Returning)
    {
        guard let path = option("file", in: arguments) else {
            throw Failure(description: "kit return: give the kit you opened: kit return FILE --to NEW-FILE")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "kit return: cannot read \(path)")
        }
        let place = Place.standard(option("dir", in: arguments))
        guard let known = FileManager.default.contents(atPath: place.opened),
            let opened = try? JSONDecoder().decode(Opened.self, from: known),
            FileManager.default.fileExists(atPath: place.database)
        else {
            throw Failure(description: "kit return: no kit was opened in \(place.dir) (see kit open FILE)")
        }
        let header: MissionKit.Header
        do { header = try MissionKit.Header.read(Array(data)) } catch {
            throw Failure(description: "kit return: \(error)")
        }
        guard opened.salt == hex(header.salt) else {
            throw Failure(
                description: "kit return: \(path) is not the kit opened in \(place.dir) (that one is the "
                    + "kit of \(opened.missionID))")
        }
        let passphrase = try readPassphrase()
        let (_, exported) = try await unlock(Array(data), passphrase: passphrase, place: place, now: now) {
            seconds in
            guard seconds > 0 else { return }
            standardError("kit return: waiting \(seconds) seconds after a wrong passphrase…")
            try await Task.sleep(nanoseconds: UInt64(seconds) * 1_000_000_000)
        }
        return (
            localConfig(config, place),
            Returning(place: place, header: header, exported: exported, passphrase: passphrase)
        )
    }

    /// The local account that worked offline, as `install` made it.
    static func member(of exported: KitContents) -> String {
        exported.exportedBy.contains("@") ? exported.exportedBy : "officer@kit.local"
    }

    struct Returned: Sendable { let file: [UInt8], changes: Int, rows: Int }

    /// The returned kit of the local copy (`db`, its sealed values opened with `cipher`).
    static func returned(
        _ returning: Returning, cipher: FieldCipher, now: Int64,
        on db: any Database
    ) async throws -> Returned {
        let log = try await changes(on: db)
        var changed: [String: [String]] = [:]
        for change in log where !(changed[change.tableName] ?? []).contains(change.rowId) {
            changed[change.tableName, default: []].append(change.rowId)
        }
        var tables: [KitContents.Table] = [], base: [KitContents.Table] = []
        for (table, _) in KitTables.carried {
            let ids = changed[table] ?? []
            tables.append(
                try await KitTables.read(
                    table, where: "id", in: ids, cipher: cipher,
                    numeric: table == KitTables.numbered, on: db))
            guard let exported = returning.exported.table(table),
                let idIndex = exported.columns.firstIndex(of: "id")
            else { continue }
            let wanted = Set(ids)
            base.append(
                KitContents.Table(
                    name: table, columns: exported.columns,
                    rows: exported.rows.filter {
                        wanted.contains(KitTables.text($0[idIndex]))
                    }))
        }
        let member = Self.member(of: returning.exported)
        let exported = returning.exported
        // Row by row: `after` names the operation (insert, update, delete); the rows carry the values.
        let entries = log.map {
            KitChange(
                at: $0.at, actor: member, table: $0.tableName, row: $0.rowId, column: nil, before: nil,
                after: $0.operation)
        }
        let contents = KitContents(
            missionID: exported.missionID, exportedBy: exported.exportedBy,
            exportedAt: exported.exportedAt, tables: tables, changes: entries,
            kitID: exported.kitID, origin: exported.origin, returnedBy: member, base: base)
        let file = try MissionKit.seal(
            try contents.encoded(), passphrase: returning.passphrase, createdAt: now,
            expiresAt: returning.header.expiresAt, cost: returning.header.cost)
        return Returned(file: file, changes: log.count, rows: tables.reduce(0) { $0 + $1.rows.count })
    }
}
