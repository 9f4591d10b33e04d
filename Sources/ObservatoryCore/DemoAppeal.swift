/// What a follow-up adds to its original's story.
struct DemoFollowUp: Sendable {
    let outcome: DemoOutcome
    let on: CivilDate
    let originalReference: String
    let originalPublished: CivilDate
}

/// The sentences of urgent interventions (appeals, press releases, open letters), in the voice's language.
extension DemoVoice {
    var headings: [String] {
        switch language {
        case .en: ["New information", "Description of the situation", "Actions requested", "Addresses"]
        case .fr: ["Nouvelles informations", "Description de la situation", "Actions requises", "Adresses"]
        case .es: ["Nueva información", "Descripción de los hechos", "Acciones solicitadas", "Direcciones"]
        case .ar: ["معلومات جديدة", "وصف الوضع", "الإجراءات المطلوبة", "العناوين"]
        }
    }

    func intro(followUp: Bool) -> String {
        switch (language, followUp) {
        case (.en, false):
            "The Observatory for the Protection of Human Rights Defenders requests your urgent "
                + "intervention in the following situation \(inCountry)."
        case (.en, true):
            "The Observatory has received new information and requests your urgent intervention in the "
                + "following situation \(inCountry)."
        case (.fr, false):
            "L'Observatoire pour la protection des défenseurs des droits humains sollicite votre "
                + "intervention urgente sur la situation suivante \(inCountry)."
        case (.fr, true):
            "L'Observatoire a reçu de nouvelles informations et sollicite votre intervention urgente sur "
                + "la situation suivante \(inCountry)."
        case (.es, false):
            "El Observatorio para la Protección de los Defensores de Derechos Humanos solicita su "
                + "intervención urgente sobre la siguiente situación \(inCountry)."
        case (.es, true):
            "El Observatorio ha recibido nueva información y solicita su intervención urgente sobre la "
                + "siguiente situación \(inCountry)."
        case (.ar, false):
            """
            يطلب المرصد لحماية المدافعين عن حقوق الإنسان تدخلكم \
            العاجل بشأن الوضع التالي \(inCountry).
            """
        case (.ar, true):
            """
            تلقى المرصد معلومات جديدة ويطلب تدخلكم العاجل بشأن الوضع \
            التالي \(inCountry).
            """
        }
    }

    /// How a follow-up names its original: code, date and what it reported.
    func follows(_ f: DemoFollowUp) -> String {
        let (ref, when, what) = (f.originalReference, date(f.originalPublished), nominal(story.act))
        return switch language {
        case .en: "This follows the Observatory's urgent appeal \(ref) of \(when) on the \(what)."
        case .fr: "Cette information fait suite à l'appel urgent \(ref) du \(when) sur \(what)."
        case .es: "Esta información da seguimiento al llamamiento urgente \(ref) del \(when) sobre \(what)."
        case .ar:
            """
            ويأتي ذلك متابعةً للنداء العاجل \(ref) الصادر في \(when) بشأن \
            \(what).
            """
        }
    }

    /// Who the person or the organisation is.
    var background: String {
        let (n, o, w) = (name, organisation, work)
        if story.act.targetsOrganisation {
            return switch language {
            case .en: "\(Self.capitalised(o)) has documented \(w) \(inCountry) for many years."
            case .fr: "\(Self.capitalised(o)) documente depuis de nombreuses années \(w) \(inCountry)."
            case .es: "\(Self.capitalised(o)) documenta desde hace años \(w) \(inCountry)."
            case .ar: "يعمل أعضاء \(o) منذ سنوات على توثيق \(w) \(inCountry)."
            }
        }
        return switch language {
        case .en: "\(n), \(aRole) and a member of \(o), has documented \(w) for many years."
        case .fr: "\(n), \(bareRole) et membre \(of(o)), documente depuis de nombreuses années \(w)."
        case .es: "\(n), \(bareRole) e integrante \(of(o)), documenta desde hace años \(w)."
        case .ar: "\(g("يعمل", "تعمل")) \(n)، \(role)، منذ سنوات على توثيق \(w)، \(g("وهو عضو", "وهي عضوة")) في \(o)."
        }
    }

