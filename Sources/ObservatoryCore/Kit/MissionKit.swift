import Crypto
import Foundation
import _CryptoExtras

/// The encrypted offline mission kit (issue 20): one file that holds a mission and what is linked to it, sealed
/// under a key derived from a passphrase with scrypt (memory-hard), and refused once its expiry has passed.
///
/// Layout, version 1 (all integers big-endian):
///
///     "OBSKIT"  version (1 byte)  cipher (1 byte, 1 = AES-256-GCM)
///     scrypt log2(N) (1 byte)  r (UInt32)  p (UInt32)  salt (16 bytes)
///     created at (Int64 seconds)  expires at (Int64 seconds)
///     sealed box: nonce (12) + ciphertext + tag (16)
///
/// The whole header is the box's authenticated data: changing the expiry, the parameters or the salt makes the kit
/// refuse to open, as does any altered byte of the ciphertext. Nothing but the header is in clear.
public enum MissionKit {
    public static let magic: [UInt8] = Array("OBSKIT".utf8)
    public static let version: UInt8 = 1
    public static let aesGCM: UInt8 = 1
    public static let headerSize = 6 + 1 + 1 + 1 + 4 + 4 + 16 + 8 + 8

    /// The scrypt cost. `standard` takes 64 MiB and about a quarter of a second per attempt on a laptop.
    public struct Cost: Sendable, Equatable {
        public let log2N: UInt8, r: UInt32, p: UInt32
        public init(log2N: UInt8, r: UInt32, p: UInt32) { self.log2N = log2N; self.r = r; self.p = p }
        public static let standard = Cost(log2N: 16, r: 8, p: 1)
        /// For tests only: cheap, and still refused by nothing but the header it is written in.
        public static let fast = Cost(log2N: 10, r: 8, p: 1)
        /// What a kit of format version 1 may ask for: the costs the office writes, and nothing else, so that a
        /// crafted header cannot make an opening (before the passphrase is checked) take the machine's memory.
        public var isAcceptable: Bool { self == .standard || self == .fast }
    }

    public struct Header: Sendable, Equatable {
        public let cost: Cost
        public let salt: [UInt8]
        public let createdAt: Int64
        public let expiresAt: Int64

        public var bytes: [UInt8] {
            var out = MissionKit.magic + [MissionKit.version, MissionKit.aesGCM, cost.log2N]
            out += bigEndian(cost.r) + bigEndian(cost.p) + salt
            out += bigEndian(UInt64(bitPattern: createdAt)) + bigEndian(UInt64(bitPattern: expiresAt))
            return out
        }

        /// Reads the clear header of a kit file, naming what is wrong with one that is not a kit.
        public static func read(_ file: [UInt8]) throws -> Header {
            guard file.count >= MissionKit.headerSize + 28, Array(file.prefix(6)) == MissionKit.magic else {
                throw Failure.notAKit
            }
            guard file[6] == MissionKit.version, file[7] == MissionKit.aesGCM else {
                throw Failure.unsupportedVersion(Int(file[6]))
            }
            let cost = Cost(log2N: file[8], r: UInt32(readUInt(file, 9, 4)), p: UInt32(readUInt(file, 13, 4)))
            guard cost.isAcceptable else { throw Failure.notAKit }
            return Header(
                cost: cost, salt: Array(file[17..<33]),
                createdAt: Int64(bitPattern: readUInt(file, 33, 8)),
                expiresAt: Int64(bitPattern: readUInt(file, 41, 8)))
        }
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notAKit
        case unsupportedVersion(Int)
        /// A wrong passphrase and an altered file cannot be told apart: both fail the authentication.
        case wrongPassphraseOrAltered
        case expired(at: Int64)
        case malformedContents(String)

        public var description: String {
            switch self {
            case .notAKit: "this file is not an Observatory mission kit"
            case .unsupportedVersion(let v): "this kit has format version \(v), which this program cannot read"
            case .wrongPassphraseOrAltered: "the passphrase is wrong, or the kit file was altered"
            case .expired(let at):
                "this kit expired on \(Date(timeIntervalSince1970: TimeInterval(at))) "
                    + "and can no longer be opened; export a new one"
            case .malformedContents(let what): "the kit's contents cannot be read (\(what))"
            }
        }
    }

    /// The key for a passphrase and a header's salt and cost.
    static func key(passphrase: String, header: Header) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(
            from: Array(normalized(passphrase).utf8), salt: header.salt, outputByteCount: 32,
            rounds: 1 << Int(header.cost.log2N), blockSize: Int(header.cost.r),
            parallelism: Int(header.cost.p))
    }

    /// Seals `payload` into a kit file.
    public static func seal(
        _ payload: [UInt8], passphrase: String, createdAt: Int64, expiresAt: Int64,
        cost: Cost = .standard
    ) throws -> [UInt8] {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: .min ... .max, using: &generator) }
        let header = Header(cost: cost, salt: salt, createdAt: createdAt, expiresAt: expiresAt)
        let box = try AES.GCM.seal(
            payload, using: try key(passphrase: passphrase, header: header),
            nonce: AES.GCM.Nonce(), authenticating: header.bytes)
        return header.bytes + Array(box.combined!)
    }

    /// Opens a kit file at `now` (seconds): its payload, or why not.
    public static func open(_ file: [UInt8], passphrase: String, now: Int64) throws -> (Header, [UInt8]) {
        let header = try Header.read(file)
        let opened: Data
        do {
            let box = try AES.GCM.SealedBox(combined: file[headerSize...])
            opened = try AES.GCM.open(
                box, using: try key(passphrase: passphrase, header: header),
                authenticating: header.bytes)
        } catch {
            throw Failure.wrongPassphraseOrAltered
        }
        // The expiry is authenticated: it is checked once the header is known to be the one sealed.
        guard now < header.expiresAt else { throw Failure.expired(at: header.expiresAt) }
        return (header, Array(opened))
    }

    /// A new passphrase to show once: 24 symbols of a 32-letter alphabet without look-alikes (120 bits), in six
    /// groups of four.
    public static func newPassphrase() -> String {
        var generator = SystemRandomNumberGenerator()
        let symbols = (0..<24).map { _ in passphraseAlphabet.randomElement(using: &generator)! }
        return stride(from: 0, to: 24, by: 4).map { String(symbols[$0..<$0 + 4]) }.joined(separator: "-")
    }

    static let passphraseAlphabet = Array("ABCDEFGHJKMNPQRSTVWXYZ0123456789")

    /// What is derived from: the passphrase without spaces or dashes, in capitals (a typed one may differ so).
    public static func normalized(_ passphrase: String) -> String {
        String(passphrase.uppercased().filter { !$0.isWhitespace && $0 != "-" })
    }
}

private func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}

private func readUInt(_ bytes: [UInt8], _ at: Int, _ count: Int) -> UInt64 {
    bytes[at..<at + count].reduce(0) { $0 << 8 | UInt64($1) }
}
