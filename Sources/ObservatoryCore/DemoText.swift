/// One demo publication before it is written: what it is and the story it tells. Rendering it in another
/// language gives its translation.
struct DemoItem: Sendable {
    var type: PublicationType
    var kind: InterventionKind?
    var story: DemoStory
    var followUp: DemoFollowUp?
    var eventDate: CivilDate?
    var untitled = false
}

/// Writes a demo item in one language: title, summary and Markdown body in whole sentences.
struct DemoText {
    let language: Language

    static let types: [((PublicationType, InterventionKind?), Int)] = [
        ((.urgentIntervention, .urgentAppeal), 46), ((.urgentIntervention, .pressRelease), 12),
        ((.urgentIntervention, .openLetter), 6), ((.statement, nil), 14), ((.report, nil), 9),
        ((.event, nil), 5), ((.link, nil), 3), ((.news, nil), 5)
    ]
    static let programmes: [(Programme, Int)] = [
        (.humanRightsDefenders, 60), (.monitoringProtectionMechanisms, 15), (.urgentCampaigns, 8),
        (.economicSocialCulturalRights, 8), (.childrenRights, 5), (.violenceAgainstWomen, 4)
    ]
    static let acts: [(DemoAct, Int)] = [
        (.detention, 20), (.judicialHarassment, 16), (.deathThreats, 12), (.attack, 8), (.torture, 5),
        (.disappearance, 4), (.sentencing, 8), (.travelBan, 4), (.smear, 5), (.raid, 6), (.membersProsecuted, 6),
        (.dissolution, 3)
    ]

    /// The country's name, then the colon as the language writes it.
    func titlePrefix(_ country: DemoCountry) -> String {
        country.title(in: language) + (language == .fr ? " : " : ": ")
    }

    func write(_ item: DemoItem, into pub: inout ArchivePublication) {
        let v = DemoVoice(language: language, story: item.story)
        let (title, paragraphs) = compose(item, v)
        pub.title = item.untitled ? "" : titlePrefix(item.story.country) + DemoVoice.capitalised(title)
        pub.body = paragraphs.joined(separator: "\n\n")
        // An appeal's summary is what happened (the paragraph under its first heading), not its standard opening.
        pub.summary = Self.summary(item.kind == .urgentAppeal ? paragraphs[2] : paragraphs[0])
        pub.eventDate = item.eventDate
    }

    /// The first sentences of a paragraph that fit in 300 characters.
    static func summary(_ paragraph: String) -> String {
        guard paragraph.count > 300 else { return paragraph }
        var text = ""
        for sentence in paragraph.split(separator: ". ", omittingEmptySubsequences: true) {
            let next = text.isEmpty ? String(sentence) : text + ". " + sentence
            if next.count > 298 { break }
            text = next
        }
        return text.hasSuffix(".") ? text : text + "."
    }

    private func compose(_ item: DemoItem, _ v: DemoVoice) -> (String, [String]) {
        let s = item.story
        let act = v.nominal(s.act)
        switch (item.type, item.kind) {
        case (.urgentIntervention, .urgentAppeal?):
            let h = v.headings
            var parts = [v.intro(followUp: item.followUp != nil)]
            var release = s.act.deprivesOfLiberty
            var title = DemoVoice.dropArticle(act)
            var judgement = v.condemnation(act)
            if let f = item.followUp {
                title = DemoVoice.dropArticle(v.nominal(f.outcome))
                release = f.outcome.stillDeprivedOfLiberty
                parts += ["## \(h[0])", v.sentence(f.outcome, on: f.on) + " " + v.follows(f)]
                let good = [.bail, .acquitted, .released, .chargesDropped].contains(f.outcome)
                judgement = v.condemnation(v.nominal(f.outcome), welcome: good)
            }
            parts += [
                "## \(h[1])", v.sentence(s.act, on: s.incident) + " " + v.background, v.context, judgement,
                "## \(h[2])"
            ]
            parts += v.actions(release: release)
            parts += ["## \(h[3])", v.addresses]
            return (title, parts)
        case (.urgentIntervention, .openLetter?):
            let title = v.pick([
                "Open letter to the authorities on the \(act)",
                "Lettre ouverte aux autorités sur "
                    + "\(act)",
                "Carta abierta a las autoridades sobre \(act)", "رسالة مفتوحة إلى السلطات بشأن \(act)"
            ])
            return (title, v.letter(act))
        case (.urgentIntervention, _):
            let title = v.pick([
                "The Observatory condemns the \(act)", "L'Observatoire condamne \(act)",
                "El Observatorio condena \(act)", "المرصد يدين \(act)"
            ])
            return (title, [v.sentence(s.act, on: s.incident) + " " + v.background, v.quote(), v.context])
        case (.statement, _):
            let t = v.theme
            let title =
                s.cases % 3 == 0
                ? v.pick([
                    "Civil society concerned about \(t)", "La société civile préoccupée par \(t)",
                    "La sociedad civil, preocupada por \(t)", "المجتمع المدني قلق إزاء \(t)"
                ])
                : v.pick([
                    "Joint statement on \(t)", "Déclaration conjointe sur \(t)",
                    "Declaración conjunta "
                        + "sobre \(t)",
                    "بيان مشترك بشأن \(t)"
                ])
            return (title, v.statement())
        case (.report, _):
            let t = v.theme
            return (
                v.pick([
                    "Fact-finding mission report on \(t)", "Rapport de mission d'enquête sur \(t)",
                    "Informe de misión de investigación sobre \(t)", "تقرير بعثة تقصي الحقائق حول \(t)"
                ]),
                v.report(year: s.priorYear)
            )
        case (.event, _):
            let t = v.theme
            return (
                v.pick([
                    "Side event at the Human Rights Council on \(t)",
                    "Événement parallèle au Conseil des droits de l'homme sur \(t)",
                    "Evento paralelo en el Consejo de Derechos Humanos sobre \(t)",
                    "فعالية جانبية في مجلس حقوق الإنسان حول \(t)"
                ]),
                v.event(on: item.eventDate ?? s.incident)
            )
        case (.link, _):
            let t = v.theme
            return (
                v.pick([
                    "Partner report on \(t)", "Rapport d'une organisation partenaire sur \(t)",
                    "Informe de una organización socia sobre \(t)", "تقرير منظمة شريكة حول \(t)"
                ]), v.link()
            )
        default:
            return (
                v.pick([
                    "Solidarity mission to \(s.city.en)", "Mission de solidarité \(s.city.frIn)",
                    "Misión de solidaridad en \(s.city.es)", "بعثة تضامن إلى \(v.cityName)"
                ]), v.news()
            )
        }
    }
}
