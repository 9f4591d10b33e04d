/// Regions of the demo, each with names as people there are called: invented combinations of common first
/// names and surnames, no real person's name.
enum DemoRegion: String, Sendable {
    case latin, brazil, russia, belarus, ukraine, azerbaijan, central, turkey, arab, maghreb, iran, china
    case francophone, anglophone, cambodia, thailand, philippines, vietnam, laos, india, pakistan, bangladesh

    /// Women's names, men's names, surnames (`masculine/feminine` where they differ); `Latin=عربي` gives the
    /// Arabic spelling. Surname first where the region writes it so.
    var names: (women: String, men: String, surnames: String, surnameFirst: Bool) {
        switch self {
        case .latin:
            (
                "Ana,María,Lucía,Carmen,Rosa,Elena,Patricia,Gabriela,Sofía,Marta,Juana,Verónica",
                "Luis,José,Carlos,Miguel,Juan,Andrés,Javier,Pedro,Raúl,Diego,Ernesto,Fernando",
                "López,Hernández,Martínez,Ramírez,Torres,Flores,Cruz,Morales,Ortiz,Vargas,Castillo,Rojas,"
                    + "Mendoza,Guzmán,Reyes,Salazar,Aguilar,Medina", false
            )
        case .brazil:
            (
                "Ana Paula,Juliana,Fernanda,Luana,Mariana,Cláudia", "João,Paulo,Marcos,Rafael,Antônio,Tiago",
                "Silva,Souza,Oliveira,Pereira,Costa,Almeida,Ferreira,Rodrigues", false
            )
        case .russia:
            (
                "Olga,Natalia,Irina,Svetlana,Tatiana,Anna,Yulia",
                "Sergei,Igor,Dmitri,Alexei,Pavel,Andrei,Nikolai",
                "Ivanov/Ivanova,Smirnov/Smirnova,Volkov/Volkova,Orlov/Orlova,Sokolov/Sokolova,Fedorov/Fedorova,"
                    + "Lebedev/Lebedeva", false
            )
        case .belarus:
            (
                "Volha,Hanna,Iryna,Nasta,Tamara", "Ales,Andrei,Siarhei,Pavel,Uladzimir",
                "Kavalenka,Novik,Zhuk,Sidarenka,Karpovich,Lukashevich", false
            )
        case .ukraine:
            (
                "Oksana,Iryna,Olena,Halyna,Nadiya", "Oleksandr,Taras,Mykola,Andriy,Bohdan",
                "Kovalenko,Shevchuk,Bondarenko,Melnyk,Tkachenko,Kravets", false
            )
        case .azerbaijan:
            (
                "Leyla,Gunel,Aynur,Sevinj,Nigar", "Rashad,Elnur,Anar,Tural,Emin",
                "Mammadov/Mammadova,Hasanov/Hasanova,Huseynov/Huseynova,Guliyev/Guliyeva,Jafarov/Jafarova",
                false
            )
        case .central:
            (
                "Aigul,Gulnara,Dilnoza,Aziza,Madina", "Rustam,Bakhrom,Timur,Azamat,Nurlan",
                "Tursunov/Tursunova,Karimov/Karimova,Nurmatov/Nurmatova,Sadykov/Sadykova,Bekov/Bekova", false
            )
        case .turkey:
            (
                "Ayşe,Elif,Zeynep,Fatma,Emine,Selin", "Mehmet,Ahmet,Murat,Hasan,Kemal,Serkan",
                "Yılmaz,Kaya,Demir,Şahin,Çelik,Aydın,Arslan,Doğan,Öztürk", false
            )
        case .arab, .maghreb:
            (
                "Fatima=فاطمة,Leila=ليلى,Mariam=مريم,Amal=أمل,Nour=نور,Salma=سلمى,Huda=هدى",
                "Ahmed=أحمد,Omar=عمر,Samir=سمير,Khaled=خالد,Youssef=يوسف,Karim=كريم,Hassan=حسن",
                """
                Haddad=الحداد,Qasim=قاسم,Nasser=ناصر,Saleh=صالح,Hamdi=حمدي,Ben Salah=بن \
                صالح,
                """
                    + "Othmani=العثماني,Bakri=البكري,Khalil=خليل,Darwish=درويش", false
            )
        case .iran:
            (
                "Maryam,Zahra,Shirin,Niloufar,Parisa", "Reza,Ali,Hossein,Mehdi,Saeed",
                "Ahmadi,Hosseini,Karimi,Rahimi,Moradi,Sadeghi", false
            )
        case .china: ("Min,Fang,Jing,Hui,Yan", "Wei,Jun,Lei,Qiang,Tao", "Wang,Liu,Chen,Yang,Zhao,Huang,Zhou", true)
        case .francophone:
            (
                "Claudine,Esther,Françoise,Solange,Nadine,Jeanne,Odette",
                "Jean-Claude,Pierre,Emmanuel,Patrick,Serge,Innocent,Fabrice",
                "Mukendi,Kabongo,Ilunga,Niyonzima,Hakizimana,Mbarga,Fotso,Tchatchoua,Bahati", false
            )
        case .anglophone:
            (
                "Grace,Ruth,Faith,Mercy,Rudo", "Peter,Brian,Samuel,Joseph,Tendai",
                "Moyo,Ncube,Sibanda,Otieno,Kamau,Ochieng,Chikwanha", false
            )
        case .cambodia: ("Sophea,Chanthy,Sreymom,Bopha", "Sokha,Vuthy,Dara,Rithy", "Chea,Sok,Heng,Chhun,Meas", true)
        case .thailand:
            (
                "Siriporn,Kanya,Nattaya,Pranee", "Somchai,Anan,Prasert,Wichai",
                "Srisuk,Wongsa,Chaiyaporn,Boonmee,Thongchai", false
            )
        case .philippines:
            (
                "Maria Luisa,Rowena,Cristina,Lorna", "Ramon,Eduardo,Rolando,Jerome",
                "Santos,Bautista,Villanueva,Mendoza,Aquino,Dizon", false
            )
        case .vietnam:
            (
                "Thi Lan,Thi Hoa,Thi Mai,Thi Thu", "Van Minh,Van Hung,Duc Anh,Quoc Bao",
                "Nguyen,Tran,Le,Pham,Hoang,Vu", true
            )
        case .laos: ("Bounmy,Noy,Khamla", "Khamphet,Souli,Bounthanh", "Phommachanh,Sisouk,Vongsa,Keomany", false)
        case .india:
            (
                "Priya,Sunita,Kavita,Lakshmi", "Rahul,Arjun,Vikram,Suresh", "Sharma,Patel,Das,Rao,Nair,Singh",
                false
            )
        case .pakistan: ("Ayesha,Sana,Nasreen,Rabia", "Imran,Tariq,Bilal,Asif", "Khan,Qureshi,Baloch,Malik,Butt", false)
        case .bangladesh:
            (
                "Farzana,Nasrin,Shirin,Taslima", "Rafiq,Kamal,Shahid,Anwar",
                "Hossain,Rahman,Chowdhury,Islam,Uddin", false
            )
        }
    }

