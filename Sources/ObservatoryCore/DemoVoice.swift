/// What a demo item tells, whatever the language it is written in: a translation renders the same story
/// in another language, and a follow-up carries the original's story on.
struct DemoStory: Sendable {
    var country: DemoCountry
    var city: DemoCity
    var person: DemoPerson
    var role: DemoRole
    var organisation: DemoOrganisation
    var act: DemoAct
    var incident: CivilDate
    var perpetrator: Int, charge: Int, work: Int, theme: Int, years: Int, cases: Int, priorYear: Int
    var speaker: DemoPerson
}

/// What a person does, in each language (English without article; French, Spanish and Arabic with it).
enum DemoRole: Int, CaseIterable, Sendable {
    case defender, lawyer, journalist, landDefender, environmentalDefender, unionist, womenRightsDefender

    var forms: [String] {
        switch self {
        case .defender:
            [
                "human rights defender", "le défenseur des droits humains|la défenseuse des droits humains",
                "el defensor de derechos humanos|la defensora de derechos humanos",
                "المدافع عن حقوق الإنسان|المدافعة عن حقوق الإنسان"
            ]
        case .lawyer: ["human rights lawyer", "l'avocat|l'avocate", "el abogado|la abogada", "المحامي|المحامية"]
        case .journalist:
            [
                "journalist", "le journaliste|la journaliste", "el periodista|la periodista",
                "الصحفي|الصحفية"
            ]
        case .landDefender:
            [
                "land rights defender",
                "le défenseur du droit à la terre|la défenseuse du droit à la terre",
                "el defensor del derecho a la tierra|la defensora del derecho a la tierra",
                "المدافع عن الحق في الأرض|المدافعة عن الحق في الأرض"
            ]
        case .environmentalDefender:
            [
                "environmental defender",
                "le défenseur de l'environnement|la défenseuse de l'environnement",
                "el defensor del medio ambiente|la defensora del medio ambiente",
                "المدافع عن البيئة|المدافعة عن البيئة"
            ]
        case .unionist:
            [
                "trade unionist", "le syndicaliste|la syndicaliste", "el sindicalista|la sindicalista",
                "النقابي|النقابية"
            ]
        case .womenRightsDefender:
            [
                "women's rights defender",
                "le défenseur des droits des femmes|la défenseuse des droits des femmes",
                "el defensor de los derechos de las mujeres|la defensora de los derechos de las "
                    + "mujeres",
                "المدافع عن حقوق المرأة|المدافعة عن حقوق المرأة"
            ]
        }
    }
}

/// An organisation named as its country's civil society would name it, with the articles each language gives it.
struct DemoOrganisation: Sendable {
    let name: String, arabic: String
    let feminine: Bool

    /// What its name says it is: a network ("Red", "Rede", "Network"), lawyers, relatives of detainees, workers.
    static func type(named name: String) -> OrganisationType {
        if name.hasPrefix("Red ") || name.hasPrefix("Rede ") || name.contains("Network") { return .network }
        if name.contains("Legal Aid") { return .lawyersAssociation }
        if name.contains("Familiares") { return .victimsAssociation }
        if name.contains("Trabalhadores") { return .union }
        return .ngo
    }

