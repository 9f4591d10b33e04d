import PropertyBased
import Testing

@testable import ObservatoryCore

/// PostgreSQL's lexemes answer FTS5's questions: a phrase of up to three tokens of one column is one lexeme of
/// the document, a phrase across two columns is none, and no reader's prefix reaches a marked lexeme.
@Suite struct SearchLexemesTests {
    static func lexemes(_ document: String) -> Set<String> {
        // 'lexeme' or 'lexeme':1,2 separated by spaces; quotes inside are doubled.
        var result: Set<String> = [], current = "", inQuote = false, previousQuote = false
        for character in document {
            if character == "'" {
                if inQuote { inQuote = false; previousQuote = true; continue }
                if previousQuote { current.append("'"); inQuote = true; previousQuote = false; continue }
                inQuote = true; continue
            }
            if previousQuote { result.insert(current); current = ""; previousQuote = false }
            if inQuote { current.append(character) }
        }
        if previousQuote { result.insert(current) }
        return result
    }

    @Test func documentsAndQueriesSpellTheSameLexemes() {
        let document = SearchLexemes.document(
            title: ["human", "rights"], summary: ["defenders", "at", "risk"],
            body: ["a", "b", "c", "d"], facets: ["xxftypestatement"])
        let all = Self.lexemes(document)
        #expect(
            all.isSuperset(of: [
                "human", "^human", "|human rights", "^|human rights", "~|defenders at risk",
                "#xxftypestatement"
            ]))
        #expect(!all.contains("|rights defenders"), "no phrase across the title and the summary")
        #expect(!all.contains("^a") && !all.contains("#human"), "marks name the column")
        #expect(
            document.contains("'|a b c':8") && document.contains("'|b c d':9"),
            "triples keep positions, one left out per column")
        #expect(
            SearchLexemes.query(.init(tokens: ["human", "rights"], isPrefix: false), in: .title)
                == "'^|human rights'")
        #expect(SearchLexemes.query(.init(tokens: ["tortur"], isPrefix: true), in: .anywhere) == "'tortur':*")
        #expect(
            SearchLexemes.query(.init(tokens: ["a", "b", "c", "d"], isPrefix: true), in: .anywhere)
                == "('|a b c' <-> '|b c d':*)")
        #expect(SearchLexemes.query(.init(tokens: [], isPrefix: false), in: .anywhere) == nil)
        #expect(SearchLexemes.all([.init(tokens: [], isPrefix: false)], in: .summary) == nil)
        #expect(SearchLexemes.quoted("it's \\ x") == "'it''s \\\\ x'")
    }

    @Test func everyShortRunOfAColumnIsALexemeAndNoneCrossesColumns() async {
        let tokens = ["a", "b", "ça", "مدافع", "x'y"]
        let token = Gen.int(in: 0...4).map { tokens[$0] }
        let column = token.array(of: 0...12)
        await propertyCheck(count: 300, input: column, column, Gen.int(in: 0...11), Gen.int(in: 1...3)) {
            title, body, start, length in
            let all = Self.lexemes(SearchLexemes.document(title: title, summary: [], body: body, facets: []))
            if start + length <= title.count {
                let run = Array(title[start..<(start + length)])
                for scope in [SearchLexemes.Scope.anywhere, .title] {
                    let query = SearchLexemes.query(.init(tokens: run, isPrefix: false), in: scope)!
                    #expect(all.contains(Self.lexemes(query).first!), "\(run) in \(scope)")
                }
            }
            if let last = title.last, let first = body.first, !title.isEmpty {
                let across = SearchLexemes.query(.init(tokens: [last, first], isPrefix: false), in: .anywhere)!
                let inOne = (title + [""] + body).indices.dropLast().contains { i in
                    let joined = title + ["\u{0}"] + body
                    return joined[i] == last && joined[i + 1] == first
                }
                #expect(all.contains(Self.lexemes(across).first!) == inOne, "\(title) | \(body)")
            }
            #expect(
                all.allSatisfy { lexeme in
                    !["^", "~", "#", "|"].contains(where: { lexeme.hasPrefix($0) }) || lexeme.count > 1
                })
        }
    }
}
