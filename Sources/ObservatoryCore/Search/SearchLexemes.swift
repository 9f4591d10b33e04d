/// How PostgreSQL's search index answers exactly what SQLite FTS5 answers, each question by one GIN lookup.
///
/// Both engines read the same tokens: FTS5's own tokenizer (unicode61, diacritics removed) cuts every text, on
/// PostgreSQL too, so a word, an accent or an Arabic letter is a token on one engine exactly when it is on the
/// other. A publication's `tsvector` then holds, per token:
/// - the token (found anywhere), and the token marked by its column: `^` title, `~` summary, `#` facets;
/// - every pair and triple of adjacent tokens of one column (`|a b`, `|a b c`, and `^|…`, `~|…` for the title and
///   summary), so a phrase of up to three words is one lexeme, matched without reading the row (GIN needs no
///   recheck); a longer phrase chains its triples with `<->`, on positions that skip one between columns.
/// The markers are separators for FTS5, so no token a reader's search is made of can start with one: a prefix
/// `ab*` (`'ab':*`) only ever reaches plain tokens.
public enum SearchLexemes {
    /// Where a term must be found.
    public enum Scope: String, Sendable, CaseIterable {
        case anywhere = "", title = "^", summary = "~", facets = "#"
    }

    /// A search term as FTS5 reads it: the tokens of a word or a phrase, the last one a prefix or not.
    public struct Term: Sendable, Equatable {
        public var tokens: [String]
        public var isPrefix: Bool
        public init(tokens: [String], isPrefix: Bool) { self.tokens = tokens; self.isPrefix = isPrefix }
    }

    static let gram = "|"
    /// PostgreSQL keeps positions up to 16,383 and 256 of them per lexeme.
    public static let maximumPosition = 16_383
    static let maximumPositions = 256

    /// The `tsvector` literal of one publication, from the FTS5 tokens of its four columns.
    public static func document(title: [String], summary: [String], body: [String], facets: [String]) -> String {
        var lexemes: [String: [Int]] = [:]
        func add(_ lexeme: String, at position: Int? = nil) {
            if let position {
                lexemes[lexeme, default: []].append(position)
            } else if lexemes[lexeme] == nil {
                lexemes[lexeme] = []
            }
        }
        var base = 0
        let columns: [([String], words: [String], grams: [String])] = [
            (title, ["", Scope.title.rawValue], ["", Scope.title.rawValue]),
            (summary, ["", Scope.summary.rawValue], ["", Scope.summary.rawValue]),
            (body, [""], [""]),
            (facets, ["", Scope.facets.rawValue], [""])
        ]
        for (tokens, words, grams) in columns {
            for (i, token) in tokens.enumerated() {
                for marker in words { add(marker + token) }
                guard i + 1 < tokens.count else { continue }
                for marker in grams {
                    add(marker + gram + token + " " + tokens[i + 1])
                    if i + 2 < tokens.count {
                        add(
                            marker + gram + tokens[i...(i + 2)].joined(separator: " "),
                            at: min(base + i + 1, maximumPosition))
                    }
                }
            }
            base += tokens.count + 1  // a position left out between columns: no phrase runs across two
        }
        return lexemes.keys.sorted().map { lexeme in
            let positions = Array(Set(lexemes[lexeme]!)).sorted().prefix(maximumPositions)
            return quoted(lexeme) + (positions.isEmpty ? "" : ":" + positions.map(String.init).joined(separator: ","))
        }.joined(separator: " ")
    }

    /// One term as a `tsquery` literal, or nil when it has no token (FTS5 leaves such a term out).
    public static func query(_ term: Term, in scope: Scope) -> String? {
        let tokens = term.tokens, marker = scope.rawValue, star = term.isPrefix ? ":*" : ""
        switch tokens.count {
        case 0: return nil
        case 1: return quoted(marker + tokens[0]) + star
        case 2, 3: return quoted(marker + gram + tokens.joined(separator: " ")) + star
        default:
            let triples = (0...(tokens.count - 3)).map {
                quoted(marker + gram + tokens[$0...($0 + 2)].joined(separator: " "))
            }
            return "(" + triples.joined(separator: " <-> ") + star + ")"
        }
    }

    /// Every term, in `scope`; nil when no term has a token.
    public static func all(_ terms: [Term], in scope: Scope) -> String? {
        let parts = terms.compactMap { query($0, in: scope) }
        return parts.isEmpty ? nil : "(" + parts.joined(separator: " & ") + ")"
    }

    /// A lexeme quoted for `tsvector` and `tsquery` input (FTS5 tokens hold neither quote nor backslash, but
    /// nothing here relies on it).
    static func quoted(_ lexeme: String) -> String {
        "'" + lexeme.flatMap { $0 == "\\" ? "\\\\" : $0 == "'" ? "''" : String($0) } + "'"
    }
}
