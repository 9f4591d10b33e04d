/// Words and sentence shapes of the demo archive, per language.
struct DemoText {
    let language: Language

    static let types: [((PublicationType, InterventionKind?), Int)] = [
        ((.urgentIntervention, .urgentAppeal), 46), ((.urgentIntervention, .pressRelease), 12),
        ((.urgentIntervention, .openLetter), 6), ((.statement, nil), 14), ((.report, nil), 9),
        ((.event, nil), 5), ((.link, nil), 3), ((.news, nil), 5),
    ]
    static let countries: [(String, Int)] = [
        ("MX", 9), ("CO", 8), ("RU", 7), ("TR", 6), ("EG", 6), ("IR", 5), ("CN", 5), ("HN", 5), ("GT", 4), ("BY", 4),
        ("AZ", 4), ("KZ", 3), ("KG", 3), ("UZ", 3), ("CD", 5), ("BI", 3), ("CM", 3), ("ZW", 3), ("SD", 3), ("KH", 4),
        ("TH", 4), ("PH", 4), ("VN", 3), ("LA", 1), ("IN", 4), ("PK", 3), ("BD", 3), ("SA", 3), ("BH", 3), ("SY", 2),
        ("TN", 2), ("DZ", 2), ("MA", 2), ("VE", 3), ("NI", 3), ("BR", 3), ("PE", 2), ("CU", 2), ("UA", 2), ("KE", 2),
    ]
    static let programmes: [(Programme, Int)] = [
        (.humanRightsDefenders, 60), (.monitoringProtectionMechanisms, 15), (.urgentCampaigns, 8),
        (.economicSocialCulturalRights, 8), (.childrenRights, 5), (.violenceAgainstWomen, 4),
    ]
    static let first = ["Ana", "Luis", "María", "José", "Nargess", "Issa", "Ales", "Igor", "Leila", "Omar", "Fatima",
                        "Yara", "Sergei", "Olga", "Rustam", "Aziza", "Samir", "Esther", "Claudine", "Grace", "Berta", "Hassan"]
    static let last = ["Hernández", "García", "Mohammadi", "Vorn", "Kalyapin", "Al-Khawaja", "Ismailova", "Petrova",
                       "Tursunov", "Mukendi", "Ouédraogo", "Mwangi", "Cáceres", "Zúñiga", "Haddad", "Ribeiro", "Diallo"]
    static let orgWords = ["Centre", "Committee", "Association", "League", "Network", "Collective", "Coalition", "Foundation"]
    static let orgTopics = ["Human Rights", "Justice and Peace", "Women Defenders", "Land Rights", "Free Expression",
                            "Prisoners' Rights", "Victims of Torture", "Legal Aid", "Indigenous Peoples", "Labour Rights"]

