import Fluent
import Foundation
import ObservatoryCore

/// The editors' publication form: what was typed (kept as typed, to show again) and its validation.
struct PublicationForm: Sendable {
    var title = "", type = PublicationType.statement.rawValue, kind = "", language = Language.en.rawValue, date = ""
    var countries = "", programmes: [String] = [], reference = "", followUpOf = "", translationOf = "", eventDate = ""
    var summary = "", body = "", publishAt = ""

    init(today: CivilDate) { date = today.description }

    init(form: FormData) {
        title = form["title"]; type = form["type"]; kind = form["kind"]; language = form["language"];
        date = form["date"]
        countries = form["countries"]; programmes = form.values("programmes"); reference = form["reference"]
        followUpOf = form["follow_up_of"]; translationOf = form["translation_of"]; eventDate = form["event_date"]
        summary = form["summary"]; body = form.raw("body").replacingOccurrences(of: "\r\n", with: "\n");
        publishAt = form["publish_at"]
    }

    init(_ p: ArchivePublication, publishAt: Int64?) {
        title = p.title; type = p.type.rawValue; kind = p.kind?.rawValue ?? ""; language = p.language.rawValue
        date = p.published.description
        countries = p.countries.map { CountryDirectory.shared.country(code: $0)?.name ?? $0 }.joined(separator: "; ")
        programmes = p.programmes.map(\.rawValue); reference = p.reference ?? ""; followUpOf = p.followUpOf ?? ""
        translationOf = p.translationOf ?? ""; eventDate = p.eventDate?.description ?? ""; summary = p.summary;
        body = p.body
        self.publishAt = publishAt.map { String(iso8601(seconds: $0).prefix(16)) } ?? ""
    }

    /// The publication this form describes, or the problem with each invalid field (keyed by field name).
    /// `exists` tells whether an id names a stored publication (for follow-ups and translations).
    func validate(id: String, exists: (String) async throws -> Bool) async throws -> Result<ArchivePublication, Invalid>
    {
        var errors: [String: String] = [:]
        let type = PublicationType(rawValue: type)
        if type == nil { errors["type"] = "Choose a type." }
        var kind: InterventionKind? = nil
        if !self.kind.isEmpty {
            kind = InterventionKind(rawValue: self.kind)
            if kind == nil {
                errors["kind"] = "Choose a kind from the list."
            } else if type != .urgentIntervention {
                errors["kind"] = "Only urgent interventions have a kind; leave it empty."
            }
        }
        let language = Language(rawValue: language)
        if language == nil { errors["language"] = "Choose a language." }
        if title.isEmpty && type != .event { errors["title"] = "Write a title (by convention “Country: headline”)." }
        if title.count > 500 { errors["title"] = "Keep the title under 500 characters (it has \(title.count))." }
        let published = CivilDate(date)
        if published == nil { errors["date"] = "Give the date as YYYY-MM-DD, e.g. 2026-11-23." }
        var codes: [String] = []
        var unknown: [String] = []
        for name in countries.split(whereSeparator: { $0 == ";" || $0 == "\n" }).map({
            $0.trimmingCharacters(in: .whitespaces)
        }) where !name.isEmpty {
            if let country = CountryDirectory.shared.resolve(name) {
                if !codes.contains(country.code) { codes.append(country.code) }
            } else {
                unknown.append(name)
            }
        }
        if !unknown.isEmpty {
            errors["countries"] =
                "Unknown country: \(unknown.map { "“\($0)”" }.joined(separator: ", ")). Use names or ISO codes, separated by “;”."
        } else if codes.isEmpty {
            errors["countries"] = "Name at least one country (or EU)."
        }
        let programmes = self.programmes.compactMap(Programme.init(rawValue:))
        if programmes.count != self.programmes.count { errors["programmes"] = "Choose programmes from the list." }
        if !reference.isEmpty && ReferenceCode(reference) == nil {
            errors["reference"] = "A reference looks like “MEX 001 / 0916 / OBS 077” (a follow-up adds “.1”)."
        }
        for (field, value) in [("follow_up_of", followUpOf), ("translation_of", translationOf)] where !value.isEmpty {
            if value == id {
                errors[field] = "A publication cannot point to itself."
            } else if try await !exists(value) {
                errors[field] = "There is no publication with the id “\(value)”."
            }
        }
        let eventDate = CivilDate(self.eventDate)
        if !self.eventDate.isEmpty && eventDate == nil { errors["event_date"] = "Give the event’s date as YYYY-MM-DD." }
        if summary.count > 1_000 {
            errors["summary"] = "Keep the summary under 1,000 characters (it has \(summary.count))."
        }
        if body.utf8.count > 1_000_000 { errors["body"] = "The text is longer than 1 MB; split it." }
        if title.contains(where: { $0.unicodeScalars.contains { $0.value < 0x20 } }) {
            errors["title"] = "The title contains control characters."
        }
        guard errors.isEmpty, let type, let language, let published else { return .failure(Invalid(errors: errors)) }
        return .success(
            ArchivePublication(
                id: id, type: type, kind: kind, language: language, published: published, title: title,
                summary: summary, body: body, countries: codes, programmes: programmes,
                reference: reference.isEmpty ? nil : reference, followUpOf: followUpOf.isEmpty ? nil : followUpOf,
                translationOf: translationOf.isEmpty ? nil : translationOf, eventDate: eventDate))
    }

    /// The moment typed in "publish at" (`YYYY-MM-DDTHH:MM`, UTC), as seconds since 1970.
    var publishAtSeconds: Int64? {
        let parts = publishAt.split(separator: "T")
        guard parts.count == 2, let day = CivilDate(String(parts[0])) else { return nil }
        let time = parts[1].split(separator: ":").compactMap { Int($0) }
        guard time.count >= 2, (0..<24).contains(time[0]), (0..<60).contains(time[1]) else { return nil }
        return Int64(day.daysSinceEpoch) * 86_400 + Int64(time[0] * 3600 + time[1] * 60)
    }

    struct Invalid: Error, Sendable { var errors: [String: String] }
}
