/// The acts of repression a demo appeal reports (DOMAIN.md's vocabulary), against a person or an organisation.
enum DemoAct: Int, CaseIterable, Sendable {
    case detention, judicialHarassment, deathThreats, attack, torture, disappearance, sentencing, travelBan, smear
    case raid, membersProsecuted, dissolution

    var targetsOrganisation: Bool { self == .raid || self == .membersProsecuted || self == .dissolution }
    var deprivesOfLiberty: Bool { [.detention, .torture, .disappearance, .sentencing].contains(self) }
    var callsForInvestigation: Bool { [.deathThreats, .attack, .torture, .disappearance, .raid].contains(self) }
    /// What follow-ups report, in the order a case usually goes.
    var outcomes: [DemoOutcome] {
        switch self {
        case .detention: [.continuedDetention, .trialPostponed, .bail, .acquitted]
        case .judicialHarassment: [.trialPostponed, .sentenced, .upheld]
        case .deathThreats, .attack, .smear: [.newThreats]
        case .torture: [.continuedDetention, .bail, .trialPostponed]
        case .disappearance: [.released, .newThreats]
        case .sentencing: [.upheld, .released]
        case .travelBan: [.newThreats, .chargesDropped]
        case .raid, .membersProsecuted, .dissolution: []
        }
    }
}

/// What a follow-up reports.
enum DemoOutcome: Int, CaseIterable, Sendable {
    case continuedDetention, trialPostponed, bail, acquitted, released, chargesDropped, sentenced, upheld, newThreats

    var stillDeprivedOfLiberty: Bool { [.continuedDetention, .trialPostponed, .sentenced, .upheld].contains(self) }
}

extension DemoVoice {
    static let perpetrators: [[String]] = [
        ["police officers", "des policiers", "agentes de policía", "عناصر من الشرطة"],
        [
            "members of the security forces", "des membres des forces de sécurité",
            "miembros de las fuerzas de seguridad",
            "أفراد من قوات الأمن"
        ],
        ["plain-clothes agents", "des agents en civil", "agentes vestidos de civil", "عناصر بملابس مدنية"],
        [
            "unidentified armed men", "des hommes armés non identifiés", "hombres armados no identificados",
            "مسلحون مجهولون"
        ],
        [
            "intelligence officers", "des agents des services de renseignement",
            "agentes de los servicios de "
                + "inteligencia",
            "عناصر من أجهزة المخابرات"
        ]
    ]
    static let charges = [
        ["spreading false news", "diffusion de fausses informations", "difusión de noticias falsas", "نشر أخبار كاذبة"],
        [
            "membership of a terrorist organisation", "appartenance à une organisation terroriste",
            "pertenencia a una organización terrorista", "الانتماء إلى منظمة إرهابية"
        ],
        [
            "incitement to public disorder", "incitation au désordre public", "incitación al desorden público",
            "التحريض على الإخلال بالنظام العام"
        ],
        [
            "taking part in an illegal assembly", "participation à un rassemblement illégal",
            "participación en una reunión ilegal", "المشاركة في تجمع غير قانوني"
        ],
        [
            "undermining state security", "atteinte à la sûreté de l'État", "atentado contra la seguridad del Estado",
            "المساس بأمن الدولة"
        ]
    ]
    static let works = [
        [
            "abuses committed by the security forces", "les abus commis par les forces de sécurité",
            "los abusos cometidos por las fuerzas de seguridad", "الانتهاكات التي ترتكبها قوات الأمن"
        ],
        [
            "cases of torture in places of detention", "les cas de torture dans les lieux de détention",
            "los casos de tortura en los centros de detención", "حالات التعذيب في أماكن الاحتجاز"
        ],
        [
            "forced evictions of rural communities", "les expulsions forcées de communautés rurales",
            "los desalojos forzosos de comunidades rurales", "عمليات الإخلاء القسري للمجتمعات الريفية"
        ],
        [
            "violence against women", "les violences faites aux femmes", "la violencia contra las mujeres",
            "العنف ضد المرأة"
        ],
        [
            "the situation of political prisoners", "la situation des prisonniers politiques",
            "la situación de las personas presas por motivos políticos", "أوضاع المعتقلين السياسيين"
        ]
    ]
    var perpetrator: String { pick(Self.perpetrators[story.perpetrator]) }
    var charge: String { pick(Self.charges[story.charge]) }
    var work: String { pick(Self.works[story.work]) }