    static func random(in country: DemoCountry, city: DemoCity, rng: inout SplitMix64) -> DemoOrganisation {
        let ar = city.ar
        switch country.region {
        case .latin:
            let kind = rng.pick([
                ("Centro", false), ("Comité", false), ("Colectivo", false), ("Red", true),
                ("Asociación", true)
            ])
            let topic = rng.pick([
                "de Derechos Humanos", "por la Defensa del Territorio", "de Mujeres Defensoras",
                "de Familiares de Personas Detenidas"
            ])
            return DemoOrganisation(name: "\(kind.0) \(topic) de \(city.es)", arabic: "", feminine: kind.1)
        case .brazil:
            let kind = rng.pick([
                ("Centro de Defesa dos Direitos Humanos", false),
                ("Comissão de Direitos Humanos", true),
                ("Rede de Mulheres Defensoras", true), ("Associação dos Trabalhadores Rurais", true),
                ("Comitê Popular de Direitos Humanos", false)
            ])
            return DemoOrganisation(name: "\(kind.0) de \(city.en)", arabic: "", feminine: kind.1)
        case .francophone, .maghreb:
            let i = Int(rng.next(upTo: 4))
            let kind = [
                ("Ligue", true, "رابطة"), ("Association", true, "جمعية"), ("Collectif", false, "تجمع"),
                ("Centre", false, "مركز")
            ][i]
            let topic = rng.pick([
                ("des droits humains", "حقوق الإنسان"), ("contre la torture", "مناهضة التعذيب"),
                ("des femmes défenseures", "المدافعات عن حقوق الإنسان"),
                ("pour la défense des libertés", "الدفاع عن الحريات")
            ])
            let name = "\(kind.0) \(topic.0) \(DemoVoice.frenchOf(city.fr))"
            return DemoOrganisation(
                name: name, arabic: ar.isEmpty ? "" : "\(kind.2) \(topic.1) في \(ar)",
                feminine: kind.1)
        default:
            let kind = rng.pick([
                ("Human Rights Centre", false, "مركز حقوق الإنسان"),
                ("Legal Aid Society", true, "جمعية المساعدة القانونية"),
                ("Committee against Torture", false, "لجنة مناهضة التعذيب"),
                ("Women Defenders Network", false, "شبكة المدافعات عن حقوق الإنسان"),
                ("Association for Civil Liberties", true, "جمعية الحريات المدنية")
            ])
            return DemoOrganisation(
                name: "\(city.en) \(kind.0)", arabic: ar.isEmpty ? "" : "\(kind.2) في \(ar)",
                feminine: kind.1)
        }
    }
}

/// The grammar a template needs in one language: names, articles and their contractions, gender, dates.
struct DemoVoice {
    let language: Language
    let story: DemoStory

    var index: Int { Language.allCases.firstIndex(of: language)! }
    func pick(_ forms: [String]) -> String { forms[index] }
    /// The masculine or feminine form, as the story's person is.
    func g(_ masculine: String, _ feminine: String) -> String { story.person.feminine ? feminine : masculine }

    var name: String { story.person.name(in: language) }
    var role: String {
        let forms = pick(story.role.forms).split(separator: "|").map(String.init)
        return story.person.feminine && forms.count > 1 ? forms[1] : forms[0]
    }
    /// The role without its article, in apposition: "défenseuse des droits humains".
    var bareRole: String { Self.dropArticle(role) }
    /// English "a"/"an" and the role.
    var aRole: String { ("aeiou".contains(role.prefix(1)) ? "an " : "a ") + role }
    var organisation: String {
        let o = story.organisation
        switch language {
        case .en: return "the \(o.name)"
        case .fr: return Self.startsWithVowel(o.name) ? "l'\(o.name)" : (o.feminine ? "la " : "le ") + o.name
        case .es: return (o.feminine ? "la " : "el ") + o.name
        case .ar: return o.arabic.isEmpty ? o.name : o.arabic
        }
    }
    var country: String { story.country.title(in: language) }
    var inCountry: String {
        let c = story.country
        switch language {
        case .en: return "in \(c.en)"
        case .fr: return "\(c.frIn) \(c.fr)"
        case .es: return "en \(c.es)"
        case .ar: return "في \(c.ar)"
        }
    }
    var ofCountry: String {
        let c = story.country
        switch language {
        case .en: return "of \(c.en)"
        case .fr: return c.frOf + c.fr
        case .es: return "de \(c.es)"
        case .ar: return c.ar
        }
    }
    var cityName: String {
        let c = story.city
        return pick([c.en, c.fr, c.es, c.ar.isEmpty ? story.country.ar : c.ar])
    }
    var inCity: String {
        let c = story.city
        return pick(["in \(c.en)", c.frIn, "en \(c.es)", c.ar.isEmpty ? "في \(story.country.ar)" : "في \(c.ar)"])
    }

    /// The court's city after "un tribunal": "du Caire", "de Medellín", "de El Cairo" (French and Spanish).
    var courtOfCity: String { language == .es ? "de \(story.city.es)" : Self.frenchOf(story.city.fr) }

