extension DemoVoice {
    /// What a follow-up reports, as a noun phrase (English without article).
    func nominal(_ outcome: DemoOutcome) -> String {
        let (r, n, y) = (role, name, story.years)
        return switch (outcome, language) {
        case (.continuedDetention, .en): "continued detention of \(r) \(n)"
        case (.continuedDetention, .fr): "le maintien en détention \(of(r)) \(n)"
        case (.continuedDetention, .es): "la prolongación de la detención \(of(r)) \(n)"
        case (.continuedDetention, .ar): "استمرار احتجاز \(r) \(n)"
        case (.trialPostponed, .en): "new postponement of the trial of \(r) \(n)"
        case (.trialPostponed, .fr): "le nouveau report du procès \(of(r)) \(n)"
        case (.trialPostponed, .es): "el nuevo aplazamiento del juicio \(of(r)) \(n)"
        case (.trialPostponed, .ar): "تأجيل محاكمة \(r) \(n) مجدداً"
        case (.bail, .en): "release on bail of \(r) \(n)"
        case (.bail, .fr): "la libération sous caution \(of(r)) \(n)"
        case (.bail, .es): "la liberación bajo fianza \(of(r)) \(n)"
        case (.bail, .ar): "الإفراج بكفالة عن \(r) \(n)"
        case (.acquitted, .en): "acquittal of \(r) \(n)"
        case (.acquitted, .fr): "l'acquittement \(of(r)) \(n)"
        case (.acquitted, .es): "la absolución \(of(r)) \(n)"
        case (.acquitted, .ar): "تبرئة \(r) \(n)"
        case (.released, .en): "release of \(r) \(n)"
        case (.released, .fr): "la libération \(of(r)) \(n)"
        case (.released, .es): "la liberación \(of(r)) \(n)"
        case (.released, .ar): "الإفراج عن \(r) \(n)"
        case (.chargesDropped, .en): "charges dropped against \(r) \(n)"
        case (.chargesDropped, .fr): "l'abandon des charges contre \(r) \(n)"
        case (.chargesDropped, .es): "el archivo de los cargos contra \(r) \(n)"
        case (.chargesDropped, .ar): "إسقاط التهم عن \(r) \(n)"
        case (.sentenced, _): nominal(.sentencing)
        case (.upheld, .en): "conviction of \(r) \(n) upheld on appeal"
        case (.upheld, .fr): "la confirmation en appel de la peine de \(y) ans prononcée contre \(r) \(n)"
        case (.upheld, .es): "la confirmación en apelación de la condena \(of(r)) \(n)"
        case (.upheld, .ar): "تأييد الحكم الصادر بحق \(r) \(n) في الاستئناف"
        case (.newThreats, .en): "new threats against \(r) \(n)"
        case (.newThreats, .fr): "les nouvelles menaces contre \(r) \(n)"
        case (.newThreats, .es): "las nuevas amenazas contra \(r) \(n)"
        case (.newThreats, .ar): "تهديدات جديدة ضد \(r) \(n)"
        }
    }

