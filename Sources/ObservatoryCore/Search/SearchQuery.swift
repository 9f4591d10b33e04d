/// What a reader typed in the search box, reduced to terms both search engines understand the same way:
/// words (letters and digits of any script), `word*` prefixes and "quoted phrases". Every other character
/// separates words, so no input can reach an engine's query syntax.
public struct SearchQuery: Sendable, Equatable {
    public struct Term: Sendable, Equatable {
        /// Lower-cased words; more than one for a phrase.
        public var words: [String]
        public var isPrefix: Bool
    }

    public static let maximumLength = 500
    public static let maximumTerms = 16

    public let text: String
    public let terms: [Term]

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case tooLong(Int)
        public var description: String {
            switch self {
            case .tooLong(let n): "The search is \(n) characters long; use at most \(SearchQuery.maximumLength)."
            }
        }
    }

    public var isEmpty: Bool { terms.isEmpty }

    public init(_ text: String) throws {
        guard text.count <= Self.maximumLength else { throw Problem.tooLong(text.count) }
        self.text = text
        var terms: [Term] = []
        var inPhrase = false
        var phrase: [String] = []
        var word = ""
        func endWord(prefix: Bool = false) {
            guard !word.isEmpty else { return }
            if inPhrase { phrase.append(word) } else { terms.append(Term(words: [word], isPrefix: prefix)) }
            word = ""
        }
        for character in text {
            if character.isLetter || character.isNumber {
                word += character.lowercased()
            } else if character == "*" && !inPhrase && !word.isEmpty {
                endWord(prefix: true)
            } else if character == "\"" || character == "“" || character == "”" || character == "«" || character == "»"
            {
                endWord()
                if inPhrase, !phrase.isEmpty { terms.append(Term(words: phrase, isPrefix: false)) }
                inPhrase.toggle()
                phrase = []
            } else if character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .nonspacingMark }) {
                continue  // Arabic vowel marks and other combining marks belong to the word
            } else {
                endWord()
            }
        }
        endWord()
        if inPhrase, !phrase.isEmpty { terms.append(Term(words: phrase, isPrefix: false)) }
        self.terms = Array(terms.prefix(Self.maximumTerms))
    }

    /// SQLite FTS5: every term quoted (so nothing is an operator), prefixes with `*`, all required.
    public var fts5: String {
        terms.map { term in "\"" + term.words.joined(separator: " ") + "\"" + (term.isPrefix ? "*" : "") }.joined(
            separator: " ")
    }

    /// PostgreSQL `to_tsquery('simple', …)`: lexemes quoted, prefixes `:*`, phrases with `<->`, all required;
    /// `weights` ("A" for titles) restricts every lexeme to those parts of the document.
    public func tsquery(weights: String = "") -> String {
        terms.map { term in
            let lexemes = term.words.map { "'" + $0 + "'" + (weights.isEmpty ? "" : ":" + weights) }
            if term.words.count > 1 { return "(" + lexemes.joined(separator: " <-> ") + ")" }
            return term.isPrefix ? "'\(term.words[0])':*\(weights)" : lexemes[0]
        }.joined(separator: " & ")
    }

    public var tsquery: String { tsquery() }
}
