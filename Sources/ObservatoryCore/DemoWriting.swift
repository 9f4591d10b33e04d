/// The sentences of press releases, open letters, statements, reports, events, links and news.
extension DemoVoice {
    static let themes: [[String]] = [
        [
            "the criminalisation of land and environmental defenders",
            "la criminalisation des défenseurs de la terre et de l'environnement",
            "la criminalización de las personas defensoras de la tierra y el medio ambiente",
            "تجريم المدافعين عن الأرض "
                + "والبيئة"
        ],
        [
            "the situation of women human rights defenders", "la situation des femmes défenseures des droits humains",
            "la situación de las mujeres defensoras de derechos humanos", "وضع المدافعات عن حقوق الإنسان"
        ],
        [
            "judicial harassment of lawyers and journalists",
            "le harcèlement judiciaire des avocats et des journalistes",
            "el hostigamiento judicial contra abogados y periodistas", "المضايقات القضائية ضد المحامين والصحفيين"
        ],
        [
            "the restrictive law on associations", "la loi restrictive sur les associations",
            "la ley restrictiva de asociaciones", "القانون المقيد للجمعيات"
        ],
        [
            "reprisals against defenders who cooperate with the United Nations",
            "les représailles contre les défenseurs qui coopèrent avec les Nations unies",
            "las represalias contra las personas defensoras que cooperan con las Naciones Unidas",
            """
            الأعمال الانتقامية ضد المدافعين المتعاونين مع الأمم \
            المتحدة
            """
        ],
        [
            "the use of counter-terrorism legislation against civil society",
            "l'utilisation de la législation antiterroriste contre la société civile",
            "el uso de la legislación antiterrorista contra la sociedad civil",
            "استخدام تشريعات مكافحة الإرهاب ضد المجتمع المدني"
        ]
    ]
    var theme: String { pick(Self.themes[story.theme]) }

    func quote() -> String {
        let (n, o) = (name, organisation)
        if story.act.targetsOrganisation {
            return pick([
                "“Human rights organisations must be able to work without fear of reprisals,” said the Observatory, "
                    + "which calls on the authorities \(ofCountry) to put an end to all acts of harassment "
                    + "against \(o) "
                    + "and its members.",
                "« Les organisations de défense des droits humains doivent pouvoir travailler sans crainte de "
                    + "représailles », a déclaré l'Observatoire, qui appelle les autorités \(ofCountry) à mettre un "
                    + "terme à tout acte de harcèlement à l'encontre \(of(o)) et de ses membres.",
                "«Las organizaciones de derechos humanos deben poder trabajar sin temor a represalias», declaró el "
                    + "Observatorio, que pide a las autoridades \(ofCountry) que pongan fin a todo acto de "
                    + "hostigamiento "
                    + "contra \(o) y sus integrantes.",
                "وقال المرصد: «يجب أن تتمكن منظمات حقوق الإنسان من العمل دون خوف من الانتقام»، داعياً سلطات "
                    + """
                    \(ofCountry) إلى وضع حد لجميع أشكال المضايقة ضد \(o) \
                    وأعضائها.
                    """
            ])
        }
        return pick([
            "“\(n) must be able to carry on \(g("his", "her")) work without fear of reprisals,” said the Observatory, "
                + "which calls on the authorities \(ofCountry) to put an end to all acts of harassment against "
                + "\(g("him", "her")).",
            "« \(n) doit pouvoir poursuivre son travail sans crainte de représailles », a déclaré l'Observatoire, qui "
                + """
                appelle les autorités \(ofCountry) à mettre un terme à tout acte de harcèlement à son encontre.
                """,
            "«\(n) debe poder continuar su labor sin temor a represalias», declaró el Observatorio, que pide a las "
                + "autoridades \(ofCountry) que pongan fin a todo acto de hostigamiento en su contra.",
            "وقال المرصد: «يجب أن \(g("يتمكن", "تتمكن")) \(n) من مواصلة \(g("عمله", "عملها")) دون خوف من الانتقام»، "
                + "داعياً سلطات \(ofCountry) إلى وضع حد لجميع أشكال المضايقة \(g("ضده", "ضدها"))."
        ])
    }