    /// "of", "de"/"du"/"d'", "del", or the Arabic construct (nothing).
    func of(_ phrase: String) -> String {
        switch language {
        case .en: "of \(phrase)"
        case .fr: Self.frenchOf(phrase)
        case .es: phrase.hasPrefix("el ") ? "del " + phrase.dropFirst(3) : "de \(phrase)"
        case .ar: phrase
        }
    }
    /// "to", "à"/"au"/"aux", "a"/"al", or Arabic "ل".
    func to(_ phrase: String) -> String {
        switch language {
        case .en: "to \(phrase)"
        case .fr:
            phrase.hasPrefix("le ")
                ? "au " + phrase.dropFirst(3)
                : phrase.hasPrefix("les ") ? "aux " + phrase.dropFirst(4) : "à \(phrase)"
        case .es: phrase.hasPrefix("el ") ? "al " + phrase.dropFirst(3) : "a \(phrase)"
        case .ar: phrase.hasPrefix("ال") ? "لل" + phrase.dropFirst(2) : "ل" + phrase
        }
    }
    /// French "que"/"qu'" before a word.
    func that(_ word: String) -> String { Self.startsWithVowel(word) ? "qu'\(word)" : "que \(word)" }

    func date(_ d: CivilDate) -> String {
        let en = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December"
        ]
        let fr = [
            "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
            "novembre", "décembre"
        ]
        let es = [
            "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
            "noviembre", "diciembre"
        ]
        let ar = [
            "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
            "ديسمبر"
        ]
        switch language {
        case .en: return "\(d.day) \(en[d.month - 1]) \(d.year)"
        case .fr: return "\(d.day > 1 ? String(d.day) : "1er") \(fr[d.month - 1]) \(d.year)"  // 1er: a date
        case .es: return "\(d.day) de \(es[d.month - 1]) de \(d.year)"
        case .ar: return "\(d.day) \(ar[d.month - 1]) \(d.year)"
        }
    }

    static func startsWithVowel(_ word: String) -> Bool {
        guard let first = word.first else { return false }
        return "AEIOUÉÈÊÂÎÔaeiouéèêâîô".contains(first)
    }
    static func frenchOf(_ phrase: String) -> String {
        if phrase.hasPrefix("le ") { return "du " + phrase.dropFirst(3) }
        if phrase.hasPrefix("les ") { return "des " + phrase.dropFirst(4) }
        if phrase.hasPrefix("la ") || phrase.hasPrefix("l'") { return "de \(phrase)" }
        return startsWithVowel(phrase) ? "d'\(phrase)" : "de \(phrase)"
    }
    static func dropArticle(_ phrase: String) -> String {
        for article in ["le ", "la ", "les ", "l'", "el ", "los ", "las "] where phrase.hasPrefix(article) {
            return String(phrase.dropFirst(article.count))
        }
        return phrase
    }
    /// The first letter in capitals ("le Centre…" opening a sentence).
    static func capitalised(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
}

extension DemoStory {
    /// A new story in `country`, its incident some days before `day`.
    static func random(in country: DemoCountry, before day: CivilDate, rng: inout SplitMix64) -> DemoStory {
        let city = rng.pick(country.cities)
        let incident = day.adding(days: -1 - Int(rng.next(upTo: 12)))
        return DemoStory(
            country: country, city: city, person: DemoPerson.random(in: country.region, rng: &rng),
            role: rng.pick(DemoRole.allCases),
            organisation: DemoOrganisation.random(in: country, city: city, rng: &rng),
            act: rng.pick(weighted: DemoText.acts), incident: incident,
            perpetrator: Int(rng.next(upTo: UInt64(DemoVoice.perpetrators.count))),
            charge: Int(rng.next(upTo: UInt64(DemoVoice.charges.count))),
            work: Int(rng.next(upTo: UInt64(DemoVoice.works.count))),
            theme: Int(rng.next(upTo: UInt64(DemoVoice.themes.count))), years: 3 + Int(rng.next(upTo: 8)),
            cases: 12 + Int(rng.next(upTo: 29)), priorYear: incident.year - 1 - Int(rng.next(upTo: 4)),
            speaker: DemoPerson.random(in: country.region, rng: &rng))
    }
}