    /// The act as a noun phrase: English without article ("arbitrary detention of…"), the others with it.
    func nominal(_ act: DemoAct) -> String {
        let (r, n, o, y) = (role, name, organisation, story.years)
        return switch (act, language) {
        case (.detention, .en): "arbitrary detention of \(r) \(n)"
        case (.detention, .fr): "la détention arbitraire \(of(r)) \(n)"
        case (.detention, .es): "la detención arbitraria \(of(r)) \(n)"
        case (.detention, .ar): "الاحتجاز التعسفي \(to(r)) \(n)"
        case (.judicialHarassment, .en): "judicial harassment of \(r) \(n)"
        case (.judicialHarassment, .fr): "le harcèlement judiciaire \(of(r)) \(n)"
        case (.judicialHarassment, .es): "el hostigamiento judicial contra \(r) \(n)"
        case (.judicialHarassment, .ar): "المضايقات القضائية ضد \(r) \(n)"
        case (.deathThreats, .en): "death threats against \(r) \(n)"
        case (.deathThreats, .fr): "les menaces de mort contre \(r) \(n)"
        case (.deathThreats, .es): "las amenazas de muerte contra \(r) \(n)"
        case (.deathThreats, .ar): "تهديد \(r) \(n) بالقتل"
        case (.attack, .en): "physical attack on \(r) \(n)"
        case (.attack, .fr): "l'agression \(of(r)) \(n)"
        case (.attack, .es): "la agresión física \(of(r)) \(n)"
        case (.attack, .ar): "الاعتداء الجسدي على \(r) \(n)"
        case (.torture, .en): "torture of \(r) \(n) in detention"
        case (.torture, .fr): "les actes de torture infligés \(to(r)) \(n) en détention"
        case (.torture, .es): "las torturas infligidas \(to(r)) \(n) bajo custodia"
        case (.torture, .ar): "تعذيب \(r) \(n) أثناء الاحتجاز"
        case (.disappearance, .en): "enforced disappearance of \(r) \(n)"
        case (.disappearance, .fr): "la disparition forcée \(of(r)) \(n)"
        case (.disappearance, .es): "la desaparición forzada \(of(r)) \(n)"
        case (.disappearance, .ar): "الاختفاء القسري \(to(r)) \(n)"
        case (.sentencing, .en): "sentencing of \(r) \(n) to \(y) years in prison"
        case (.sentencing, .fr): "la condamnation \(of(r)) \(n) à \(y) ans de prison"
        case (.sentencing, .es): "la condena \(of(r)) \(n) a \(y) años de prisión"
        case (.sentencing, .ar): "الحكم على \(r) \(n) بالسجن \(y) سنوات"
        case (.travelBan, .en): "travel ban imposed on \(r) \(n)"
        case (.travelBan, .fr): "l'interdiction de voyager imposée \(to(r)) \(n)"
        case (.travelBan, .es): "la prohibición de viajar impuesta \(to(r)) \(n)"
        case (.travelBan, .ar): "منع \(r) \(n) من السفر"
        case (.smear, .en): "smear campaign against \(r) \(n)"
        case (.smear, .fr): "la campagne de diffamation contre \(r) \(n)"
        case (.smear, .es): "la campaña de difamación contra \(r) \(n)"
        case (.smear, .ar): "حملة التشهير ضد \(r) \(n)"
        case (.raid, .en): "raid on the offices of \(o)"
        case (.raid, .fr): "la perquisition des locaux \(of(o))"
        case (.raid, .es): "el allanamiento de la sede \(of(o))"
        case (.raid, .ar): "مداهمة مقر \(o)"
        case (.membersProsecuted, .en): "judicial harassment of members of \(o)"
        case (.membersProsecuted, .fr): "le harcèlement judiciaire des membres \(of(o))"
        case (.membersProsecuted, .es): "el hostigamiento judicial contra integrantes \(of(o))"
        case (.membersProsecuted, .ar): "المضايقات القضائية ضد أعضاء \(o)"
        case (.dissolution, .en): "court-ordered dissolution of \(o)"
        case (.dissolution, .fr): "la dissolution \(of(o)) ordonnée par la justice"
        case (.dissolution, .es): "la disolución judicial \(of(o))"
        case (.dissolution, .ar): "حل \(o) بأمر قضائي"
        }
    }