    func letter(_ what: String) -> [String] {
        let (n, o) = (name, organisation)
        let group = story.act.targetsOrganisation
        let opening = pick([
            "We, the undersigned organisations, are writing to you to express our deep concern about the \(what).",
            "Nous, organisations soussignées, vous écrivons pour vous faire part de notre profonde préoccupation "
                + "concernant \(what).",
            "Las organizaciones abajo firmantes le escribimos para expresarle nuestra profunda preocupación por "
                + "\(what).",
            """
            نكتب إليكم، نحن المنظمات الموقعة أدناه، للإعراب عن \
            قلقنا العميق إزاء \(what).
            """
        ])
        let call = pick([
            "We respectfully call on you to guarantee the physical and psychological integrity of "
                + (group ? "the members of \(o)" : n) + " and to put an end to all acts of harassment against "
                + (group ? "them." : g("him.", "her.")),
            "Nous vous demandons respectueusement de garantir l'intégrité physique et psychologique "
                + (group ? "des membres \(of(o))" : of(n)) + " et de mettre un terme à tout acte de harcèlement à "
                + (group ? "leur" : "son") + " encontre.",
            "Le pedimos respetuosamente que garantice la integridad física y psicológica "
                + (group ? "de los integrantes \(of(o))" : "de \(n)") + " y ponga fin a todo acto de hostigamiento "
                + "en su contra.",
            "ونحثكم على ضمان السلامة الجسدية والنفسية " + (group ? "لأعضاء \(o)" : to(n))
                + " ووضع حد لجميع أشكال المضايقة " + (group ? "ضدهم." : g("ضده.", "ضدها."))
        ])
        let closing = pick([
            "We thank you for your attention and remain at your disposal for any further information.",
            "Nous vous remercions de votre attention et restons à votre disposition pour toute information "
                + "complémentaire.",
            "Le agradecemos su atención y quedamos a su disposición para cualquier información adicional.",
            "نشكركم على اهتمامكم ونبقى رهن إشارتكم لأي معلومات إضافية."
        ])
        return [opening, sentence(story.act, on: story.incident) + " " + background, call, closing]
    }

    func statement() -> [String] {
        let t = theme
        return [
            pick([
                "The undersigned organisations express their deep concern about \(t) \(inCountry).",
                "Les organisations soussignées expriment leur profonde préoccupation concernant \(t) \(inCountry).",
                "Las organizaciones firmantes expresan su profunda preocupación por \(t) \(inCountry).",
                """
                تعرب المنظمات الموقعة أدناه عن قلقها العميق إزاء \(t) \
                \(inCountry).
                """
            ]),
            pick([
                "In recent months, the Observatory has documented dozens of cases of defenders who were arrested, "
                    + "threatened or prosecuted because of their work, most of them \(inCity).",
                "Au cours des derniers mois, l'Observatoire a documenté des dizaines de cas de défenseurs arrêtés, "
                    + "menacés ou poursuivis en raison de leur travail, pour la plupart \(inCity).",
                "En los últimos meses, el Observatorio ha documentado decenas de casos de personas defensoras "
                    + "detenidas, amenazadas o procesadas por su labor, la mayoría de ellos \(inCity).",
                "وخلال الأشهر الأخيرة، وثّق المرصد عشرات الحالات لمدافعين تعرضوا للاعتقال أو التهديد أو الملاحقة "
                    + "القضائية بسبب عملهم، معظمها \(inCity)."
            ]),
            pick([
                "The organisations call on the authorities \(ofCountry) to put an end to these practices and to "
                    + "guarantee a safe environment for all those who defend human rights.",
                "Les organisations appellent les autorités \(ofCountry) à mettre fin à ces pratiques et à "
                    + "garantir un "
                    + "environnement sûr à toutes celles et ceux qui défendent les droits humains.",
                "Las organizaciones instan a las autoridades \(ofCountry) a poner fin a estas prácticas y a "
                    + "garantizar un entorno seguro para todas las personas que defienden los derechos humanos.",
                "وتدعو المنظمات سلطات \(ofCountry) إلى وضع حد لهذه الممارسات وضمان بيئة آمنة لكل من يدافع عن حقوق "
                    + "الإنسان."
            ])
        ]
    }

