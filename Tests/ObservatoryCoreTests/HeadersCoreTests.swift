import Crypto
import Foundation
import ObservatoryCore
import PropertyBased
import Testing

/// Pieces an attacker puts in a redirect target or a header: slashes and backslashes, controls a browser drops,
/// their percent-encoded forms (once and twice), schemes, hosts, non-ASCII look-alikes.
let hostileFragments: [String] = [
    "/", "//", "\\", "/\\", "\\/", "\t", "\r", "\n", "\r\n", "\u{0}", "\u{7F}", "\u{85}", "\u{1B}", "\u{0B}", "\u{0C}",
    "%09", "%0a", "%0D", "%0d%0a", "%00", "%2f", "%2F", "%5c", "%5C", "%252f", "%25", "%", "%zz", "%c0%af", "%E2%80%A8",
    "evil.example", "@evil.example", "http:", "https://evil.example", "javascript:alert(1)", "//evil.example", ":",
    ".", "..", "?", "#", "&", "=", "to=", " ", "é", "／", "＼", "\u{2028}", "\u{FEFF}", "Set-Cookie: a=b", "x",
    "publications", "fr", "search?q=a"
]

/// Generated hostile strings: up to ten fragments, or the same after a leading slash (which passes naive checks).
let hostileStrings = Gen<String?>.element(of: hostileFragments).map { $0! }.array(of: 0...10)
    .map { parts in parts.joined() }
let hostilePaths = Gen<String?>.element(of: hostileFragments).map { $0! }.array(of: 0...10)
    .map { parts in "/" + parts.joined() }

