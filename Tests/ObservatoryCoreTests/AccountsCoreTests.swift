import Foundation
import ObservatoryCore
import Testing

@Suite struct TOTPTests {
    // RFC 6238 appendix B: the reference secrets and every published (time, code) pair, 8 digits.
    static let sha1 = Array("12345678901234567890".utf8)
    static let sha256 = Array("12345678901234567890123456789012".utf8)
    static let sha512 = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)
    static let vectors: [(Int64, String, String, String)] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826")
    ]

    @Test func rfc6238TestVectors() {
        for (time, sha1Code, sha256Code, sha512Code) in Self.vectors {
            let date = Date(timeIntervalSince1970: TimeInterval(time))
            #expect(TOTP(secret: Self.sha1, digits: 8, algorithm: .sha1).code(at: date) == sha1Code, "SHA1 at \(time)")
            #expect(
                TOTP(secret: Self.sha256, digits: 8, algorithm: .sha256).code(at: date) == sha256Code,
                "SHA256 at \(time)")
            #expect(
                TOTP(secret: Self.sha512, digits: 8, algorithm: .sha512).code(at: date) == sha512Code,
                "SHA512 at \(time)")
        }
    }

    @Test func verifyAcceptsTheNeighbouringStepsAndNeverTheSameStepTwice() {
        let totp = TOTP(secret: Self.sha1)
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = totp.step(at: now)
        #expect(totp.verify(totp.code(step: step), at: now, lastUsedStep: nil) == step)
        #expect(
            totp.verify(totp.code(step: step - 1), at: now, lastUsedStep: nil) == step - 1,
            "a code from 30 s ago still works")
        #expect(totp.verify(totp.code(step: step - 2), at: now, lastUsedStep: nil) == nil, "but not from a minute ago")
        #expect(totp.verify(totp.code(step: step), at: now, lastUsedStep: step) == nil, "replay refused")
        #expect(
            totp.verify(totp.code(step: step - 1), at: now, lastUsedStep: step) == nil,
            "older than the last used: refused")
        #expect(totp.verify("12345", at: now, lastUsedStep: nil) == nil)
        #expect(totp.verify("abcdef", at: now, lastUsedStep: nil) == nil)
        #expect(
            totp.verify(
                " " + totp.code(step: step).prefix(3) + " " + totp.code(step: step).dropFirst(3), at: now,
                lastUsedStep: nil) == step,
            "spaces typed inside the code do not matter")
    }

    @Test func base32FollowsRFC4648AndAcceptsWhatPeopleType() {
        let vectors = [
            ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI")
        ]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base32.decode("mzxw 6ytb-oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil, "1 is not in the alphabet")
        let secret = TOTP.newSecret()
        #expect(secret.count == 20 && Base32.decode(Base32.encode(secret)) == secret)
        #expect(TOTP.newSecret() != secret)
    }

    @Test func otpauthURIEscapesTheAccount() {
        let uri = TOTP(secret: Array("foobar".utf8)).uri(issuer: "Observatory", account: "a b@example.org")
        #expect(
            uri
                == "otpauth://totp/Observatory:a%20b@example.org?secret=MZXW6YTBOI&issuer=Observatory&algorithm=SHA1&digits=6&period=30"
        )
    }
}

@Suite struct AccountRulesTests {
    @Test func passwordPolicy() {
        #expect(PasswordPolicy.problem(with: "short") != nil)
        #expect(PasswordPolicy.problem(with: "Password2024!") != nil, "a common word with digits around it")
        #expect(PasswordPolicy.problem(with: "qwertyuiop123") != nil, "a keyboard row")
        #expect(PasswordPolicy.problem(with: "111111111111") != nil)
        #expect(PasswordPolicy.problem(with: "abababababab") != nil)
        #expect(PasswordPolicy.problem(with: "marie.dupont-2026", email: "marie.dupont@example.org") != nil)
        #expect(PasswordPolicy.problem(with: String(repeating: "é", count: 40)) != nil, "over 72 bytes")
        #expect(PasswordPolicy.problem(with: "plover-violin-harbour-7") == nil)
        #expect(PasswordPolicy.problem(with: "correct horse battery staple") == nil)
    }

    @Test func recoveryCodesAreRandomAndReadForgivingly() {
        let codes = RecoveryCode.generate(count: 10)
        #expect(Set(codes).count == 10)
        #expect(codes.allSatisfy { $0.count == 14 && $0.split(separator: "-").count == 3 })
        #expect(
            RecoveryCode.hash(codes[0])
                == RecoveryCode.hash(" " + codes[0].uppercased().replacingOccurrences(of: "-", with: " ")))
        #expect(RecoveryCode.hash(codes[0]) != RecoveryCode.hash(codes[1]))
    }

    @Test func rolesRoundTripAndSecondFactorRule() {
        #expect(Role.set(from: "editor,case-officer,bogus") == [.editor, .caseOfficer])
        #expect(Role.stored([.partner, .administrator]) == "administrator,partner")
        #expect(Role.allCases.filter(\.requiresSecondFactor) == [.administrator, .caseOfficer])
    }
}

@Suite struct AuditChainTests {
    static func chain(_ count: Int) -> [(AuditEntry, String)] {
        var previous = AuditChain.genesis
        return (1...count).map { n in
            let entry = AuditEntry(
                sequence: Int64(n), at: iso8601(seconds: Int64(1_700_000_000 + n)), actor: "a@example.org",
                action: "login.success", detail: "entry \(n)", previousHash: previous)
            previous = entry.hash
            return (entry, entry.hash)
        }
    }

    static func verify(_ entries: [(AuditEntry, String)], head: (Int64, String)?) -> AuditChain.Break? {
        var verifier = AuditChain.Verifier()
        for (entry, hash) in entries { verifier.check(entry, storedHash: hash) }
        return verifier.finish(expectedHead: head.map { (sequence: $0.0, hash: $0.1) })
    }

    @Test func intactChainVerifies() {
        let entries = Self.chain(5)
        #expect(Self.verify(entries, head: (5, entries[4].1)) == nil)
        #expect(Self.verify([], head: nil) == nil)
    }

    @Test func detectsAnEditedDeletedOrTruncatedTrail() {
        let entries = Self.chain(5)
        var edited = entries
        edited[2].0.detail = "nothing happened"
        #expect(Self.verify(edited, head: (5, entries[4].1)) == .altered(sequence: 3))
        var deleted = entries
        deleted.remove(at: 1)
        #expect(Self.verify(deleted, head: (5, entries[4].1)) == .unlinked(sequence: 3, after: 1))
        #expect(
            Self.verify(Array(entries.prefix(3)), head: (5, entries[4].1)) == .truncated(lastStored: 3, expected: 5))
        // Rewriting an entry and its hash still breaks the link from the next one.
        var forged = entries
        forged[1].0.actor = "someone-else@example.org"
        forged[1].1 = forged[1].0.hash
        #expect(Self.verify(forged, head: (5, entries[4].1)) == .unlinked(sequence: 3, after: 2))
    }

    @Test func timestampsAreUTCToTheSecond() {
        #expect(iso8601(seconds: 0) == "1970-01-01T00:00:00Z")
        #expect(iso8601(seconds: 1_795_466_460) == "2026-11-23T20:41:00Z")
    }
}
