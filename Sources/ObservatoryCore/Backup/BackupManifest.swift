import Crypto
import Foundation

/// What a backup holds, written beside it as `manifest.json`: the engine, each table's row count and content checksum
/// (computed the same way on the live database and on a restored one), each file's size and SHA-256, and the
/// fingerprint of the key that sealed its confidential fields — never the key itself. A keyed signature (a subkey
/// of that key) lets `backup verify` tell an edited manifest from an intact one when the key is at hand.
public struct BackupManifest: Codable, Sendable, Equatable {
    public static let fileName = "manifest.json"
    public static let currentFormat = 1

    public struct Table: Codable, Sendable, Equatable {
        public var name: String
        public var rows: Int
        public var checksum: String
        public init(name: String, rows: Int, checksum: String) {
            self.name = name; self.rows = rows; self.checksum = checksum
        }
    }

    public struct File: Codable, Sendable, Equatable {
        public var name: String
        public var bytes: Int64
        public var sha256: String
        public init(name: String, bytes: Int64, sha256: String) {
            self.name = name; self.bytes = bytes; self.sha256 = sha256
        }
    }

    public var format: Int
    /// `sqlite` or `postgres`.
    public var engine: String
    /// When the copy was taken (UTC, ISO 8601).
    public var created: String
    public var keyFingerprint: String
    public var tables: [Table]
    public var files: [File]
    /// HMAC-SHA256 (hex) of the manifest without this field, under
    /// `FieldCipher.derivedKey(purpose: "backup-manifest")`.
    public var signature: String?

    public init(engine: String, created: String, keyFingerprint: String, tables: [Table], files: [File]) {
        self.format = Self.currentFormat; self.engine = engine; self.created = created
        self.keyFingerprint = keyFingerprint; self.tables = tables; self.files = files
    }

    /// The bytes the signature covers: the manifest without its signature, keys sorted.
    public func signedBytes() throws -> Data {
        var unsigned = self
        unsigned.signature = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(unsigned)
    }

    public mutating func sign(with key: SymmetricKey) throws {
        signature = Self.hex(HMAC<SHA256>.authenticationCode(for: try signedBytes(), using: key))
    }

    public func hasValidSignature(_ key: SymmetricKey) throws -> Bool {
        guard let signature, let bytes = Self.unhex(signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: try signedBytes(), using: key)
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(self)
    }

    public struct Unreadable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads `DIR/manifest.json`, refusing what no backup of this program wrote.
    public static func read(from directory: String) throws -> BackupManifest {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Unreadable(
                description: "\(path): no manifest (is \(directory) a backup made by "
                    + "`observatory backup`?)")
        }
        let manifest: BackupManifest
        do { manifest = try JSONDecoder().decode(BackupManifest.self, from: data) } catch {
            throw Unreadable(description: "\(path): not a readable manifest (\(error))")
        }
        guard manifest.format == currentFormat else {
            throw Unreadable(
                description: "\(path): manifest format \(manifest.format), "
                    + "this program reads \(currentFormat)")
        }
        guard ["sqlite", "postgres"].contains(manifest.engine) else {
            throw Unreadable(description: "\(path): unknown engine \"\(manifest.engine.prefix(20))\"")
        }
        for file in manifest.files where !isPlainName(file.name) {
            throw Unreadable(description: "\(path): file name \"\(file.name.prefix(60))\" is not a plain file name")
        }
        return manifest
    }

    /// A name inside the backup's directory: no separator, no `..`, nothing hidden, no control character.
    public static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200 && !name.hasPrefix(".") && name != fileName
            && !name.unicodeScalars.contains { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7f }
    }

    /// Each way the files in `directory` differ from the manifest (empty: they match): missing, resized, altered,
    /// or not listed.
    public func fileDifferences(in directory: String) -> [String] {
        var problems: [String] = []
        let listed = Set(files.map(\.name))
        let present = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file.name)
            guard let summary = try? Self.summarise(file: path) else {
                problems.append("\(file.name): missing (the manifest lists it)")
                continue
            }
            if summary.bytes != file.bytes {
                problems.append("\(file.name): \(summary.bytes) bytes, the manifest says \(file.bytes)")
            } else if summary.sha256 != file.sha256 {
                problems.append(
                    "\(file.name): content differs from the manifest "
                        + "(SHA-256 \(summary.sha256.prefix(16))…, "
                        + "expected \(file.sha256.prefix(16))…)")
            }
        }
        for name in present.sorted() where name != Self.fileName && !listed.contains(name) {
            problems.append("\(name): not listed in the manifest")
        }
        return problems
    }

    /// Each way the tables found (in a restored database) differ from the manifest's.
    public func tableDifferences(_ found: [Table]) -> [String] {
        var problems: [String] = []
        let byName = Dictionary(found.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for table in tables {
            guard let other = byName[table.name] else { problems.append("table \(table.name): missing"); continue }
            if other.rows != table.rows {
                problems.append("table \(table.name): \(other.rows) rows, the backup has \(table.rows)")
            } else if other.checksum != table.checksum {
                problems.append("table \(table.name): same \(table.rows) rows but different content")
            }
        }
        let expected = Set(tables.map(\.name))
        for table in found where !expected.contains(table.name) {
            problems.append("table \(table.name): not in the backup")
        }
        return problems
    }

    /// Size and SHA-256 of a file, read in 1 MB pieces.
    public static func summarise(file path: String) throws -> File {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Unreadable(description: "\(path): cannot be read")
        }
        defer { try? handle.close() }
        var hash = SHA256()
        var bytes: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hash.update(data: chunk)
            bytes += Int64(chunk.count)
        }
        return File(name: (path as NSString).lastPathComponent, bytes: bytes, sha256: hex(hash.finalize()))
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func unhex(_ text: String) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

/// A table's content checksum that does not depend on row order: the SHA-256 of each row's canonical text,
/// sorted, then hashed together. Two tables get the same checksum exactly when they hold the same rows.
public struct TableChecksum: Sendable {
    private var digests: [SHA256.Digest] = []
    public init() {}

    public var rows: Int { digests.count }

    public mutating func add(row text: String) {
        digests.append(SHA256.hash(data: Array(text.utf8)))
    }

    public var value: String {
        var combined = SHA256()
        for digest in digests.sorted(by: { $0.lexicographicallyPrecedes($1) }) { combined.update(data: Array(digest)) }
        return BackupManifest.hex(combined.finalize())
    }
}
