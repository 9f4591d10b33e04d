import Foundation
import ObservatoryCore
import PropertyBased
import Testing

/// The kit file: opens only with its passphrase, before its expiry, unaltered; holds no clear value.
@Suite struct MissionKitTests {
    static let canary = "CANARY-Kit-Nadia-Qazi-7731"
    static let now: Int64 = 1_800_000_000

    static func contents() -> KitContents {
        KitContents(
            missionID: "mission-1", exportedBy: "officer@example.org", exportedAt: now,
            tables: [
                .init(
                    name: "cases", columns: ["id", "label_sealed", "opened_at", "score"],
                    rows: [
                        [.text("case-1"), .text(canary), .integer(now), .real(0.5)],
                        [.text("case-2"), .null, .integer(-1), .real(-2.25)]
                    ]),
                .init(
                    name: "case_attachments", columns: ["id", "data_sealed"],
                    rows: [[.text("att-1"), .bytes(Data((canary + " photo").utf8))], [.text("att-2"), .bytes(Data())]])
            ],
            changes: [
                KitChange(
                    at: now, actor: "local", table: "cases", row: "case-1", column: "label_sealed",
                    before: "a", after: canary)
            ])
    }

    @Test func aKitOpensWithItsPassphraseAndGivesBackItsContents() throws {
        // setup
        let passphrase = MissionKit.newPassphrase()
        // act
        let file = try MissionKit.seal(
            try Self.contents().encoded(), passphrase: passphrase, createdAt: Self.now,
            expiresAt: Self.now + 86_400, cost: .fast)
        let (header, payload) = try MissionKit.open(file, passphrase: passphrase.lowercased(), now: Self.now + 10)
        // assert
        #expect(try KitContents.decode(payload) == Self.contents())
        #expect(header.expiresAt == Self.now + 86_400 && header.cost == .fast)
        #expect(passphrase.count == 29 && passphrase.split(separator: "-").count == 6)
    }

    @Test func aWrongPassphraseIsRefused() async throws {
        let passphrase = MissionKit.newPassphrase()
        let file = try MissionKit.seal(
            try Self.contents().encoded(), passphrase: passphrase, createdAt: Self.now,
            expiresAt: Self.now + 86_400, cost: .fast)
        let symbols = Gen.character(in: "A"..."Z").string(of: 1...30)
        await propertyCheck(count: 20, input: symbols) { guess in
            #expect(throws: MissionKit.Failure.wrongPassphraseOrAltered) {
                try MissionKit.open(file, passphrase: guess, now: Self.now)
            }
        }
        // One symbol off is as wrong as any other guess.
        var near = Array(passphrase)
        near[0] = near[0] == "A" ? "B" : "A"
        #expect(throws: MissionKit.Failure.wrongPassphraseOrAltered) {
            try MissionKit.open(Array(file), passphrase: String(near), now: Self.now)
        }
    }

    @Test func anyAlteredByteIsRefused() throws {
        // setup
        let passphrase = MissionKit.newPassphrase()
        let file = try MissionKit.seal(
            try Self.contents().encoded(), passphrase: passphrase, createdAt: Self.now,
            expiresAt: Self.now + 86_400, cost: .fast)
        var generator = SeededRandom(seed: UInt64(Date().timeIntervalSince1970))
        print("MissionKitTests.anyAlteredByteIsRefused seed \(generator.seed)")
        // act / assert: every header byte, and a sample of the ciphertext's.
        let positions =
            Array(0..<MissionKit.headerSize)
            + (0..<60).map { _ in Int.random(in: MissionKit.headerSize..<file.count, using: &generator) }
        for position in positions {
            var altered = file
            altered[position] ^= UInt8.random(in: 1...255, using: &generator)
            #expect(throws: MissionKit.Failure.self, "byte \(position)") {
                try MissionKit.open(altered, passphrase: passphrase, now: Self.now)
            }
        }
        #expect(throws: MissionKit.Failure.self) {
            try MissionKit.open(Array(file.dropLast()), passphrase: passphrase, now: Self.now)
        }
        #expect(throws: MissionKit.Failure.notAKit) { try MissionKit.open([1, 2, 3], passphrase: passphrase, now: 0) }
    }

    @Test func anExpiredKitIsRefusedAndItsExpiryCannotBeMovedOn() throws {
        // setup
        let passphrase = MissionKit.newPassphrase()
        let file = try MissionKit.seal(
            try Self.contents().encoded(), passphrase: passphrase, createdAt: Self.now,
            expiresAt: Self.now + 3_600, cost: .fast)
        // assert
        #expect(throws: MissionKit.Failure.expired(at: Self.now + 3_600)) {
            try MissionKit.open(file, passphrase: passphrase, now: Self.now + 3_600)
        }
        // Writing a later expiry into the clear header breaks the authentication.
        var later = file
        later[MissionKit.headerSize - 1] &+= 1
        later[MissionKit.headerSize - 3] &+= 1
        #expect(throws: MissionKit.Failure.wrongPassphraseOrAltered) {
            try MissionKit.open(later, passphrase: passphrase, now: Self.now + 3_600)
        }
    }

    @Test func theFileBytesHoldNoClearValue() throws {
        // setup
        let passphrase = MissionKit.newPassphrase()
        // act
        let file = Data(
            try MissionKit.seal(
                try Self.contents().encoded(), passphrase: passphrase,
                createdAt: Self.now, expiresAt: Self.now + 86_400, cost: .fast))
        // assert
        for needle in [
            Self.canary, "CANARY", "case-1", "mission-1", "officer@example.org", "label_sealed",
            passphrase, MissionKit.normalized(passphrase)
        ] {
            #expect(file.range(of: Data(needle.utf8)) == nil, "\(needle) is in the file")
        }
        // Two kits of the same contents and passphrase share no salt and no ciphertext.
        let again = Data(
            try MissionKit.seal(
                try Self.contents().encoded(), passphrase: passphrase,
                createdAt: Self.now, expiresAt: Self.now + 86_400, cost: .fast))
        #expect(file[17..<33] != again[17..<33])
        #expect(file[MissionKit.headerSize...] != again[MissionKit.headerSize...])
    }

    @Test func aCraftedHeaderCannotAskForUnboundedWork() throws {
        var file = try MissionKit.seal(
            try Self.contents().encoded(), passphrase: "x", createdAt: 0, expiresAt: 1,
            cost: .fast)
        file[8] = 40  // 2^40 rounds
        #expect(throws: MissionKit.Failure.notAKit) { try MissionKit.open(file, passphrase: "x", now: 0) }
        file[8] = 10
        file[6] = 9
        #expect(throws: MissionKit.Failure.unsupportedVersion(9)) { try MissionKit.open(file, passphrase: "x", now: 0) }
    }

    @Test func truncatedOrForgedContentsAreRefusedByName() throws {
        let encoded = try Self.contents().encoded()
        for cut in [0, 3, 11, 20, encoded.count - 1] {
            #expect(throws: MissionKit.Failure.self) { try KitContents.decode(Array(encoded.prefix(cut))) }
        }
    }
}

/// A small seeded generator (SplitMix64) that tells its seed, so that a failure can be replayed.
struct SeededRandom: RandomNumberGenerator {
    let seed: UInt64
    private var state: UInt64
    init(seed: UInt64) { self.seed = seed; state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1330_11EB
        return z ^ (z >> 31)
    }
}
