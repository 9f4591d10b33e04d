import Foundation

/// The first draft of an intervention: the usual sections of its kind, in its language, with the country,
/// the people at risk and the authorities' addresses filled in. The case officer then writes the facts.
public enum InterventionTemplate {
    public struct Draft: Sendable, Equatable {
        public let title: String
        public let body: String
    }

    struct Words {
        let newInformation, description, actions, addresses, callOn, writeTo, signature: String
        let requests: [String]
    }

    static func words(_ language: Language) -> Words {
        switch language {
        case .en: Words(newInformation: "New information", description: "Description of the situation", actions: "Actions requested",
                        addresses: "Addresses", callOn: "The Observatory calls on the authorities of %country% to:",
                        writeTo: "Please write to the authorities of %country%, asking them to:", signature: "The Observatory",
                        requests: ["Guarantee in all circumstances the physical and psychological integrity of %people%;",
                                   "Release %people% immediately and unconditionally;",
                                   "Put an end to all acts of harassment, including at the judicial level, against %people% and all human rights defenders in %country%;",
                                   "Comply with all the provisions of the United Nations Declaration on Human Rights Defenders."])
        case .fr: Words(newInformation: "Nouvelles informations", description: "Description de la situation", actions: "Actions requises",
                        addresses: "Adresses", callOn: "L’Observatoire appelle les autorités de %country% à :",
                        writeTo: "Merci d’écrire aux autorités de %country% en leur demandant de :", signature: "L’Observatoire",
                        requests: ["Garantir en toutes circonstances l’intégrité physique et psychologique de %people% ;",
                                   "Libérer immédiatement et inconditionnellement %people% ;",
                                   "Mettre un terme à tout acte de harcèlement, y compris judiciaire, à l’encontre de %people% et de l’ensemble des défenseurs des droits humains en %country% ;",
                                   "Se conformer à l’ensemble des dispositions de la Déclaration des Nations unies sur les défenseurs des droits de l’Homme."])
        case .es: Words(newInformation: "Nueva información", description: "Descripción de los hechos", actions: "Acciones solicitadas",
                        addresses: "Direcciones", callOn: "El Observatorio insta a las autoridades de %country% a:",
                        writeTo: "Escriban a las autoridades de %country% pidiéndoles que:", signature: "El Observatorio",
                        requests: ["Garanticen en todas circunstancias la integridad física y psicológica de %people%;",
                                   "Liberen de forma inmediata e incondicional a %people%;",
                                   "Pongan fin a todo acto de hostigamiento, incluso a nivel judicial, contra %people% y todas las personas defensoras de derechos humanos en %country%;",
                                   "Cumplan con las disposiciones de la Declaración de las Naciones Unidas sobre los Defensores de Derechos Humanos."])
        case .ar: Words(newInformation: "معلومات جديدة", description: "وصف الوضع", actions: "الإجراءات المطلوبة",
                        addresses: "العناوين", callOn: "يدعو المرصد سلطات %country% إلى:",
                        writeTo: "يرجى الكتابة إلى سلطات %country% ومطالبتها بما يلي:", signature: "المرصد",
                        requests: ["ضمان السلامة الجسدية والنفسية لـ %people% في جميع الظروف؛",
                                   "الإفراج الفوري وغير المشروط عن %people%؛",
                                   "وضع حد لجميع أعمال المضايقة، بما فيها القضائية، ضد %people% وجميع المدافعين عن حقوق الإنسان في %country%؛",
                                   "الامتثال لجميع أحكام إعلان الأمم المتحدة بشأن المدافعين عن حقوق الإنسان."])
        }
    }

    /// `people` are named as the case file names them; redaction later replaces whoever did not agree to be named.
    public static func draft(kind: InterventionKind, language: Language, followUp: Bool, country: String,
                             people: [String], addresses: [String]) -> Draft {
        let w = words(language)
        let who = people.isEmpty ? "…" : people.joined(separator: language == .ar ? "، " : ", ")
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "%country%", with: country).replacingOccurrences(of: "%people%", with: who)
        }
        let requests = w.requests.enumerated().map { "\($0.offset + 1). \(fill($0.element))" }.joined(separator: "\n")
        var sections: [String] = []
        if followUp { sections.append("## \(w.newInformation)\n\n…") }
        sections.append("## \(w.description)\n\n…")
        switch kind {
        case .urgentAppeal:
            sections.append("## \(w.actions)\n\n\(fill(w.writeTo))\n\n\(requests)")
            let list = addresses.isEmpty ? "- …" : addresses.map { "- " + $0.replacingOccurrences(of: "\n", with: ", ") }.joined(separator: "\n")
            sections.append("## \(w.addresses)\n\n\(list)")
        case .pressRelease:
            sections.append("\(fill(w.callOn))\n\n\(requests)")
        case .openLetter:
            sections.append("\(fill(w.callOn))\n\n\(requests)\n\n\(w.signature)")
        }
        return Draft(title: "\(country): …", body: sections.joined(separator: "\n\n"))
    }
}
