import Foundation
import ObservatoryCore

/// The subscription form as typed, and the preferences it describes.
struct SubscriptionForm: Sendable {
    var email = "", languages: [String] = [], scope = SubscriptionPreferences.Scope.all.rawValue, countries = ""
    var programmes: [String] = [], types: [String] = [], bulletin = false

    init(language: Language) { languages = [language.rawValue] }

    init(form: FormData) {
        email = form["email"]; languages = form.values("languages"); scope = form["scope"];
        countries = form["countries"]
        programmes = form.values("programmes"); types = form.values("types"); bulletin = form["bulletin"] == "yes"
    }

    init(_ p: SubscriptionPreferences) {
        languages = p.languages.map(\.rawValue); scope = p.scope.rawValue
        countries = p.countries.compactMap { CountryDirectory.shared.country(code: $0)?.localName }.joined(
            separator: "; ")
        programmes = p.programmes.map(\.rawValue); types = p.types.map(\.rawValue); bulletin = p.bulletin
    }

    /// The preferences, or the problem of each field (keyed by field), in the reader's language.
    func validate(needsEmail: Bool) -> Result<SubscriptionPreferences, Invalid> {
        var errors: [String: String] = [:]
        if needsEmail
            && !(AccountStore.isPlausible(email: email) && MIME.isSafeAddress(AccountStore.normalise(email: email)))
        {
            errors["email"] = t("sub.error.email")
        }
        var codes: [String] = [], unknown: [String] = []
        for name in countries.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty
        {
            if let country = CountryDirectory.shared.resolve(name) {
                if !codes.contains(country.code) { codes.append(country.code) }
            } else {
                unknown.append(name)
            }
        }
        if !unknown.isEmpty {
            errors["countries"] = t("sub.error.countries", ["names": unknown.joined(separator: ", ")])
        }
        let preferences = SubscriptionPreferences(
            languages: Language.allCases.filter { languages.contains($0.rawValue) },
            scope: SubscriptionPreferences.Scope(rawValue: scope) ?? .all, countries: codes,
            programmes: programmes.compactMap(Programme.init(rawValue:)),
            types: types.compactMap(PublicationType.init(rawValue:)).filter(
                SubscriptionPreferences.mailedTypes.contains), bulletin: bulletin)
        switch preferences.problem {
        case "languages": errors["languages"] = t("sub.error.languages")
        case "selection": errors["scope"] = t("sub.error.selection")
        case "nothing": errors["scope"] = t("sub.error.nothing")
        default: break
        }
        return errors.isEmpty ? .success(preferences) : .failure(Invalid(errors: errors))
    }

    struct Invalid: Error { var errors: [String: String] }
}