    func report(year: Int) -> [String] {
        let t = theme
        let headings = pick([
            "Main findings|Recommendations", "Principales conclusions|Recommandations",
            "Principales conclusiones|Recomendaciones", "أبرز الاستنتاجات|التوصيات"
        ])
        .split(separator: "|")
        let recommendations = Self.recommendations.map { "- " + pick($0) }.joined(separator: "\n")
        return [
            pick([
                "This report presents the findings of an international fact-finding mission \(inCountry), which met "
                    + "defenders, lawyers, journalists and representatives of the authorities.",
                "Ce rapport présente les conclusions d'une mission internationale d'enquête \(inCountry), qui a "
                    + "rencontré des défenseurs, des avocats, des journalistes et des représentants des autorités.",
                "Este informe presenta las conclusiones de una misión internacional de investigación \(inCountry), "
                    + "que se reunió con personas defensoras, abogados, periodistas y representantes de las "
                    + "autoridades.",
                "يعرض هذا التقرير نتائج بعثة دولية لتقصي الحقائق \(inCountry)، التقت بمدافعين ومحامين وصحفيين "
                    + "وممثلين "
                    + "عن السلطات."
            ]),
            "## \(headings[0])",
            pick([
                "The mission found a marked deterioration since \(year) with regard to \(t), and noted that those "
                    + "responsible for attacks against defenders are rarely prosecuted.",
                "La mission a constaté une nette détérioration depuis \(year) en ce qui concerne \(t), et a "
                    + "relevé que "
                    + "les auteurs d'attaques contre des défenseurs sont rarement poursuivis.",
                "La misión constató un marcado deterioro desde \(year) en lo que respecta \(to(t)), y observó "
                    + "que los "
                    + "responsables de ataques contra personas defensoras rara vez son procesados.",
                "ولاحظت البعثة تدهوراً ملحوظاً منذ عام \(year) في ما يتعلق ب\(t)، كما لاحظت أن المسؤولين عن "
                    + "الاعتداءات على المدافعين نادراً ما يلاحقون قضائياً."
            ]),
            "## \(headings[1])", recommendations
        ]
    }
    static let recommendations = [
        [
            "Repeal the provisions used to prosecute defenders.",
            "Abroger les dispositions utilisées pour poursuivre les "
                + "défenseurs.", "Derogar las disposiciones utilizadas para procesar a las personas defensoras.",
            "إلغاء الأحكام المستخدمة لملاحقة المدافعين."
        ],
        [
            "Investigate every attack against a defender and bring those responsible to justice.",
            "Enquêter sur chaque attaque contre un défenseur et traduire les responsables en justice.",
            "Investigar cada ataque contra una persona defensora y llevar a los responsables ante la justicia.",
            """
            التحقيق في كل اعتداء على مدافع وتقديم المسؤولين إلى \
            العدالة.
            """
        ],
        [
            "Strengthen the national protection mechanism and consult defenders on its work.",
            "Renforcer le mécanisme national de protection et consulter les défenseurs sur son fonctionnement.",
            "Fortalecer el mecanismo nacional de protección y consultar a las personas defensoras sobre su "
                + "funcionamiento.",
            """
            تعزيز الآلية الوطنية للحماية واستشارة المدافعين بشأن \
            عملها.
            """
        ]
    ]