    var acts: [String] {
        switch language {
        case .en: ["received death threats", "was arbitrarily arrested", "was placed in arbitrary detention",
                   "was subjected to torture while in custody", "faces judicial harassment", "was physically attacked",
                   "was released", "was sentenced to prison"]
        case .fr: ["a reçu des menaces de mort", "a été arrêté arbitrairement", "a été placé en détention arbitraire",
                   "fait l'objet d'un harcèlement judiciaire", "a été agressé physiquement", "a été libéré"]
        case .es: ["recibió amenazas de muerte", "fue detenido arbitrariamente", "enfrenta hostigamiento judicial",
                   "fue agredido físicamente", "fue liberado", "fue condenado a prisión"]
        case .ar: ["تلقى تهديدات بالقتل", "اعتقل تعسفياً", "يواجه مضايقات قضائية", "تعرض لاعتداء جسدي", "أفرج عنه"]
        }
    }
    var sections: (intro: String, description: String, actions: String, newInformation: String, ask: String) {
        switch language {
        case .en: ("The Observatory for the Protection of Human Rights Defenders requests your urgent intervention in the following situation in %c.",
                   "Description of the situation", "Actions requested", "New information", "Please write to the authorities of %c asking them to:")
        case .fr: ("L'Observatoire pour la protection des défenseurs des droits humains sollicite votre intervention urgente sur la situation suivante en %c.",
                   "Description de la situation", "Actions requises", "Nouvelles informations", "Merci d'écrire aux autorités de %c en leur demandant de :")
        case .es: ("El Observatorio para la Protección de los Defensores de Derechos Humanos solicita su intervención urgente sobre la siguiente situación en %c.",
                   "Descripción de los hechos", "Acciones solicitadas", "Nueva información", "Escribir a las autoridades de %c pidiéndoles que:")
        case .ar: ("يطلب المرصد لحماية المدافعين عن حقوق الإنسان تدخلكم العاجل بشأن الوضع التالي في %c.",
                   "وصف الوضع", "الإجراءات المطلوبة", "معلومات جديدة", "يرجى الكتابة إلى سلطات %c ومطالبتها بما يلي:")
        }
    }
    var words: [String] {
        switch language {
        case .en: "the defenders were followed by unidentified men before the arrest and their relatives reported intimidation at the family home while the authorities denied any involvement and the lawyers were refused access to the case file".split(separator: " ").map(String.init)
        case .fr: "les défenseurs ont été suivis par des hommes non identifiés avant leur arrestation et leurs proches ont signalé des intimidations au domicile familial tandis que les autorités niaient toute implication".split(separator: " ").map(String.init)
        case .es: "los defensores fueron seguidos por hombres no identificados antes de la detención y sus familiares denunciaron intimidaciones en el domicilio familiar mientras las autoridades negaban cualquier implicación".split(separator: " ").map(String.init)
        case .ar: "تعرض المدافعون للمراقبة من قبل رجال مجهولين قبل الاعتقال وأفاد أقاربهم بتعرضهم للترهيب في منزل العائلة بينما نفت السلطات أي تورط".split(separator: " ").map(String.init)
        }
    }
    var demands: [String] {
        switch language {
        case .en: ["guarantee in all circumstances the physical and psychological integrity of %p", "release %p immediately and unconditionally",
                   "put an end to all acts of harassment against %p", "comply with the UN Declaration on Human Rights Defenders"]
        case .fr: ["garantir en toutes circonstances l'intégrité physique et psychologique de %p", "libérer %p immédiatement et sans condition",
                   "mettre un terme à tout acte de harcèlement à l'encontre de %p"]
        case .es: ["garantizar en toda circunstancia la integridad física y psicológica de %p", "liberar a %p de manera inmediata e incondicional",
                   "poner fin a todo acto de hostigamiento contra %p"]
        case .ar: ["ضمان السلامة الجسدية والنفسية لـ %p في جميع الظروف", "الإفراج الفوري وغير المشروط عن %p"]
        }
    }
    var otherTitles: [String] {
        switch language {
        case .en: ["Joint statement on the situation of civil society", "Fact-finding mission report: defenders at risk",
                   "Side event: the judiciary as a tool of repression", "Partner report on human rights", "Solidarity mission"]
        case .fr: ["Déclaration conjointe sur la situation de la société civile", "Rapport de mission : les défenseurs en danger"]
        case .es: ["Declaración conjunta sobre la situación de la sociedad civil", "Informe de misión: defensores en riesgo"]
        case .ar: ["بيان مشترك حول وضع المجتمع المدني", "تقرير بعثة تقصي الحقائق"]
        }
    }

    func paragraph(_ rng: inout SplitMix64, words count: Int, from vocabulary: [String]) -> String {
        let text = (0..<count).map { _ in rng.pick(vocabulary) }.joined(separator: " ")
        return text.prefix(1).uppercased() + text.dropFirst() + "."
    }

    func fill(_ pub: inout ArchivePublication, country: String, person: String, rng: inout SplitMix64) {
        let act = rng.pick(acts)
        let vocabulary = words
        if pub.type == .urgentIntervention {
            pub.title = "\(country): \(person) \(act)"
        } else if pub.type == .event && rng.chance(0.15) {
            pub.title = ""   // legacy events listed by date alone
        } else {
            pub.title = "\(country): \(rng.pick(otherTitles))"
        }
        var parts: [String] = []
        if pub.kind == .urgentAppeal {
            let s = sections
            parts.append(s.intro.replacing("%c", with: country))
            if pub.followUpOf != nil { parts += ["## \(s.newInformation)", paragraph(&rng, words: 40, from: vocabulary)] }
            parts += ["## \(s.description)", "\(person) \(act).", paragraph(&rng, words: 60, from: vocabulary), paragraph(&rng, words: 50, from: vocabulary)]
            parts += ["## \(s.actions)", s.ask.replacing("%c", with: country),
                      demands.map { "1. " + $0.replacing("%p", with: person) + ";" }.joined(separator: "\n")]
        } else {
            parts = (0..<3).map { _ in paragraph(&rng, words: 50, from: vocabulary) }
        }
        pub.body = parts.joined(separator: "\n\n")
        pub.summary = String(parts[0].prefix(300))
        if pub.type == .event { pub.eventDate = pub.published.adding(days: 3 + Int(rng.next(upTo: 38))) }
    }
}