    /// The act told as it happened on `d`, one sentence.
    func sentence(_ act: DemoAct, on d: CivilDate) -> String {
        let (n, p, c, o, y, when, at) = (name, perpetrator, charge, organisation, story.years, date(d), inCity)
        return switch (act, language) {
        case (.detention, .en):
            "On \(when), \(n) was arrested by \(p) \(at) and taken to an unknown location, before "
                + "being placed in pre-trial detention."
        case (.detention, .fr):
            "Le \(when), \(n) a été arrêté\(g("", "e")) par \(p) \(at) et conduit\(g("", "e")) "
                + "vers un lieu inconnu, avant d'être placé\(g("", "e")) en détention provisoire."
        case (.detention, .es):
            "El \(when), \(n) fue detenid\(g("o", "a")) por \(p) \(at) y trasladad\(g("o", "a")) "
                + "a un lugar desconocido, antes de ser puest\(g("o", "a")) en prisión preventiva."
        case (.detention, .ar):
            "في \(when)، \(g("اعتُقل", "اعتُقلت")) \(n) على يد \(p) \(at) "
                + "\(g("واقتيد", "واقتيدت")) "
                + "إلى مكان مجهول، قبل أن \(g("يودع", "تودع")) في الحبس الاحتياطي."
        case (.judicialHarassment, .en):
            "On \(when), \(n) was charged \(at) with \(c), an offence punishable by up to "
                + "\(y) years in prison."
        case (.judicialHarassment, .fr):
            "Le \(when), \(n) a été inculpé\(g("", "e")) \(at) pour \(c), une "
                + "infraction passible de \(y) ans d'emprisonnement."
        case (.judicialHarassment, .es):
            "El \(when), \(n) fue acusad\(g("o", "a")) \(at) de \(c), un delito castigado "
                + "con hasta \(y) años de prisión."
        case (.judicialHarassment, .ar):
            "في \(when)، وجهت النيابة العامة \(at) إلى \(n) تهمة \(c)، وهي جريمة يعاقب "
                + "عليها بالسجن لمدة تصل إلى \(y) سنوات."
        case (.deathThreats, .en):
            "On \(when), \(n) received a message threatening \(g("him", "her")) and "
                + "\(g("his", "her")) family with death, a few days after denouncing abuses committed by \(p) \(at)."
        case (.deathThreats, .fr):
            "Le \(when), \(n) a reçu un message \(g("le", "la")) menaçant de mort, "
                + "\(g("lui", "elle")) et sa famille, quelques jours après avoir dénoncé des abus commis par \(p) \(at)."
        case (.deathThreats, .es):
            "El \(when), \(n) recibió un mensaje que \(g("lo", "la")) amenazaba de muerte junto "
                + "con su familia, pocos días después de haber denunciado abusos cometidos por \(p) \(at)."
        case (.deathThreats, .ar):
            "في \(when)، \(g("تلقى", "تلقت")) \(n) رسالة \(g("تهدده", "تهددها")) "
                + "\(g("وعائلته", "وعائلتها")) بالقتل، بعد أيام قليلة من \(g("تنديده", "تنديدها")) بانتهاكات ارتكبها "
                + "\(p) \(at)."
        case (.attack, .en): "On \(when), \(n) was attacked and beaten by \(p) \(at) while returning home."
        case (.attack, .fr):
            "Le \(when), \(n) a été agressé\(g("", "e")) et frappé\(g("", "e")) par \(p) \(at) "
                + "alors \(that(g("il", "elle"))) rentrait chez \(g("lui", "elle"))."
        case (.attack, .es):
            "El \(when), \(n) fue agredid\(g("o", "a")) y golpead\(g("o", "a")) por \(p) \(at) "
                + "cuando regresaba a su casa."
        case (.attack, .ar):
            "في \(when)، \(g("تعرض", "تعرضت")) \(n) للاعتداء والضرب على يد \(p) \(at) أثناء "
                + "\(g("عودته", "عودتها")) إلى المنزل."
        case (.torture, .en):
            "On \(when), \(n) was arrested by \(p) \(at); \(g("he", "she")) says that "
                + "\(g("he", "she")) was beaten and deprived of sleep during questioning."
        case (.torture, .fr):
            "Le \(when), \(n) a été arrêté\(g("", "e")) par \(p) \(at) ; \(g("il", "elle")) affirme "
                + "avoir été frappé\(g("", "e")) et privé\(g("", "e")) de sommeil pendant son interrogatoire."
        case (.torture, .es):
            "El \(when), \(n) fue detenid\(g("o", "a")) por \(p) \(at); afirma haber sido "
                + "golpead\(g("o", "a")) y privad\(g("o", "a")) de sueño durante su interrogatorio."
        case (.torture, .ar):
            "في \(when)، \(g("اعتُقل", "اعتُقلت")) \(n) على يد \(p) \(at)، "
                + "\(g("ويؤكد أنه تعرض", "وتؤكد أنها تعرضت")) للضرب والحرمان من النوم أثناء الاستجواب."
        case (.disappearance, .en):
            "On \(when), \(n) was taken away by \(p) \(at); \(g("his", "her")) whereabouts "
                + "have been unknown ever since."
        case (.disappearance, .fr):
            "Le \(when), \(n) a été emmené\(g("", "e")) par \(p) \(at) ; ses proches sont "
                + "sans nouvelles \(g("de lui", "d'elle")) depuis."
        case (.disappearance, .es):
            "El \(when), \(n) fue llevad\(g("o", "a")) por \(p) \(at); desde entonces se "
                + "desconoce su paradero."
        case (.disappearance, .ar):
            "في \(when)، اقتاد \(p) \(n) \(at)، ولا يزال \(g("مصيره", "مصيرها")) مجهولاً "
                + "منذ ذلك الحين."
        case (.sentencing, .en):
            "On \(when), a court \(at) sentenced \(n) to \(y) years in prison for \(c), after a "
                + "trial that did not meet international fair trial standards."
        case (.sentencing, .fr):
            "Le \(when), un tribunal \(courtOfCity) a condamné \(n) à \(y) ans de prison pour "
                + "\(c), à "
                + "l'issue d'un procès qui n'a pas respecté les normes internationales du procès équitable."
        case (.sentencing, .es):
            "El \(when), un tribunal \(courtOfCity) condenó a \(n) a \(y) años de prisión por "
                + "\(c), tras "
                + "un juicio que no respetó las normas internacionales del debido proceso."
        case (.sentencing, .ar):
            "في \(when)، أصدرت محكمة \(at) حكماً بسجن \(n) \(y) سنوات بتهمة \(c)، إثر محاكمة "
                + "لم تحترم المعايير الدولية للمحاكمة العادلة."
        case (.travelBan, .en):
            "On \(when), \(n) was prevented from boarding a flight to Geneva, where "
                + "\(g("he", "she")) was due to speak at the Human Rights Council, and told of a ban on leaving the "
                + "country."
        case (.travelBan, .fr):
            "Le \(when), \(n) a été empêché\(g("", "e")) d'embarquer pour Genève, où "
                + "\(g("il", "elle")) devait intervenir devant le Conseil des droits de l'homme, et informé\(g("", "e")) "
                + "d'une interdiction de quitter le territoire."
        case (.travelBan, .es):
            "El \(when), a \(n) se le impidió embarcar en un vuelo a Ginebra, donde debía "
                + """
                intervenir ante el Consejo de Derechos Humanos, y se le notificó la prohibición de salir del \
                país.
                """
        case (.travelBan, .ar):
            "في \(when)، \(g("مُنع", "مُنعت")) \(n) من ركوب طائرة متجهة إلى جنيف، حيث كان من "
                + "المقرر أن \(g("يتحدث", "تتحدث")) أمام مجلس حقوق الإنسان، \(g("وأُبلغ", "وأُبلغت")) بحظر السفر."
        case (.smear, .en):
            "Since \(when), media close to the government have accused \(n) of being a foreign agent, "
                + "and \(g("his", "her")) photograph has circulated on social networks with calls to violence."
        case (.smear, .fr):
            "Depuis le \(when), des médias proches du pouvoir accusent \(n) d'être "
                + "\(g("un agent", "une agente")) de l'étranger, et sa photo circule sur les réseaux sociaux avec des "
                + "appels à la violence."
        case (.smear, .es):
            "Desde el \(when), medios afines al Gobierno acusan a \(n) de ser "
                + "\(g("agente extranjero", "agente extranjera")), y su fotografía circula en las redes sociales "
                + "acompañada de llamados a la violencia."
        case (.smear, .ar):
            "منذ \(when)، تتهم وسائل إعلام موالية للحكومة \(n) \(g("بأنه عميل", "بأنها عميلة")) لجهات "
                + "أجنبية، وتتداول شبكات التواصل الاجتماعي \(g("صورته", "صورتها")) مرفقة بدعوات إلى العنف."
        case (.raid, .en):
            "On \(when), \(p) raided the offices of \(o), seized computers and files, and "
                + "questioned the staff for several hours."
        case (.raid, .fr):
            "Le \(when), \(p) ont perquisitionné les locaux \(of(o)), saisi des ordinateurs et "
                + "des dossiers et interrogé le personnel pendant plusieurs heures."
        case (.raid, .es):
            "El \(when), \(p) allanaron la sede \(of(o)), incautaron computadoras y archivos "
                + "e interrogaron al personal durante varias horas."
        case (.raid, .ar):
            "في \(when)، داهم \(p) مقر \(o)، وصادروا أجهزة حاسوب وملفات، واستجوبوا الموظفين "
                + "لعدة ساعات."
        case (.membersProsecuted, .en):
            "On \(when), the prosecutor's office opened criminal proceedings against "
                + "five members of \(o) for \(c)."
        case (.membersProsecuted, .fr):
            "Le \(when), le parquet a ouvert des poursuites pénales contre cinq membres "
                + "\(of(o)) pour \(c)."
        case (.membersProsecuted, .es):
            "El \(when), la fiscalía abrió un proceso penal contra cinco integrantes "
                + "\(of(o)) por \(c)."
        case (.membersProsecuted, .ar):
            """
            في \(when)، فتحت النيابة العامة دعوى جنائية ضد خمسة من أعضاء \
            \(o) بتهمة \(c).
            """
        case (.dissolution, .en):
            "On \(when), a court ordered the dissolution of \(o), on the grounds that it "
                + "had received foreign funding without authorisation."
        case (.dissolution, .fr):
            "Le \(when), un tribunal a ordonné la dissolution \(of(o)), au motif que "
                + "l'organisation aurait reçu des fonds étrangers sans autorisation."
        case (.dissolution, .es):
            "El \(when), un tribunal ordenó la disolución \(of(o)), alegando que la "
                + "organización había recibido fondos extranjeros sin autorización."
        case (.dissolution, .ar):
            "في \(when)، أمرت محكمة بحل \(o)، بحجة أن المنظمة تلقت تمويلاً أجنبياً "
                + "دون ترخيص."
        }
    }
}
