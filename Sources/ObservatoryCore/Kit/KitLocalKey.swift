import Crypto
import Foundation

/// The key of a kit's local copy on the laptop (review of issue 20, finding 7). It is kept beside the copy only
/// sealed (AES-GCM) under a key derived from the kit's passphrase: the kit's own scrypt derivation, then HKDF for
/// this one purpose, so the directory alone (a copied disk, a seized laptop) opens nothing without the passphrase.
public enum KitLocalKey {
    static let info = Array("observatory mission kit: local copy key, v1".utf8)

    public enum Failure: Error, CustomStringConvertible {
        case wrongPassphraseOrAltered
        public var description: String {
            "the local copy's key does not open with this passphrase (or its file was altered)"
        }
    }

    static func wrappingKey(passphrase: String, header: MissionKit.Header) throws -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: try MissionKit.key(passphrase: passphrase, header: header),
            salt: header.salt, info: info, outputByteCount: 32)
    }

    /// `keyText` sealed under the passphrase; the header's bytes are authenticated with it.
    public static func wrap(_ keyText: String, passphrase: String, header: MissionKit.Header) throws -> [UInt8] {
        let box = try AES.GCM.seal(
            Array(keyText.utf8), using: try wrappingKey(passphrase: passphrase, header: header),
            nonce: AES.GCM.Nonce(), authenticating: header.bytes)
        return Array(box.combined!)
    }

    public static func unwrap(_ sealed: [UInt8], passphrase: String, header: MissionKit.Header) throws -> String {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let clear = try AES.GCM.open(
                box, using: try wrappingKey(passphrase: passphrase, header: header),
                authenticating: header.bytes)
            return String(decoding: clear, as: UTF8.self)
        } catch {
            throw Failure.wrongPassphraseOrAltered
        }
    }
}