    /// What happened on `d`, one sentence.
    func sentence(_ outcome: DemoOutcome, on d: CivilDate) -> String {
        let (n, when, at) = (name, date(d), inCity)
        return switch (outcome, language) {
        case (.continuedDetention, .en):
            "On \(when), a judge extended the pre-trial detention of \(n) by six months, "
                + "although \(g("his", "her")) health has seriously deteriorated."
        case (.continuedDetention, .fr):
            "Le \(when), un juge a prolongé de six mois la détention provisoire "
                + "\(of(n)), alors que son état de santé s'est gravement détérioré."
        case (.continuedDetention, .es):
            "El \(when), un juez prorrogó por seis meses la prisión preventiva de \(n), a "
                + "pesar de que su estado de salud se ha deteriorado gravemente."
        case (.continuedDetention, .ar):
            "في \(when)، مدد قاضٍ حبس \(n) احتياطياً ستة أشهر، رغم التدهور الخطير في "
                + "\(g("حالته", "حالتها")) الصحية."
        case (.trialPostponed, .en):
            "On \(when), the court \(at) postponed the trial of \(n) once again, without "
                + "giving any reason."
        case (.trialPostponed, .fr):
            "Le \(when), le tribunal a de nouveau reporté le procès \(of(n)), sans donner "
                + "de motif."
        case (.trialPostponed, .es):
            "El \(when), el tribunal aplazó una vez más el juicio de \(n), sin dar ningún "
                + "motivo."
        case (.trialPostponed, .ar):
            """
            في \(when)، أجلت المحكمة \(at) محاكمة \(n) مرة أخرى دون إبداء أي \
            سبب.
            """
        case (.bail, .en):
            "On \(when), \(n) was released on bail, but the charges against \(g("him", "her")) have not "
                + "been dropped and \(g("he", "she")) must report to the police every week."
        case (.bail, .fr):
            "Le \(when), \(n) a été libéré\(g("", "e")) sous caution, mais les charges retenues contre "
                + "\(g("lui", "elle")) n'ont pas été abandonnées et \(g("il", "elle")) doit se présenter chaque semaine à "
                + "la police."
        case (.bail, .es):
            "El \(when), \(n) fue liberad\(g("o", "a")) bajo fianza, pero los cargos en su contra "
                + "no han "
                + "sido retirados y debe presentarse cada semana ante la policía."
        case (.bail, .ar):
            "في \(when)، أُفرج عن \(n) بكفالة، لكن التهم الموجهة \(g("إليه", "إليها")) لم تسقط، "
                + "\(g("وعليه", "وعليها")) المثول أمام الشرطة كل أسبوع."
        case (.acquitted, .en): "On \(when), a court \(at) acquitted \(n) of all charges."
        case (.acquitted, .fr): "Le \(when), un tribunal \(courtOfCity) a acquitté \(n) de toutes les charges."
        case (.acquitted, .es): "El \(when), un tribunal \(courtOfCity) absolvió a \(n) de todos los cargos."
        case (.acquitted, .ar): "في \(when)، برأت محكمة \(at) \(n) من جميع التهم."
        // Released after a sentence: pardoned, not "without charge".
        case (.released, .en) where story.act == .sentencing:
            "On \(when), \(n) was released after being granted a "
                + "presidential pardon."
        case (.released, .fr) where story.act == .sentencing:
            "Le \(when), \(n) a été libéré\(g("", "e")) à la suite "
                + "d'une grâce présidentielle."
        case (.released, .es) where story.act == .sentencing:
            "El \(when), \(n) fue liberad\(g("o", "a")) tras recibir "
                + "un indulto presidencial."
        case (.released, .ar) where story.act == .sentencing:
            """
            في \(when)، أُفرج عن \(n) بموجب عفو رئاسي.
            """
        case (.released, .en):
            "On \(when), \(n) was released without charge; \(g("his", "her")) family had been "
                + "given no information during all that time."
        case (.released, .fr):
            "Le \(when), \(n) a été libéré\(g("", "e")) sans inculpation ; sa famille n'avait reçu "
                + "aucune information pendant tout ce temps."
        case (.released, .es):
            "El \(when), \(n) fue liberad\(g("o", "a")) sin cargos; su familia no había recibido "
                + "ninguna información durante todo ese tiempo."
        case (.released, .ar):
            "في \(when)، أُفرج عن \(n) دون توجيه أي تهمة، ولم \(g("تتلق عائلته", "تتلق عائلتها")) "
                + "أي معلومات طوال تلك الفترة."
        case (.chargesDropped, .en): "On \(when), the prosecutor's office dropped all charges against \(n)."
        case (.chargesDropped, .fr): "Le \(when), le parquet a abandonné toutes les charges retenues contre \(n)."
        case (.chargesDropped, .es): "El \(when), la fiscalía retiró todos los cargos contra \(n)."
        case (.chargesDropped, .ar):
            """
            في \(when)، أسقطت النيابة العامة جميع التهم الموجهة إلى \(n).
            """
        case (.sentenced, _): sentence(.sentencing, on: d)
        case (.upheld, .en): "On \(when), the court of appeal upheld the sentence handed down against \(n)."
        case (.upheld, .fr): "Le \(when), la cour d'appel a confirmé la peine prononcée contre \(n)."
        case (.upheld, .es): "El \(when), el tribunal de apelación confirmó la pena impuesta a \(n)."
        case (.upheld, .ar):
            """
            في \(when)، أيدت محكمة الاستئناف الحكم الصادر بحق \(n).
            """
        case (.newThreats, .en):
            "On \(when), \(n) received new threats after speaking to the press about "
                + "\(g("his", "her")) case."
        case (.newThreats, .fr):
            "Le \(when), \(n) a reçu de nouvelles menaces après s'être exprimé\(g("", "e")) "
                + "dans la presse au sujet de son affaire."
        case (.newThreats, .es): "El \(when), \(n) recibió nuevas amenazas tras hablar con la prensa sobre su caso."
        case (.newThreats, .ar):
            "في \(when)، \(g("تلقى", "تلقت")) \(n) تهديدات جديدة بعد \(g("حديثه", "حديثها")) "
                + "إلى الصحافة عن \(g("قضيته", "قضيتها"))."
        }
    }
}