/// How a browser reads a `Location` on this site (WHATWG URL): leading and trailing controls and spaces trimmed,
/// tabs and newlines removed, backslashes read as slashes. Whether that leaves this site (a scheme or `//host`).
func browserLeavesSite(_ location: String) -> Bool {
    var text = String(location.unicodeScalars.drop { $0.value <= 0x20 })
    while let last = text.unicodeScalars.last, last.value <= 0x20 { text.unicodeScalars.removeLast() }
    text = String(text.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" })
    text = text.replacingOccurrences(of: "\\", with: "/")
    if text.hasPrefix("//") { return true }
    let scheme = text.prefix { $0 != ":" && $0 != "/" && $0 != "?" && $0 != "#" }
    return text.dropFirst(scheme.count).hasPrefix(":") && !scheme.isEmpty
}

@Suite struct RedirectTargetTests {
    @Test func sameSitePathsAreKeptAsTheyAre() {
        for path in [
            "/", "/fr/publications?type=statement&page=2", "/search?q=caf%C3%A9",
            "/office/cases/c-1?notice=saved",
            "/countries/mx#map", "/a/b/../c"
        ] {
            #expect(RedirectTarget.sameSite(path) == path, "\(path)")
        }
    }

    @Test func everyKnownWayToAnotherSiteIsRefused() {
        let refused = [
            "", "evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
            "\t//evil.example", "/\r\n/evil.example", "/\n/evil.example", "https://evil.example",
            "javascript:alert(1)", "/%09/evil.example", "/%2F/evil.example", "/%2f%2fevil.example",
            "/%5Cevil.example", "/%252F/evil.example",
            "/%25252F/evil.example", "/\r\nSet-Cookie: a=b", "/%0d%0aSet-Cookie:%20a=b", "/x\\y", "/\u{0}",
            "/a\u{85}b", String(repeating: "/a", count: 1_001)
        ]
        for target in refused {
            #expect(RedirectTarget.sameSite(target) == nil, "\(target.debugDescription)")
            #expect(RedirectTarget.sameSite(target, fallback: "/office") == "/office")
        }
    }

    @Test func nonASCIIIsPercentEncodedSoTheHeaderIsPlainASCII() {
        #expect(RedirectTarget.sameSite("/search?q=café") == "/search?q=caf%C3%A9")
        #expect(RedirectTarget.sameSite("/a b") == "/a%20b")
        #expect(RedirectTarget.sameSite("/／evil.example") == "/%EF%BC%8Fevil.example")
    }

    @Test func anUnsafeFallbackFallsBackToTheHomePage() {
        #expect(RedirectTarget.sameSite("//evil.example", fallback: "//evil.example") == "/")
    }

    /// Whatever is typed: either refused, or a path on this site that no browser reading, and no decoding, turns
    /// into another site; plain ASCII with no control character.
    @Test func generatedHostileTargetsNeverLeaveTheSite() async {
        await propertyCheck(count: 2_000, input: Gen.oneOf(hostileStrings, hostilePaths)) { raw in
            guard let location = RedirectTarget.sameSite(raw) else { return }
            #expect(location.hasPrefix("/"))
            #expect(location.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }, "\(location)")
            var decoded = location
            for _ in 0..<5 {
                #expect(!browserLeavesSite(decoded), "\(raw.debugDescription) → \(location) → \(decoded)")
                decoded = decoded.removingPercentEncoding ?? decoded
            }
        }
    }
}

@Suite struct HeaderAndXMLTextTests {
    @Test func controlCharactersAreFoundWhereverTheyAre() {
        for text in ["a\rb", "\n", "x\t", "\u{0}", "\u{7F}", "\u{9F}", "ok\u{1B}[2J"] {
            #expect(HeaderText.hasControl(text))
        }
        for text in ["", "text/html; charset=utf-8", "/fr/search?q=caf%C3%A9", "attachment; filename=\"a.pdf\"", "é"] {
            #expect(!HeaderText.hasControl(text))
        }
    }

    @Test func xmlCleaningKeepsAllowedTextAndDropsTheRest() async {
        #expect(XMLText.clean("a\u{1}b\u{0}c\u{FFFE}d\u{FFFF}e\u{7F}\u{85}") == "abcde")
        #expect(XMLText.clean("tab\tnew\nline\r ok é 日本 😀") == "tab\tnew\nline\r ok é 日本 😀")
        let anyScalar = Gen<UInt32>.value(in: 0...0x10FFFF).map { Unicode.Scalar($0) ?? "?" }
        await propertyCheck(count: 500, input: anyScalar.array(of: 0...40)) { scalars in
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            let cleaned = XMLText.clean(String(text))
            #expect(cleaned.unicodeScalars.allSatisfy(XMLText.isAllowed))
            #expect(cleaned.unicodeScalars.count == scalars.filter(XMLText.isAllowed).count, "nothing allowed is lost")
        }
    }
}

@Suite struct PreSessionTokenTests {
    @Test func aPlantedCookieNeverMatchesItsOwnValue() async {
        let key = SymmetricKey(size: .bits256), other = SymmetricKey(size: .bits256)
        await propertyCheck(count: 300, input: Gen.letterOrNumber.string(of: 32...99)) { cookie in
            let field = PreSessionToken.field(for: cookie, key: key)
            #expect(PreSessionToken.matches(field: field, cookie: cookie, key: key))
            #expect(!PreSessionToken.matches(field: cookie, cookie: cookie, key: key), "the double-submit attack")
            #expect(!PreSessionToken.matches(field: field, cookie: cookie, key: other), "another site's key")
            #expect(!PreSessionToken.matches(field: field, cookie: cookie + "x", key: key))
            #expect(!PreSessionToken.matches(field: String(field.dropLast()), cookie: cookie, key: key))
        }
    }
}

@Suite struct ClientSourceTests {
    @Test func anIPv6AddressCountsAsItsSlash64AndIPv4AsItself() {
        let network = "2001:db8:0:1::/64"
        for address in [
            "2001:db8:0:1::1", "2001:DB8:0:1:ffff:1:2:3", "[2001:db8:0:1::5]", "2001:db8:0:1::7%eth0",
            "2001:0db8:0000:0001:0000:0000:0000:0009"
        ] {
            #expect(ClientSource.network(of: address) == network, "\(address)")
        }
        #expect(ClientSource.network(of: "2001:db8:0:2::1") != network)
        #expect(ClientSource.network(of: "::1") == "0:0:0:0::/64")
        #expect(ClientSource.network(of: "203.0.113.7") == "203.0.113.7")
        #expect(ClientSource.network(of: "::ffff:203.0.113.7") == "203.0.113.7")
        #expect(ClientSource.network(of: "unknown") == "unknown")
        #expect(ClientSource.network(of: "1:2:3") == "1:2:3", "not an address: counted as typed")
    }
}
