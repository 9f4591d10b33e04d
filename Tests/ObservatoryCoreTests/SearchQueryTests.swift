import ObservatoryCore
import Testing

@Suite struct SearchQueryTests {
    @Test func wordsPrefixesAndPhrases() throws {
        let query = try SearchQuery("Torture* \"human  rights\" Défenseurs, l'ONU")
        #expect(query.terms.map(\.words) == [["torture"], ["human", "rights"], ["défenseurs"], ["l"], ["onu"]])
        #expect(query.terms.map(\.isPrefix) == [true, false, false, false, false])
        #expect(query.fts5 == "\"torture\"* \"human rights\" \"défenseurs\" \"l\" \"onu\"")
        #expect(query.tsquery == "'torture':* & ('human' <-> 'rights') & 'défenseurs' & 'l' & 'onu'")
    }

    @Test func engineSyntaxNeverPassesThrough() throws {
        for hostile in [
            "NEAR(a b)", "a OR b", "title:x", "-x", "^x", "x'y", "a & b | !c", "'a':*", "a <-> b", "\"unbalanced", "*",
            "()"
        ] {
            let query = try SearchQuery(hostile)
            for term in query.terms {
                #expect(term.words.allSatisfy { $0.allSatisfy { $0.isLetter || $0.isNumber } }, "\(hostile)")
            }
        }
        #expect(try SearchQuery("!!! ??? ***").isEmpty)
        #expect(throws: SearchQuery.Problem.tooLong(501)) { try SearchQuery(String(repeating: "a", count: 501)) }
        #expect(
            try SearchQuery(Array(repeating: "w", count: 40).joined(separator: " ")).terms.count
                == SearchQuery.maximumTerms)
    }

    @Test func arabicWordsKeepTheirMarks() throws {
        #expect(try SearchQuery("المُدافعين").terms.map(\.words) == [["المُدافعين"]])
    }

    @Test func snippetsAreEscapedAndMarksBalanced() {
        #expect(Snippet.html("a <b>\u{2}x\u{3} & \u{2}y").rendered == "a &lt;b&gt;<mark>x</mark> &amp; <mark>y</mark>")
        #expect(Snippet.html("\u{3}\u{3}z\u{2}\u{2}w\u{0}").rendered == "z<mark>w</mark>")
    }
}