    func event(on day: CivilDate) -> [String] {
        let (t, when, o) = (theme, date(day), organisation)
        let (s, speaker) = (story.speaker.name(in: language), name)
        return [
            pick([
                "The Observatory and its partners invite you to a side event on \(t) \(inCountry), on \(when) at the "
                    + "Palais des Nations in Geneva, during the session of the Human Rights Council.",
                "L'Observatoire et ses partenaires vous invitent à un événement parallèle sur \(t) \(inCountry), le "
                    + "\(when) au Palais des Nations à Genève, pendant la session du Conseil des droits de l'homme.",
                "El Observatorio y sus socios le invitan a un evento paralelo sobre \(t) \(inCountry), el \(when) en "
                    + "el Palacio de las Naciones en Ginebra, durante la sesión del Consejo de Derechos Humanos.",
                "يدعوكم المرصد وشركاؤه إلى فعالية جانبية حول \(t) \(inCountry)، في \(when) في قصر الأمم في "
                    + "جنيف، خلال "
                    + "دورة مجلس حقوق الإنسان."
            ]),
            pick([
                "Speakers: \(speaker), \(aRole); \(s), of \(o); and a representative of the Office of the UN High "
                    + "Commissioner for Human Rights.",
                "Intervenants : \(speaker), \(bareRole) ; \(s), \(of(o)) ; et un représentant du Haut-Commissariat "
                    + "des Nations unies aux droits de l'homme.",
                "Intervienen: \(speaker), \(bareRole); \(s), \(of(o)); y una persona representante de la Oficina del "
                    + "Alto Comisionado de las Naciones Unidas para los Derechos Humanos.",
                "المتحدثون: \(speaker)، \(role)؛ و\(s) من \(o)؛ وممثل عن مفوضية الأمم المتحدة السامية لحقوق "
                    + "الإنسان."
            ]),
            pick([
                "Interpretation will be provided in English, French and Spanish.",
                "Une interprétation sera assurée en anglais, en français et en espagnol.",
                "Habrá interpretación en inglés, francés y español.",
                """
                ستتوفر ترجمة فورية إلى الإنكليزية والفرنسية \
                والإسبانية.
                """
            ])
        ]
    }

    func link() -> [String] {
        let (t, o) = (theme, organisation)
        return [
            pick([
                "\(Self.capitalised(o)) has published a report on \(t) \(inCountry), based on interviews with "
                    + "defenders and their families.",
                "\(Self.capitalised(o)) a publié un rapport sur \(t) \(inCountry), fondé sur des entretiens avec des "
                    + "défenseurs et leurs familles.",
                "\(Self.capitalised(o)) ha publicado un informe sobre \(t) \(inCountry), basado en entrevistas con "
                    + "personas defensoras y sus familias.",
                """
                صدر عن \(o) تقرير حول \(t) \(inCountry)، يستند إلى مقابلات مع \
                مدافعين وعائلاتهم.
                """
            ]),
            pick([
                "The Observatory shares it because it sheds light on the risks faced by those who defend human "
                    + "rights.",
                "L'Observatoire le relaie car il éclaire les risques auxquels font face celles et ceux qui défendent "
                    + "les droits humains.",
                "El Observatorio lo difunde porque arroja luz sobre los riesgos que enfrentan quienes defienden los "
                    + "derechos humanos.",
                """
                ويعيد المرصد نشره لأنه يسلط الضوء على المخاطر التي \
                يواجهها المدافعون عن حقوق الإنسان.
                """
            ])
        ]
    }

    func news() -> [String] {
        [
            pick([
                "A delegation of the Observatory travelled to \(story.city.en) to meet defenders facing threats and "
                    + "to express the solidarity of its networks.",
                "Une délégation de l'Observatoire s'est rendue \(story.city.frIn) pour rencontrer des défenseurs "
                    + "menacés et leur exprimer la solidarité de ses réseaux.",
                "Una delegación del Observatorio viajó a \(story.city.es) para reunirse con personas defensoras "
                    + "amenazadas y expresarles la solidaridad de sus redes.",
                """
                توجه وفد من المرصد إلى \(cityName) للقاء مدافعين يواجهون \
                تهديدات والتعبير عن تضامن شبكاته معهم.
                """
            ]),
            pick([
                "The delegation also met representatives of the authorities, to whom it handed a list of cases of "
                    + "concern.",
                "La délégation a également rencontré des représentants des autorités, auxquels elle a remis "
                    + "une liste "
                    + "de cas préoccupants.",
                "La delegación también se reunió con representantes de las autoridades, a quienes entregó una "
                    + "lista de "
                    + "casos preocupantes.",
                """
                كما التقى الوفد ممثلين عن السلطات وسلّمهم قائمة \
                بالحالات المثيرة للقلق.
                """
            ])
        ]
    }
}