    /// What relatives, lawyers or members report, and what the authorities did not do.
    var context: String {
        let (n, o, s) = (name, organisation, story)
        var sentences: [String]
        if s.act.targetsOrganisation {
            sentences = [
                pick([
                    "The members of \(o) say that they have been under surveillance for several months and that their "
                        + "telephones are tapped.",
                    "Les membres \(of(o)) affirment faire l'objet d'une surveillance depuis plusieurs mois et être placés "
                        + "sur écoute.",
                    "Los integrantes \(of(o)) afirman ser objeto de vigilancia desde hace varios meses y que sus teléfonos "
                        + "están intervenidos.",
                    """
                    ويؤكد أعضاء \(o) أنهم يخضعون للمراقبة منذ عدة أشهر \
                    وأن هواتفهم تخضع للتنصت.
                    """
                ])
            ]
        } else if s.act.deprivesOfLiberty {
            sentences = [
                pick([
                    "\(n)'s lawyers were not allowed to see \(g("him", "her")) during the first days of detention.",
                    "Les avocats \(of(n)) n'ont pas été autorisés à \(g("le", "la")) voir pendant les premiers jours de sa "
                        + "détention.",
                    "A los abogados de \(n) no se les permitió ver\(g("lo", "la")) durante los primeros días de su "
                        + "detención.",
                    "ولم يُسمح لمحامي \(n) \(g("بزيارته", "بزيارتها")) خلال الأيام الأولى من الاحتجاز."
                ])
            ]
        } else {
            sentences = [
                pick([
                    "\(n)'s relatives told the Observatory that they had been followed by unidentified men in the "
                        + "preceding weeks.",
                    "Les proches \(of(n)) ont indiqué à l'Observatoire qu'ils avaient été suivis par des hommes non "
                        + "identifiés au cours des semaines précédentes.",
                    "Los familiares de \(n) informaron al Observatorio de que habían sido seguidos por hombres no "
                        + "identificados en las semanas anteriores.",
                    """
                    وأفاد أقارب \(n) المرصد بأنهم تعرضوا للملاحقة من قبل \
                    رجال مجهولين خلال الأسابيع السابقة.
                    """
                ])
            ]
        }
        if !s.act.targetsOrganisation, s.cases % 2 == 0 {
            let y = s.priorYear
            sentences.append(
                pick([
                    "This is not the first time that \(n) has been targeted: in \(y), \(g("he", "she")) had already been "
                        + "summoned for questioning because of \(g("his", "her")) work.",
                    "Ce n'est pas la première fois \(that(n)) est pris\(g("", "e")) pour cible : en \(y), "
                        + "\(g("il", "elle")) "
                        + "avait déjà été convoqué\(g("", "e")) pour un interrogatoire en raison de son travail.",
                    "No es la primera vez que \(n) es blanco de ataques: en \(y) ya había sido citad\(g("o", "a")) a "
                        + "declarar a causa de su trabajo.",
                    "وليست هذه المرة الأولى التي \(g("يُستهدف", "تُستهدف")) فيها \(n)، إذ سبق أن "
                        + "\(g("استُدعي", "استُدعيت")) للاستجواب في عام \(y) بسبب \(g("عمله", "عملها"))."
                ]))
        }
        if s.act.callsForInvestigation {
            sentences.append(
                pick([
                    "The authorities have not opened any investigation into these facts.",
                    "Les autorités n'ont ouvert aucune enquête sur ces faits.",
                    "Las autoridades no han abierto ninguna investigación sobre estos hechos.",
                    "ولم تفتح السلطات أي تحقيق في هذه الوقائع."
                ]))
        }
        return sentences.joined(separator: " ")
    }

    /// The Observatory's judgement of `what` (a noun phrase), or of the news a follow-up brings.
    func condemnation(_ what: String, welcome: Bool = false) -> String {
        let n = name
        if welcome {
            return pick([
                "The Observatory welcomes this decision but remains concerned about the continued harassment of \(n).",
                """
                L'Observatoire salue cette décision mais reste préoccupé par la poursuite du harcèlement \
                \(of(n)).
                """,
                "El Observatorio celebra esta decisión, pero sigue preocupado por el hostigamiento continuo "
                    + "contra \(n).",
                """
                ويرحب المرصد بهذا القرار، لكنه يظل قلقاً إزاء \
                استمرار المضايقات ضد \(n).
                """
            ])
        }
        if story.act.targetsOrganisation {
            return pick([
                "The Observatory condemns the \(what), which seems to aim only at punishing its members for their "
                    + "legitimate human rights activities.",
                "L'Observatoire condamne \(what), qui semble viser uniquement à sanctionner les activités légitimes de "
                    + "ses membres.",
                "El Observatorio condena \(what), que parece tener como único objetivo sancionar las actividades "
                    + "legítimas de sus integrantes.",
                "ويدين المرصد بشدة \(what)، ويعرب عن قلقه من أن الهدف الوحيد من ذلك هو معاقبة أعضائها على أنشطتهم "
                    + "المشروعة."
            ])
        }
        return pick([
            "The Observatory condemns the \(what), which seems to aim only at punishing \(g("him", "her")) for "
                + "\(g("his", "her")) legitimate human rights activities.",
            "L'Observatoire condamne \(what), qui semble viser uniquement à sanctionner ses activités légitimes de "
                + "défense des droits humains.",
            "El Observatorio condena \(what), que parece tener como único objetivo sancionar sus actividades legítimas "
                + "de defensa de los derechos humanos.",
            "ويدين المرصد بشدة \(what)، ويعرب عن قلقه من أن الهدف الوحيد من ذلك هو "
                + "\(g("معاقبته على أنشطته", "معاقبتها على أنشطتها")) المشروعة في الدفاع عن حقوق الإنسان."
        ])
    }

