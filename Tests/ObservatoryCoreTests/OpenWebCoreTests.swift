import Foundation
import PropertyBased
import Testing

@testable import ObservatoryCore

/// Fragments a hostile title or summary is made of: CSV structure, formula starts, script-closing markup.
let openWebFragments = [
    "=", "+", "-", "@", "\t", "\r", "\n", "\r\n", ",", "\"", "'", ";", "=HYPERLINK(\"http://x\")",
    "=1+2",
    "@SUM(A1)", "-2+3", "</script>", "</SCRIPT >", "<!--", "<script>", "-->", "]]>", "&", "&amp;",
    "<", ">",
    "\u{2028}", "\u{2029}", "\\", "\\u003c", "é", "ع", "\u{0}", "\u{FEFF}", "title", " ", "💥"
]
let openWebText = Gen<String?>.element(of: openWebFragments).map { $0! }.array(of: 0...12).map { $0.joined() }

@Suite struct CSVTextTests {
    @Test func formulaStartsArePrefixedAndStructureIsQuoted() {
        for start in ["=", "+", "-", "@", "\t", "\r"] {
            #expect(
                CSVText.field(start + "1").hasPrefix("'") || CSVText.field(start + "1").hasPrefix("\"'"),
                "\(start.debugDescription)")
        }
        #expect(CSVText.field("=SUM(A1)") == "'=SUM(A1)")
        #expect(CSVText.field("a,b") == "\"a,b\"")
        #expect(CSVText.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVText.field("line\nbreak") == "\"line\nbreak\"")
        #expect(CSVText.field("-3", number: true) == "-3")
        #expect(CSVText.field("plain") == "plain")
        #expect(CSVText.row(["a", "b"]) == "a,b\r\n")
    }

    /// Any text survives a round trip through a CSV reader as itself (after the formula guard), never starts a
    /// formula, and never adds or loses a cell or a row.
    @Test func generatedCellsRoundTripAndNeverStartAFormula() async {
        await propertyCheck(count: 500, input: openWebText.array(of: 1...6).array(of: 1...5)) { rows in
            let text = CSVText.byteOrderMark + rows.map(CSVText.row).joined()
            let parsed = CSVText.parse(text)
            #expect(parsed.count == rows.count)
            for (got, want) in zip(parsed, rows) {
                #expect(got.count == want.count)
                for (cell, original) in zip(got, want) {
                    let guarded =
                        original.unicodeScalars.first.map { CSVText.formulaStarts.contains($0) } == true
                        ? "'" + original : original
                    #expect(cell == guarded)
                    #expect(cell.unicodeScalars.first.map { CSVText.formulaStarts.contains($0) } != true)
                }
            }
        }
    }
}

@Suite struct ScriptSafeJSONTests {
    /// Whatever the text, the JSON holds no `<`, `>`, `&`, U+2028 or U+2029 (so it cannot close a script element or
    /// open a comment), and parses back to the same text.
    @Test func generatedTextCannotCloseTheScriptAndParsesBack() async throws {
        await propertyCheck(count: 1_000, input: openWebText) { text in
            let json = try ScriptSafeJSON.encode(["headline": text])
            for forbidden in ["<", ">", "&", "\u{2028}", "\u{2029}"] { #expect(!json.contains(forbidden)) }
            #expect(!json.lowercased().contains("</script"))
            let back = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String]
            #expect(back?["headline"] == text)
        }
    }

    @Test func schemaTypesOfThePublicationTypes() {
        #expect(SchemaOrgType(.statement) == .newsArticle)
        #expect(SchemaOrgType(.urgentIntervention) == .newsArticle)
        #expect(SchemaOrgType(.news) == .newsArticle)
        #expect(SchemaOrgType(.report) == .report)
        #expect(SchemaOrgType(.event) == .event)
        #expect(SchemaOrgType(.link) == nil)
    }
}

@Suite struct OnionAddressTests {
    static let valid = String(String(repeating: "abcdefgh234567", count: 4).dropLast()) + "d"

    @Test func acceptsAVersion3AddressAndKeepsPathAndQuery() throws {
        #expect(Self.valid.count == 56)
        let onion = try OnionAddress("http://\(Self.valid).onion")
        #expect(onion.origin == "http://\(Self.valid).onion")
        #expect(try OnionAddress("HTTP://\(Self.valid.uppercased()).ONION/").origin == onion.origin)
        #expect(
            onion.location(pathAndQuery: "/fr/publications?type=report")
                == "http://\(Self.valid).onion/fr/publications?type=report")
    }

    @Test func refusesEverythingElseSayingWhy() {
        let v = Self.valid
        let cases: [(String, OnionAddress.Invalid)] = [
            ("https://\(v).onion", .scheme), ("\(v).onion", .scheme), ("http://\(v).com", .scheme),
            ("http://\(v.dropLast()).onion", .length(55)), ("http://\(v)a.onion", .length(57)),
            ("http://\(v.dropLast(2))1d.onion", .alphabet("1")), ("http://\(v.dropLast())a.onion", .version),
            ("http://\(v).onion/path", .trailing), ("http://\(v).onion.evil.example", .trailing),
            ("http://\(v).onion?x=1", .trailing), ("http://user@\(v).onion", .length(61)),
            (
                "http://.onion",
                .length(0)
            )
        ]
        for (text, problem) in cases {
            #expect(throws: problem, "\(text)") { try OnionAddress(text) }
        }
    }

    /// Any text that is not exactly such an address is refused (never half-accepted).
    @Test func generatedNearMissesAreRefused() async {
        let chars = Gen<Character?>.element(of: Array("abcdefghijklmnopqrstuvwxyz234567ABC189./:?#@ d")).map { $0! }
        await propertyCheck(count: 1_000, input: chars.string(of: 50...62)) { label in
            let text = "http://" + label + ".onion"
            let lower = label.lowercased()
            let shouldPass =
                lower.count == 56
                && lower.allSatisfy { ("a"..."z").contains($0) || ("2"..."7").contains($0) } && lower.last == "d"
            #expect(((try? OnionAddress(text)) != nil) == shouldPass, "\(text)")
        }
    }
}
