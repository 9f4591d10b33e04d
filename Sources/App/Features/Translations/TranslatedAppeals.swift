import Fluent
import ObservatoryCore

extension TakeActionView {
    /// The published version of appeal `p` in the reader's language when `p` is in another one (its translation,
    /// or the original a translation was made from): the letter then quotes the title the reader reads.
    static func inReadersLanguage(_ p: PublicationDetail, on db: any Database) async throws -> PublicationSummary? {
        let reader = Translations.current.language.rawValue
        guard p.summary.language != reader else { return nil }
        return try await PublicationQueries.translations(of: p, on: db).first { $0.language == reader }
    }
}

extension PublicationQueries {
    /// The follow-up chain as a publication's page shows it. A translation shows its original's whole chain, each
    /// step in the translation's language when it is translated, the translation itself in the original's place.
    static func followUpChain(
        seenFrom publication: PublicationDetail, on db: any Database
    )
        async throws -> [PublicationSummary]
    {
        guard let originalID = publication.translationOf,
            let original = try await find(id: originalID, on: db)
        else {
            return try await followUpChain(of: publication, on: db)
        }
        let chain = try await followUpChain(of: original, on: db)
        guard !chain.isEmpty, let language = Language(rawValue: publication.summary.language) else { return chain }
        let translated = try await translations(of: chain.map(\.id), into: language, on: db)
        return chain.map { $0.id == original.id ? publication.summary : translated[$0.id] ?? $0 }
    }
}
