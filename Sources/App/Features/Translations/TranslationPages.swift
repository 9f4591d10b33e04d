import ObservatoryCore

extension CaseFile {
    /// The redactor for an intervention's public version: in its language, and strict for a translation or an
    /// original drafted in another language than English (a person it names without a description in that language
    /// is refused at approval, never described in English).
    func redactor(for i: Intervention) -> Redactor {
        redactor(in: i.language, strict: TranslationPages.needsOwnDescriptions(i))
    }
}

/// The office's parts of the translation workflow: the original beside the translation, what a translation still
/// needs, the languages each intervention exists in, and each person's descriptions in the other languages.
enum TranslationPages {
    /// Whether `i` describes people in its own language only: a translation, or an original written in French,
    /// Spanish or Arabic (the case file's description is the English one).
    static func needsOwnDescriptions(_ i: Intervention) -> Bool { i.translationOf != nil || i.language != .en }

    /// What keeps intervention `i` from approval: for a translation or an original not in English, a person without
    /// a description in its language; for every text, a name not written in its script (an Arabic original about a
    /// defender whose name the case file writes in Latin letters).
    static func problems(_ i: Intervention, file: CaseFile, redactor: Redactor) -> [TranslationCheck.Problem] {
        guard needsOwnDescriptions(i) else {
            return TranslationCheck.spellingProblems(language: i.language, people: PersonLanguages.checked(file))
        }
        let text = [i.title, i.summary, i.body].map { $0.reveal() }.joined(separator: "\n")
        return TranslationCheck.problems(
            language: i.language, text: text, redactor: redactor,
            people: PersonLanguages.checked(file))
    }

    /// The notice on a translation's page listing what it still needs, with the way to the case page.
    static func notice(_ i: Intervention, file: CaseFile, redactor: Redactor) -> HTML {
        guard i.status == .draft else { return .empty }
        let found = problems(i, file: file, redactor: redactor)
        guard !found.isEmpty else { return .empty }
        let items: [HTML] = found.map { "<li>\($0.description)</li>" }
        return """
            <div class="notice error" id="translation-problems" role="alert"><p>\(t("translation.not-yet"))
            (<a href="\(OfficeRoute.caseFile(id: file.id).path)#people">\(t("translation.case-page"))</a>):</p>
            <ul>\(items.joined())</ul></div>
            """
    }

    /// The translation's fields beside the original's text (the original above them on a narrow screen), or the
    /// fields alone when there is no original. Office only: the original is the internal text.
    static func beside(_ original: Intervention?, _ fields: HTML) -> HTML {
        guard let original else { return fields }
        let lang = original.language
        let summary: HTML =
            original.summary.isEmpty
            ? .empty
            : "<p class=\"summary\">\(original.summary.reveal())</p>"
        return """
            <div class="translation-pair"><section class="original" aria-labelledby="original-heading"
            lang="\(lang.rawValue)" dir="\(lang.isRightToLeft ? "rtl" : "ltr")" id="original">
            <h2 id="original-heading">\(t("casefile.original")) (\(lang.endonym))</h2>
            <p class="original-title"><strong><bdi>\(original.title.reveal())</bdi></strong></p>\(summary)
            <pre class="original-text">\(original.body.reveal())</pre></section>
            <div class="translation">\(fields)</div></div>
            """
    }

    /// For each original and follow-up of the case: the languages it exists in (with their status) and those
    /// still missing, each with a link.
    static func languages(_ c: CaseFile) -> HTML {
        let originals = c.interventions.filter { $0.translationOf == nil }
        guard !originals.isEmpty else { return .empty }
        let rows: [HTML] = originals.map { o in
            var cells: [HTML] = []
            for language in Language.allCases {
                let code = language.rawValue.uppercased()
                let found =
                    language.rawValue == o.language
                    ? o
                    : c.interventions.first { $0.translationOf == o.id && $0.language == language.rawValue }
                if let found {
                    let status = InterventionStatus(rawValue: found.status)?.localizedLabel ?? found.status
                    cells.append(
                        """
                        <td class="present" data-language="\(language.rawValue)"><a href="\(OfficeRoute.intervention(
                        id: found.id).path)">\(code)</a> (\(status))</td>
                        """)
                } else {
                    let query = "translation_of=\(o.id)&language=\(language.rawValue)"
                    cells.append(
                        """
                        <td class="missing" data-language="\(language.rawValue)">\(t("translation.missing",
                        ["code": code])):
                        <a href="\(OfficeRoute.newIntervention(caseID: c.id, query: query).path)">\
                        \(t("translation.translate"))</a></td>
                        """)
                }
            }
            let role = o.followUpOf != nil ? t("casefile.follow-up") : t("casefile.original")
            let kind = InterventionKind(rawValue: o.kind)?.label ?? o.kind
            let code = o.reference.map { " (\($0))" } ?? ""
            return "<tr id=\"languages-\(o.id)\"><th scope=\"row\">\(role): \(kind)\(code)</th>\(cells.joined())</tr>"
        }
        let heads: [HTML] = Language.allCases.map { "<th scope=\"col\">\($0.rawValue.uppercased())</th>" }
        return """
            <h3 id="intervention-languages-heading">\(t("translation.languages"))</h3>
            <table class="office" id="intervention-languages" aria-labelledby="intervention-languages-heading">
            <thead><tr><th>\(t("casefile.intervention"))</th>\(heads.joined())</tr></thead><tbody>\(rows.joined())</tbody></table>
            """
    }

    /// Each person's description and name as written in French, Spanish and Arabic, one form per person.
    static func people(_ c: CaseFile, errors e: [String: String], csrf: String) -> HTML {
        guard !c.people.isEmpty else { return .empty }
        let forms: [HTML] = c.people.enumerated().map { n, p in
            let fields: [HTML] = PersonLanguages.languages.map { language in
                let entry = p.languages[language], code = language.rawValue
                return """
                    <fieldset lang="\(code)" dir="\(language.isRightToLeft ? "rtl" : "ltr")"><legend>\(language.endonym)
                    </legend><label>\(t("translation.description-in", ["language": language.nameInPage])) \
                    <input name="description_\(code)"
                    maxlength="300" value="\(entry?.description.reveal() ?? "")"></label>
                    <label>\(t("translation.spelling-in", ["language": language.nameInPage])) \
                    <input name="spelling_\(code)" maxlength="200"
                    value="\(entry?.spelling.reveal() ?? "")"></label></fieldset>
                    """
            }
            let missing = PersonLanguages.languages.filter {
                !p.consentsToBeNamed && (p.languages[$0]?.description.isEmpty ?? true)
            }
            let none = t(
                "translation.no-description",
                ["languages": Translations.current.list(missing.map(\.nameInPage))])
            let state: HTML = missing.isEmpty ? .empty : " — \(none)"
            let comma = Translations.current.language == .ar ? "،" : ","
            return """
                <details id="languages-\(p.id)"><summary>\(t("translation.person",
                ["n": Translations.current.number(n + 1), "kind": p.kind.localizedLabel]))\(comma)
                \(p.name.reveal())\(state)</summary><form method="post"
                action="\(OfficeRoute.casePersonLanguages(id: c.id, person: p.id).path)" class="office-form">
                \(CSRF.field(csrf))\(fields.joined())
                <p class="actions"><button type="submit">\(t("translation.save"))</button></p></form></details>
                """
        }
        return """
            <h3 id="person-languages">\(t("translation.other-languages"))</h3>
            \(e["languages"].map { "<p class=\"notice error\" role=\"alert\">\($0)</p>" } ?? .empty)
            \(forms.joined())
            """
    }
}
