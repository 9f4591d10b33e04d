import Crypto
import Foundation

/// Encrypts confidential values before they reach the database (AES-256-GCM, a fresh nonce each time).
/// The key lives outside the database, so a copy of the database alone reveals none of them.
/// A sealed text is `v1:` and the base64 of nonce + ciphertext + tag; `context` (the table and column)
/// is authenticated too, so a value moved to another column no longer opens.
public struct FieldCipher: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case badKey(String)
        case cannotOpen(context: String)
        public var description: String {
            switch self {
            case .badKey(let why): "encryption key: \(why)"
            case .cannotOpen(let context):
                "A confidential value (\(context)) cannot be decrypted: wrong key, or the stored value was altered."
            }
        }
    }

    let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    /// A key written as base64 of 32 bytes (what `FieldCipher.newKeyText()` makes).
    public init(keyText: String) throws {
        let trimmed = keyText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: trimmed) else {
            throw Failure.badKey("expected base64 text (44 characters)")
        }
        guard bytes.count == 32 else { throw Failure.badKey("expected 32 bytes, found \(bytes.count)") }
        key = SymmetricKey(data: bytes)
    }

    /// Names the key without revealing it: the first 32 hex digits of an HMAC of a fixed text under the key.
    /// The database records it, so a server started with another key is stopped before it seals anything.
    public var fingerprint: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("observatory-key-fingerprint-v1".utf8), using: key)
        return String(Data(mac).map { String(format: "%02x", $0) }.joined().prefix(32))
    }

    /// A key for another purpose ("audit-chain"), derived from this one with HKDF-SHA256: it lives outside the
    /// database like the key itself, and no purpose's key reveals another's.
    public func derivedKey(purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array("observatory:\(purpose)".utf8), outputByteCount: 32)
    }

    public static func newKeyText() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    public func seal(_ text: String, context: String) -> String {
        "v1:" + seal(bytes: Array(text.utf8), context: context).base64EncodedString()
    }

    public func open(_ sealed: String, context: String) throws -> String {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else {
            throw Failure.cannotOpen(context: context)
        }
        return String(decoding: try open(bytes: data, context: context), as: UTF8.self)
    }

    /// A keyed hash (HMAC-SHA256 with a key derived from this one) to find a value without storing it in clear.
    public func lookupHash(_ text: String, context: String) -> String {
        let derived = SymmetricKey(
            data: HMAC<SHA256>.authenticationCode(for: Array("lookup:\(context)".utf8), using: key))
        return Data(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: derived)).base64EncodedString()
    }

    public func seal(bytes: [UInt8], context: String) -> Data {
        // A fresh random nonce; sealing cannot fail with a valid key and nonce.
        let box = try! AES.GCM.seal(bytes, using: key, nonce: AES.GCM.Nonce(), authenticating: Array(context.utf8))
        return box.combined!
    }

    public func open(bytes: Data, context: String) throws -> Data {
        do {
            let box = try AES.GCM.SealedBox(combined: bytes)
            return try AES.GCM.open(box, using: key, authenticating: Array(context.utf8))
        } catch {
            throw Failure.cannotOpen(context: context)
        }
    }
}

/// Where the encryption key comes from: a file, an environment variable, or (tests) a fixed key.
public protocol KeyProvider: Sendable {
    func cipher() throws -> FieldCipher
}

public struct StaticKey: KeyProvider {
    public let text: String
    public init(_ text: String) { self.text = text }
    public func cipher() throws -> FieldCipher { try FieldCipher(keyText: text) }
}

/// A key kept in a file. With `createIfMissing` a new key is written there (mode 0600) on first start:
/// the embedded set-up needs no step, and the administrator is told to back the file up apart from the database.
public struct KeyFile: KeyProvider {
    public let path: String
    public let createIfMissing: Bool
    public init(path: String, createIfMissing: Bool) { self.path = path; self.createIfMissing = createIfMissing }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    public func cipher() throws -> FieldCipher {
        if !exists && createIfMissing { try createOnce() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FieldCipher.Failure.badKey("cannot read the key file \(path)")
        }
        do { return try FieldCipher(keyText: String(decoding: data, as: UTF8.self)) } catch let FieldCipher.Failure
            .badKey(why)
        { throw FieldCipher.Failure.badKey("\(path): \(why)") }
    }

    /// Writes a new key to a file of its own, then links it in place: `link` fails when the key file exists, so
    /// of instances starting together on a new database exactly one key is made, and every instance reads that
    /// one, whole (never a half-written file, never a key another instance overwrote).
    private func createOnce() throws {
        let draft = path + ".new-\(getpid())-\(UUID().uuidString.prefix(8))"
        let fd = open(draft, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw FieldCipher.Failure.badKey("cannot create the key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { unlink(draft) }
        let bytes = Array((FieldCipher.newKeyText() + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced else {
            throw FieldCipher.Failure.badKey("cannot write the key file \(path): \(String(cString: strerror(errno)))")
        }
        if link(draft, path) != 0 && errno != EEXIST {
            throw FieldCipher.Failure.badKey("cannot create the key file \(path): \(String(cString: strerror(errno)))")
        }
    }
}
