import Crypto
import Foundation
import ObservatoryCore
import PropertyBased
import Testing

/// The keyed chain against an attacker who can write the database but has not the key.
@Suite struct KeyedAuditChainTests {
    static let key = SymmetricKey(size: .bits256)

    static func chain(_ details: [String], key: SymmetricKey?) -> [(AuditEntry, String)] {
        var previous = AuditChain.genesis
        return details.enumerated().map { n, detail in
            let entry = AuditEntry(
                sequence: Int64(n + 1), at: iso8601(seconds: Int64(1_700_000_000 + n)),
                actor: "a@example.org",
                action: "case.update", recordType: "case", recordID: "case-\(n)", detail: detail,
                previousHash: previous)
            previous = entry.hash(key: key)
            return (entry, previous)
        }
    }

    /// What an attacker without the key does: recompute every hash from `from` on, with the function given.
    static func rechained(
        _ entries: [(AuditEntry, String)], from: Int,
        _ hash: (AuditEntry) -> String
    ) -> [(AuditEntry, String)] {
        var result = entries, previous = from == 0 ? AuditChain.genesis : entries[from - 1].1
        for n in from..<result.count {
            result[n].0.previousHash = previous
            previous = hash(result[n].0)
            result[n].1 = previous
        }
        return result
    }

    static func verify(
        _ entries: [(AuditEntry, String)], key: SymmetricKey?,
        anchor: Anchor? = nil
    ) -> AuditChain.Break? {
        var verifier = AuditChain.Verifier(key: key, anchor: anchor)
        for (entry, hash) in entries { verifier.check(entry, storedHash: hash) }
        return verifier.finish(expectedHead: entries.last.map { ($0.0.sequence, $0.1) })
    }

    @Test func aRewrittenEntryWithRecomputedHashesIsNamed() async {
        let other = SymmetricKey(size: .bits256)
        await propertyCheck(
            count: 200, input: Gen.latin1.string(of: 0...40).array(of: 2...30), Gen.int(in: 0...1_000),
            Gen.int(in: 0...3)
        ) { details, pick, field in
            let entries = Self.chain(details, key: Self.key)
            #expect(Self.verify(entries, key: Self.key) == nil)
            let victim = pick % entries.count
            var edited = entries
            switch field {
            case 0: edited[victim].0.detail += "x"
            case 1: edited[victim].0.actor = "someone-else@example.org"
            case 2: edited[victim].0.at = "2001-01-01T00:00:00Z"
            default: edited[victim].0.action = "nothing"
            }
            // The unkeyed SHA-256 an attacker can compute, the HMAC under a key of their own: both are named.
            let plain = Self.rechained(edited, from: victim) { $0.hash }
            let otherKey = Self.rechained(edited, from: victim) { $0.hash(key: other) }
            for forged in [plain, otherKey] {
                #expect(Self.verify(forged, key: Self.key) == .altered(sequence: Int64(victim + 1)))
            }
        }
    }

    @Test func theLegacyChainStillVerifiesWithoutAKeyButNotWithOne() {
        let legacy = Self.chain(["one", "two", "three"], key: nil)
        #expect(Self.verify(legacy, key: nil) == nil)
        #expect(Self.verify(legacy, key: Self.key) == .altered(sequence: 1))
    }

    @Test func anAnchorCatchesTruncationAndRewriting() async {
        await propertyCheck(count: 100, input: Gen.int(in: 2...40), Gen.int(in: 0...1_000)) { count, pick in
            let entries = Self.chain((0..<count).map { "entry \($0)" }, key: Self.key)
            let at = pick % count
            let anchor = Anchor(sequence: Int64(at + 1), hash: entries[at].1)
            #expect(Self.verify(entries, key: Self.key, anchor: anchor) == nil)
            // Cut at or before the anchor: the head moves back, every remaining link is valid, the anchor is missing.
            let cut = Array(entries.prefix(at))
            #expect(
                Self.verify(cut, key: Self.key, anchor: anchor)
                    == .truncated(
                        lastStored: cut.last?.0.sequence,
                        expected: anchor.sequence))
            // The anchored entry deleted (later ones kept).
            var holed = entries
            holed.remove(at: at)
            let expected: AuditChain.Break =
                at == count - 1
                ? .truncated(
                    lastStored: holed.last?.0.sequence,
                    expected: anchor.sequence)
                : .anchorMissing(sequence: anchor.sequence)
            #expect(Self.verify(holed, key: Self.key, anchor: anchor) == expected)
            // Rewritten by someone with the key: the chain verifies, the anchor does not.
            var rewritten = entries
            rewritten[at].0.detail = "rewritten"
            rewritten = Self.rechained(rewritten, from: at) { $0.hash(key: Self.key) }
            #expect(Self.verify(rewritten, key: Self.key) == nil)
            #expect(Self.verify(rewritten, key: Self.key, anchor: anchor) == .anchorMismatch(sequence: anchor.sequence))
        }
    }

    @Test func anchorsAreReadStrictly() {
        let hash = String(repeating: "ab", count: 32)
        #expect(Anchor("12:\(hash)") == Anchor(sequence: 12, hash: hash))
        for bad in [
            "", "12", "12:", ":\(hash)", "0:\(hash)", "-1:\(hash)", "12:\(hash.uppercased())", "12:\(hash)0",
            "x:\(hash)",
            "12:\(hash.dropLast())g", "12:\(hash):1"
        ] {
            #expect(Anchor(bad) == nil, "\(bad)")
        }
    }
}
