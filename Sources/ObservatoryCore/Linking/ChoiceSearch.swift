import Foundation

/// Finding records to link by what people know of them (a name, a reference code, a title, a country) rather than by
/// internal ids: every word of the query must appear, ignoring case and accents, in one of the record's texts.
public enum ChoiceSearch {
    /// At most this many choices are offered at once: a longer list is narrowed by searching.
    public static let limit = 30
    /// A query is read up to this many characters.
    public static let maxQueryLength = 100

    /// Lower case, no accents, no control or invisible characters: how both queries and records are compared.
    public static func fold(_ text: String) -> String {
        let visible = text.unicodeScalars.filter {
            !$0.properties.isDefaultIgnorableCodePoint && !CharacterSet.controlCharacters.contains($0)
        }
        return String(String.UnicodeScalarView(visible))
            .folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }

    /// The words of a query as typed: at most `maxQueryLength` characters, folded.
    public static func words(_ query: String) -> [String] {
        fold(String(query.prefix(maxQueryLength)))
            .split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == ";" }).map(String.init)
    }

    /// Whether a record with these texts matches the query; an empty query matches every record.
    public static func matches(_ query: String, _ texts: [String]) -> Bool {
        let words = Self.words(query)
        guard !words.isEmpty else { return true }
        let haystack = texts.map(fold)
        return words.allSatisfy { word in haystack.contains { $0.contains(word) } }
    }

    /// The records matching the query, in the given order, at most `limit`; `more` when some were left out.
    public static func filter<T>(_ records: [T], query: String, texts: (T) -> [String]) -> (found: [T], more: Bool) {
        let found = records.filter { matches(query, texts($0)) }
        return (Array(found.prefix(limit)), found.count > limit)
    }
}
