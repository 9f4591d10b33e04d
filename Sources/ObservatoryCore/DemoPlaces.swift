/// The demo's countries, with their names as each language writes them in a sentence, a few cities, and
/// the naming customs of their region. Invented data for the demo only.
struct DemoCountry: Sendable {
    let code: String
    let weight: Int
    let region: DemoRegion
    /// English as a sentence writes it ("the Philippines"), the title drops "the".
    let en: String
    /// French title name, the preposition for "in" (au, en, aux, à) and the article of "of" (du, de la, de l', des,
    /// de).
    let fr: String, frIn: String, frOf: String
    /// Spanish as a sentence writes it ("la República Democrática del Congo"), the title drops the article.
    let es: String
    let ar: String
    let cities: [DemoCity]

    func title(in language: Language) -> String {
        switch language {
        case .en: en.hasPrefix("the ") ? String(en.dropFirst(4)) : en
        case .fr: fr
        case .es: es.hasPrefix("la ") ? String(es.dropFirst(3)) : es
        case .ar: ar
        }
    }

    /// Rows: code;weight;region;en;fr;frIn;frOf;es;ar;cities, where a city is `en|fr with its preposition|es|ar`
    /// or just one name that every language writes the same.
    static let all: [DemoCountry] = """
        MX;9;latin;Mexico;Mexique;au;du ;México;المكسيك;Oaxaca,Chihuahua,Acapulco
        CO;8;latin;Colombia;Colombie;en;de la ;Colombia;كولومبيا;Medellín,Cali,Barrancabermeja
        RU;7;russia;the Russian Federation;Russie;en;de la ;Rusia;روسيا;Kazan,Novosibirsk,Voronezh
        TR;6;turkey;Türkiye;Turquie;en;de la ;Turquía;تركيا;Diyarbakır,Ankara,Van
        EG;6;arab;Egypt;Égypte;en;de l';Egipto;مصر;Cairo|au Caire|El Cairo|القاهرة,\
        Alexandria|à Alexandrie|Alejandría|الإسكندرية,Mansoura|à Mansourah|Mansura|المنصورة
        IR;5;iran;Iran;Iran;en;de l';Irán;إيران;Tehran|à Téhéran|Teherán|,Tabriz,Mashhad|à Machhad|Mashhad|
        CN;5;china;China;Chine;en;de la ;China;الصين;Chengdu,Wuhan,Guangzhou|à Canton|Cantón|
        HN;5;latin;Honduras;Honduras;au;du ;Honduras;هندوراس;Tegucigalpa,San Pedro Sula,La Ceiba
        GT;4;latin;Guatemala;Guatemala;au;du ;Guatemala;غواتيمالا;Quetzaltenango,Cobán,Huehuetenango
        BY;4;belarus;Belarus;Bélarus;au;du ;Belarús;بيلاروس;Minsk,Hrodna,Homiel
        AZ;4;azerbaijan;Azerbaijan;Azerbaïdjan;en;de l';Azerbaiyán;أذربيجان;Baku|à Bakou|Bakú|,Ganja,Sumgait
        KZ;3;central;Kazakhstan;Kazakhstan;au;du ;Kazajistán;كازاخستان;Almaty,Astana,Shymkent
        KG;3;central;Kyrgyzstan;Kirghizistan;au;du ;Kirguistán;قيرغيزستان;Bishkek|à Bichkek|Biskek|,Osh,Jalal-Abad
        UZ;3;central;Uzbekistan;Ouzbékistan;en;de l';Uzbekistán;أوزبكستان;Tashkent|à Tachkent|Taskent|,Nukus,\
        Samarkand|à Samarcande|Samarcanda|
        CD;5;francophone;the Democratic Republic of the Congo;République démocratique du Congo;en;de la ;\
        la República Democrática del Congo;جمهورية الكونغو الديمقراطية;Goma,Kinshasa,Bukavu
        BI;3;francophone;Burundi;Burundi;au;du ;Burundi;بوروندي;Bujumbura,Gitega,Ngozi
        CM;3;francophone;Cameroon;Cameroun;au;du ;Camerún;الكاميرون;Douala,Yaoundé,Bamenda
        ZW;3;anglophone;Zimbabwe;Zimbabwe;au;du ;Zimbabue;زيمبابوي;Harare,Bulawayo,Mutare
        SD;3;arab;Sudan;Soudan;au;du ;Sudán;السودان;Khartoum|à Khartoum|Jartum|الخرطوم,\
        Omdurman|à Omdourman|Omdurmán|أم درمان,Port Sudan|à Port-Soudan|Puerto Sudán|بورتسودان
        KH;4;cambodia;Cambodia;Cambodge;au;du ;Camboya;كمبوديا;Phnom Penh,Siem Reap,Battambang
        TH;4;thailand;Thailand;Thaïlande;en;de la ;Tailandia;تايلاند;Bangkok,Chiang Mai,Khon Kaen
        PH;4;philippines;the Philippines;Philippines;aux;des ;Filipinas;الفلبين;Manila|à Manille|Manila|,Davao,Cebu
        VN;3;vietnam;Viet Nam;Viet Nam;au;du ;Vietnam;فيتنام;Hanoi|à Hanoï|Hanói|,Hue|à Hué|Hue|,Da Nang
        LA;1;laos;Laos;Laos;au;du ;Laos;لاوس;Vientiane,Luang Prabang,Savannakhet
        IN;4;india;India;Inde;en;de l';India;الهند;Chennai,Patna,Bhopal
        PK;3;pakistan;Pakistan;Pakistan;au;du ;Pakistán;باكستان;Lahore,Karachi,Quetta
        BD;3;bangladesh;Bangladesh;Bangladesh;au;du ;Bangladés;بنغلاديش;Dhaka,Khulna,Sylhet
        SA;3;arab;Saudi Arabia;Arabie saoudite;en;de l';Arabia Saudita;المملكة العربية السعودية;\
        Riyadh|à Riyad|Riad|الرياض,Jeddah|à Djeddah|Yeda|جدة,Dammam|à Dammam|Dammam|الدمام
        BH;3;arab;Bahrain;Bahreïn;à;de ;Baréin;البحرين;Manama|à Manama|Manama|المنامة,\
        Muharraq|à Muharraq|Muharraq|المحرق,Sitra|à Sitra|Sitra|سترة
        SY;2;arab;Syria;Syrie;en;de la ;Siria;سوريا;Damascus|à Damas|Damasco|دمشق,Aleppo|à Alep|Alepo|حلب,\
        Homs|à Homs|Homs|حمص
        TN;2;maghreb;Tunisia;Tunisie;en;de la ;Túnez;تونس;Sfax|à Sfax|Sfax|صفاقس,Gafsa|à Gafsa|Gafsa|قفصة,\
        Sousse|à Sousse|Susa|سوسة
        DZ;2;maghreb;Algeria;Algérie;en;de l';Argelia;الجزائر;Oran|à Oran|Orán|وهران,\
        Constantine|à Constantine|Constantina|قسنطينة,Béjaïa|à Béjaïa|Bugía|بجاية
        MA;2;maghreb;Morocco;Maroc;au;du ;Marruecos;المغرب;Rabat|à Rabat|Rabat|الرباط,\
        Casablanca|à Casablanca|Casablanca|الدار البيضاء,Al Hoceima|à Al Hoceïma|Alhucemas|الحسيمة
        VE;3;latin;Venezuela;Venezuela;au;du ;Venezuela;فنزويلا;Caracas,Maracaibo,Barquisimeto
        NI;3;latin;Nicaragua;Nicaragua;au;du ;Nicaragua;نيكاراغوا;Managua,León,Masaya
        BR;3;brazil;Brazil;Brésil;au;du ;Brasil;البرازيل;Belém,Marabá,Altamira
        PE;2;latin;Peru;Pérou;au;du ;Perú;بيرو;Cusco|à Cuzco|Cusco|,Puno,Cajamarca
        CU;2;latin;Cuba;Cuba;à;de ;Cuba;كوبا;Havana|à La Havane|La Habana|,Camagüey,Santiago de Cuba
        UA;2;ukraine;Ukraine;Ukraine;en;de l';Ucrania;أوكرانيا;Kharkiv,Dnipro,Odesa|à Odessa|Odesa|
        KE;2;anglophone;Kenya;Kenya;au;du ;Kenia;كينيا;Nairobi,Mombasa,Kisumu
        """.split(separator: "\n").map { line in
            let f = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            return DemoCountry(
                code: f[0], weight: Int(f[1])!, region: DemoRegion(rawValue: f[2])!, en: f[3], fr: f[4],
                frIn: f[5], frOf: f[6], es: f[7], ar: f[8],
                cities: f[9].split(separator: ",").map { DemoCity(String($0)) })
        }

    static func named(_ code: String) -> DemoCountry? { all.first { $0.code == code } }
}

/// A city as each language writes it; `ar` is empty when the demo has no Arabic name for it.
struct DemoCity: Sendable {
    let en: String, frIn: String, es: String, ar: String

    init(_ row: String) {
        let f = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        en = f[0]
        frIn = f.count > 1 ? f[1] : "à \(f[0])"
        es = f.count > 2 ? f[2] : f[0]
        ar = f.count > 3 ? f[3] : ""
    }

    /// The French name without its preposition ("Caire" keeps its article: "le Caire").
    var fr: String {
        if frIn.hasPrefix("au ") { return "le " + frIn.dropFirst(3) }
        return frIn.hasPrefix("à ") ? String(frIn.dropFirst(2)) : frIn
    }
}
