import Crypto
import Foundation

/// Values bound to their row (`v2:`): the associated data holds the table, the column and the row's id
/// (`SealedColumn.associatedData`), so a sealed value copied to another row or column is refused.
/// Text is `v2:` and the base64 of nonce + ciphertext + tag; bytes are `OBS2` followed by the same.
extension FieldCipher {
    public static let textPrefix = "v2:"
    public static let bytesPrefix: [UInt8] = Array("OBS2".utf8)

    public func seal(_ text: String, in column: SealedColumn, row: String) -> String {
        Self.textPrefix + sealBox(Array(text.utf8), column.associatedData(row: row)).base64EncodedString()
    }

    public func seal(_ value: Confidential, in column: SealedColumn, row: String) -> String {
        seal(value.reveal(), in: column, row: row)
    }

    /// Opens a `v2:` text sealed for this column and row; anything else (another row, another column, another
    /// key, an altered or a `v1:` value) is refused.
    public func open(_ sealed: String, in column: SealedColumn, row: String) throws -> Confidential {
        guard sealed.hasPrefix(Self.textPrefix), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else {
            throw Failure.cannotOpen(context: "\(column) of \(row)")
        }
        let bytes = try openBox(data, column.associatedData(row: row), "\(column) of \(row)")
        return Confidential(String(decoding: bytes, as: UTF8.self))
    }

    public func seal(bytes: [UInt8], in column: SealedColumn, row: String) -> Data {
        Data(Self.bytesPrefix) + sealBox(bytes, column.associatedData(row: row))
    }

    public func open(bytes: Data, in column: SealedColumn, row: String) throws -> Data {
        guard bytes.starts(with: Self.bytesPrefix) else { throw Failure.cannotOpen(context: "\(column) of \(row)") }
        return try openBox(
            bytes.dropFirst(Self.bytesPrefix.count), column.associatedData(row: row), "\(column) of \(row)")
    }

    /// Opens a value sealed before migration 025 (`v1:` text, or bytes with a per-row context).
    public func openLegacy(_ sealed: String, in column: SealedColumn, row: String) throws -> String {
        switch column.before {
        case .sealed(let context):
            // A value stored before its column was sealed (early second-factor secrets) is read as it is.
            if !sealed.hasPrefix("v1:") && !sealed.hasPrefix(Self.textPrefix) { return sealed }
            return try open(sealed, context: context)
        case .clear: return sealed
        case .sealedPerRow, .none: throw Failure.cannotOpen(context: "\(column) of \(row)")
        }
    }

    public func openLegacy(bytes: Data, in column: SealedColumn, row: String) throws -> Data {
        guard case .sealedPerRow(let prefix) = column.before else {
            throw Failure.cannotOpen(context: "\(column) of \(row)")
        }
        return try open(bytes: Data(bytes), context: prefix + row)
    }

    private func sealBox(_ bytes: [UInt8], _ data: [UInt8]) -> Data {
        // A fresh random nonce; sealing cannot fail with a valid key and nonce.
        let box = try! AES.GCM.seal(bytes, using: key, nonce: AES.GCM.Nonce(), authenticating: data)
        return box.combined!
    }

    private func openBox(_ bytes: Data, _ data: [UInt8], _ name: String) throws -> Data {
        do { return try AES.GCM.open(try AES.GCM.SealedBox(combined: bytes), using: key, authenticating: data) } catch {
            throw Failure.cannotOpen(context: name)
        }
    }
}
