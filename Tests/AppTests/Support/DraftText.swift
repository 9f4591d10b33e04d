import ObservatoryCore

@testable import App

extension InterventionStore.Draft {
    /// A draft typed in a test: the text given as plain strings, held `Confidential` like the form's.
    init(
        kind: InterventionKind, language: Language, followUpOf: String?, translationOf: String?, title: String,
        summary: String, body: String
    ) {
        self.init(
            kind: kind, language: language, followUpOf: followUpOf, translationOf: translationOf,
            title: Confidential(title), summary: Confidential(summary), body: Confidential(body))
    }
}
