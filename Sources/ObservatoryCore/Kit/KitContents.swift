import Foundation

/// What a mission kit holds once opened: rows of the mission's tables, with every sealed value in clear (the kit
/// itself is the seal), and the change log written while working offline.
///
/// Encoded as "KITP", the length of a JSON document (UInt64, big-endian), the document, then each blob (an
/// attachment's bytes) as its length and its bytes, so that 50 MB of attachments are not inflated by base64.
public struct KitContents: Sendable, Equatable {
    public var missionID: String
    public var exportedBy: String
    public var exportedAt: Int64
    public var tables: [Table]
    /// Every write made while the kit was open offline, in order (empty in a kit fresh from the office).
    public var changes: [KitChange]
    /// The kit's own id, given at the export, kept by the kit returned from the mission.
    public var kitID: String?
    /// The fingerprint of the key of the database the kit was exported from (a kit merges into that one only).
    public var origin: String?
    /// In a kit returned by `kit return`: the local account that worked offline; nil in a kit from the office.
    public var returnedBy: String?
    /// In a returned kit: each changed row as it was exported (`tables` then holds the changed rows as they are
    /// now), so that a merge tells a change made offline from one made at the office.
    public var base: [Table]

    public init(
        missionID: String, exportedBy: String, exportedAt: Int64, tables: [Table],
        changes: [KitChange] = [], kitID: String? = nil, origin: String? = nil,
        returnedBy: String? = nil, base: [Table] = []
    ) {
        self.missionID = missionID; self.exportedBy = exportedBy; self.exportedAt = exportedAt
        self.tables = tables; self.changes = changes
        self.kitID = kitID; self.origin = origin; self.returnedBy = returnedBy; self.base = base
    }

    public struct Table: Sendable, Equatable {
        public var name: String
        public var columns: [String]
        public var rows: [[Value]]
        public init(name: String, columns: [String], rows: [[Value]]) {
            self.name = name; self.columns = columns; self.rows = rows
        }
    }

    public enum Value: Sendable, Equatable, Hashable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case bytes(Data)
    }

    public func table(_ name: String) -> Table? { tables.first { $0.name == name } }
    public func baseTable(_ name: String) -> Table? { base.first { $0.name == name } }

    static let magic: [UInt8] = Array("KITP".utf8)

    public func encoded() throws -> [UInt8] {
        var blobs: [Data] = []
        func storedTable(_ table: Table) -> Stored.StoredTable {
            Stored.StoredTable(
                name: table.name, columns: table.columns,
                rows: table.rows.map { row in
                    row.map { value -> [String] in
                        switch value {
                        case .null: return ["n"]
                        case .integer(let i): return ["i", String(i)]
                        case .real(let r): return ["r", String(r)]
                        case .text(let t): return ["t", t]
                        case .bytes(let data):
                            blobs.append(data)
                            return ["b", String(blobs.count - 1)]
                        }
                    }
                })
        }
        let tables = tables.map(storedTable), base = base.map(storedTable)
        let stored = Stored(
            missionID: missionID, exportedBy: exportedBy, exportedAt: exportedAt, tables: tables,
            changes: changes, kitID: kitID, origin: origin, returnedBy: returnedBy,
            base: base.isEmpty ? nil : base)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(stored)
        var out = Self.magic + bytes(UInt64(json.count)) + Array(json)
        out.reserveCapacity(out.count + blobs.reduce(0) { $0 + $1.count + 8 })
        for blob in blobs { out += bytes(UInt64(blob.count)); out += blob }
        return out
    }

    /// The most a returned kit's records (JSON) may hold, and its files: their number and each one's size.
    public static let maxJSONBytes = 64 * 1024 * 1024
    public static let maxBlobs = 10_000
    public static let maxBlobBytes = 5 * 1024 * 1024

    public static func decode(_ data: [UInt8]) throws -> KitContents {
        typealias Failure = MissionKit.Failure
        guard data.count >= 12, Array(data.prefix(4)) == magic else { throw Failure.malformedContents("no header") }
        let length = Int(clamping: read(data, 4))
        guard length <= data.count - 12 else { throw Failure.malformedContents("truncated") }
        // Caps before anything is decoded: a crafted kit never makes the office expand gigabytes (kitsafe2 2).
        guard length <= maxJSONBytes else { throw Failure.malformedContents("its records are too large") }
        var blobs: [Data] = [], at = 12 + length
        while at < data.count {
            guard at + 8 <= data.count else { throw Failure.malformedContents("truncated blob") }
            let count = Int(clamping: read(data, at))
            guard count <= data.count - at - 8 else { throw Failure.malformedContents("truncated blob") }
            guard count <= maxBlobBytes, blobs.count < maxBlobs else {
                throw Failure.malformedContents("too many files, or a file too large")
            }
            blobs.append(Data(data[at + 8..<at + 8 + count]))
            at += 8 + count
        }
        let stored: Stored
        do { stored = try JSONDecoder().decode(Stored.self, from: Data(data[12..<12 + length])) } catch {
            throw Failure.malformedContents("its records are not valid JSON")
        }
        let tables = try stored.tables.map { try $0.table(blobs: blobs) }
        return KitContents(
            missionID: stored.missionID, exportedBy: stored.exportedBy,
            exportedAt: stored.exportedAt, tables: tables, changes: stored.changes,
            kitID: stored.kitID, origin: stored.origin, returnedBy: stored.returnedBy,
            base: try (stored.base ?? []).map { try $0.table(blobs: blobs) })
    }

    private struct Stored: Codable {
        let missionID: String, exportedBy: String, exportedAt: Int64
        let tables: [StoredTable]
        let changes: [KitChange]
        let kitID: String?, origin: String?, returnedBy: String?
        let base: [StoredTable]?

        struct StoredTable: Codable {
            let name: String, columns: [String]
            /// Each value as [kind, value]: "n" null, "i" integer, "r" real, "t" text, "b" the index of a blob.
            let rows: [[[String]]]

            func table(blobs: [Data]) throws -> Table {
                try Table(
                    name: name, columns: columns,
                    rows: rows.map { row in
                        guard row.count == columns.count else { throw MissionKit.Failure.malformedContents(name) }
                        return try row.map { cell in
                            switch (cell.first ?? "", cell.count) {
                            case ("n", 1): return .null
                            case ("i", 2): if let i = Int64(cell[1]) { return .integer(i) }
                            case ("r", 2): if let r = Double(cell[1]) { return .real(r) }
                            case ("t", 2): return .text(cell[1])
                            case ("b", 2):
                                if let i = Int(cell[1]), blobs.indices.contains(i) { return .bytes(blobs[i]) }
                            default: break
                            }
                            throw MissionKit.Failure.malformedContents("a value of \(name)")
                        }
                    })
            }
        }
    }
}

/// One write made offline: the table, the row, the column, the value before and after (nil: the row was
/// created or deleted), the time and the local account that made it.
public struct KitChange: Sendable, Equatable, Codable {
    public var at: Int64
    public var actor: String
    public var table: String
    public var row: String
    public var column: String?
    public var before: String?
    public var after: String?
    public init(
        at: Int64, actor: String, table: String, row: String, column: String?, before: String?,
        after: String?
    ) {
        self.at = at; self.actor = actor; self.table = table; self.row = row; self.column = column
        self.before = before; self.after = after
    }
}

private func bytes(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
private func read(_ data: [UInt8], _ at: Int) -> UInt64 { data[at..<at + 8].reduce(0) { $0 << 8 | UInt64($1) } }