    /// "Please write to the authorities…:" and the numbered requests that fit the situation.
    func actions(release: Bool) -> [String] {
        let (n, o) = (name, organisation)
        let group = story.act.targetsOrganisation
        var demands = [
            pick([
                "guarantee in all circumstances the physical and psychological integrity of "
                    + "\(group ? "the members of \(o)" : n)",
                "garantir en toutes circonstances l'intégrité physique et psychologique "
                    + (group ? "des membres \(of(o))" : of(n)),
                "garantizar en toda circunstancia la integridad física y psicológica "
                    + (group ? "de los integrantes \(of(o))" : "de \(n)"),
                "ضمان السلامة الجسدية والنفسية \(group ? "لأعضاء \(o)" : to(n)) في جميع الظروف"
            ])
        ]
        if release, !group {
            demands.append(
                pick([
                    "release \(n) immediately and unconditionally",
                    "libérer \(n) immédiatement et sans condition",
                    "liberar a \(n) de manera inmediata e incondicional",
                    "الإفراج الفوري وغير المشروط عن \(n)"
                ]))
        }
        if story.act.callsForInvestigation {
            demands.append(
                pick([
                    "carry out an immediate, thorough and impartial investigation into these facts",
                    "mener une enquête immédiate, exhaustive et impartiale sur ces faits",
                    "llevar a cabo una investigación inmediata, exhaustiva e imparcial sobre estos hechos",
                    "إجراء تحقيق فوري وشامل ونزيه في هذه الوقائع"
                ]))
        }
        demands.append(
            pick([
                "put an end to all acts of harassment, including at the judicial level, against "
                    + (group ? "\(o) and its members" : n),
                "mettre un terme à tout acte de harcèlement, y compris judiciaire, à l'encontre "
                    + (group ? "\(of(o)) et de ses membres" : of(n)),
                "poner fin a todo acto de hostigamiento, incluso judicial, contra "
                    + (group ? "\(o) y sus integrantes" : n),
                "وضع حد لجميع أشكال المضايقة، بما فيها القضائية، ضد " + (group ? "\(o) وأعضائها" : n)
            ]))
        demands.append(
            pick([
                "comply with the UN Declaration on Human Rights Defenders",
                "se conformer à la Déclaration des Nations unies sur les défenseurs des droits de l'homme",
                "cumplir con la Declaración de las Naciones Unidas sobre los Defensores de Derechos "
                    + "Humanos",
                """
                الامتثال لإعلان الأمم المتحدة بشأن المدافعين عن حقوق \
                الإنسان
                """
            ]))
        let ask = pick([
            "Please write to the authorities \(ofCountry) asking them to:",
            "Merci d'écrire aux autorités \(ofCountry) en leur demandant de :",
            "Escriban a las autoridades \(ofCountry) para pedirles:",
            "يرجى الكتابة إلى سلطات \(ofCountry) ومطالبتها بما يلي:"
        ])
        let list = demands.enumerated().map { i, d in "1. \(d)" + (i == demands.count - 1 ? "." : listSeparator) }
        return [ask, list.joined(separator: "\n")]
    }

    /// What ends an item of a list but the last: French spaces its semicolon, Arabic writes its own.
    var listSeparator: String { pick([";", " ;", ";", "؛"]) }

    var addresses: String {
        let items =
            switch language {
            case .en:
                [
                    "The Minister of Justice", "The Minister of the Interior", "The Prosecutor General",
                    "The Permanent Mission \(ofCountry) to the United Nations in Geneva"
                ]
            case .fr:
                [
                    "Le ministre de la Justice", "Le ministre de l'Intérieur", "Le procureur général",
                    "La mission permanente \(ofCountry) auprès des Nations unies à Genève"
                ]
            case .es:
                [
                    "El ministro de Justicia", "El ministro del Interior", "El fiscal general",
                    "La Misión Permanente \(ofCountry) ante las Naciones Unidas en Ginebra"
                ]
            case .ar:
                [
                    "وزير العدل", "وزير الداخلية", "النائب العام",
                    "البعثة الدائمة \(to(country)) لدى الأمم المتحدة "
                        + "في جنيف"
                ]
            }
        return items.map { "- \($0)" }.joined(separator: "\n")
    }
}