    /// The working languages of the region's organisations.
    var workingLanguages: [String] {
        switch self {
        case .latin: ["en", "es"]
        case .brazil: ["en", "pt"]
        case .francophone: ["en", "fr"]
        case .maghreb: ["ar", "en", "fr"]
        case .arab: ["ar", "en"]
        case .russia, .belarus, .ukraine, .central, .azerbaijan: ["en", "ru"]
        default: ["en"]
        }
    }

    /// The languages the demo publishes this region's items in, with weights.
    var languages: [(Language, Int)] {
        switch self {
        case .latin: [(.en, 40), (.es, 55), (.fr, 5)]
        case .francophone: [(.en, 40), (.fr, 60)]
        case .maghreb: [(.en, 35), (.fr, 45), (.ar, 20)]
        case .arab: [(.en, 64), (.fr, 12), (.ar, 24)]
        default: [(.en, 80), (.fr, 12), (.es, 8)]
        }
    }
}

/// A person of a demo story: Latin spelling, Arabic spelling where the region has one.
struct DemoPerson: Sendable, Equatable {
    let name: String, arabic: String, feminine: Bool

    func name(in language: Language) -> String { language == .ar && !arabic.isEmpty ? arabic : name }

    static func random(in region: DemoRegion, rng: inout SplitMix64) -> DemoPerson {
        let table = region.names
        let feminine = rng.chance(0.45)
        let given = rng.pick((feminine ? table.women : table.men).split(separator: ",")).split(separator: "=")
        let family = rng.pick(table.surnames.split(separator: ",")).split(separator: "=")
        let forms = family[0].split(separator: "/")
        let surname = String(feminine && forms.count > 1 ? forms[1] : forms[0])
        let latin = table.surnameFirst ? "\(surname) \(given[0])" : "\(given[0]) \(surname)"
        let arabic = given.count > 1 && family.count > 1 ? "\(given[1]) \(family[1])" : ""
        return DemoPerson(name: latin, arabic: arabic, feminine: feminine)
    }
}
