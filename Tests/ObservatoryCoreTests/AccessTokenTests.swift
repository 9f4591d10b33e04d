import Foundation
import ObservatoryCore
import PropertyBased
import Testing

@Suite struct AccessTokenTests {
    @Test func tokensAreRandomRecognisableAndHashed() {
        var seen: Set<String> = []
        for _ in 0..<500 {
            let (token, hash) = AccessToken.make()
            #expect(token.hasPrefix("obs_pat_") && token.count == AccessToken.length && AccessToken.isWellFormed(token))
            #expect(hash == AccessToken.hash(token) && hash.count == 64 && !hash.contains(token.dropFirst(8)))
            #expect(seen.insert(token).inserted)
            #expect(AccessToken.bearer("Bearer \(token)") == .success(token))
            #expect(AccessToken.bearer("bearer  \(token)") == .success(token))
        }
        let token = AccessToken.make().token
        for bad in ["Basic \(token)", token, "Bearer", "Bearer \(token) extra", "Token \(token)"] {
            #expect(AccessToken.bearer(bad) == .failure(.notBearer), "\(bad)")
        }
        for bad in [
            String(token.dropLast()), token + "x", token.replacingOccurrences(of: "obs_pat_", with: "obs_pot_"),
            String(token.dropLast()) + "!", String(token.dropLast()) + "é"
        ] {
            #expect(!AccessToken.isWellFormed(bad) && AccessToken.bearer("Bearer \(bad)") == .failure(.malformed))
        }
    }

    @Test func everyTokenExpiresWithinAYear() {
        #expect(AccessToken.lifetimes.allSatisfy { AccessToken.expiry(days: $0, from: 0) != nil })
        #expect(AccessToken.expiry(days: 0, from: 0) == nil && AccessToken.expiry(days: -1, from: 0) == nil)
        #expect(AccessToken.expiry(days: 367, from: 0) == nil && AccessToken.expiry(days: Int.max, from: 0) == nil)
        #expect(AccessToken.expiry(days: 30, from: 1_000) == Int64(1_000 + 30 * 86_400))
    }

    @Test func names() {
        #expect(AccessToken.nameProblem("newsroom importer") == nil)
        #expect(AccessToken.nameProblem("  ") != nil)
        #expect(AccessToken.nameProblem(String(repeating: "a", count: 81)) != nil)
        #expect(AccessToken.nameProblem("a\u{0}b") != nil && AccessToken.nameProblem("a\u{202E}b") != nil)
    }

    @Test func scopesRoundTrip() {
        let all = Set(AccessToken.Scope.allCases)
        #expect(AccessToken.Scope.set(from: AccessToken.Scope.stored(all)) == all)
        #expect(AccessToken.Scope.set(from: "publications:write admin:all") == [.publicationsWrite])
    }

    @Test func cursorsRoundTripAndRefuseAnythingElse() async {
        let ids = Gen.letterOrNumber.string(of: 1...40)
        await propertyCheck(count: 500, input: Gen.int(in: 0...80_000), ids) { day, id in
            let cursor = PageCursor(date: CivilDate(daysSinceEpoch: day), id: id)
            #expect(PageCursor(cursor.encoded) == cursor)
        }
        let good = PageCursor(date: CivilDate("2026-11-20")!, id: "obs-abc").encoded
        await propertyCheck(count: 1_000, input: Gen.letterOrNumber.string(of: 0...60)) { text in
            if let cursor = PageCursor(text) { #expect(cursor.encoded == text, "only what the server makes") }
        }
        for bad in [
            "", "v1.", "v2." + good.dropFirst(3), good + "=", good + "A",
            "v1."
                + Data("2026-13-01|x".utf8)
                .base64EncodedString(), "v1." + Data("2026-11-20|".utf8).base64EncodedString(),
            "v1." + Data("2026-11-20|a b".utf8).base64EncodedString(), String(repeating: "v1.A", count: 100)
        ] {
            #expect(PageCursor(bad) == nil, "\(bad)")
        }
    }
}
