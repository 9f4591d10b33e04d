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
        if type == nil { errors["type"] = t("publications.error.type") }
        var kind: InterventionKind? = nil
        if !self.kind.isEmpty {
            kind = InterventionKind(rawValue: self.kind)
            if kind == nil {
                errors["kind"] = t("publications.error.kind")
            } else if type != .urgentIntervention {
                errors["kind"] = t("publications.error.kind-only")
            }
        }
        let language = Language(rawValue: language)
        if language == nil { errors["language"] = t("publications.error.language") }
        if title.isEmpty && type != .event { errors["title"] = t("publications.error.title") }
        if title.count > 500 { errors["title"] = t("publications.error.title-long", ["n": String(title.count)]) }
        let published = CivilDate(date)
        if published == nil { errors["date"] = t("publications.error.date") }
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
            let names = unknown.map { t("publications.quoted", ["name": $0]) }.joined(separator: ", ")
            errors["countries"] = t("publications.error.countries", ["names": names])
        } else if codes.isEmpty {
            errors["countries"] = t("publications.error.no-country")
        }
        let programmes = self.programmes.compactMap(Programme.init(rawValue:))
        if programmes.count != self.programmes.count { errors["programmes"] = t("publications.error.programmes") }
        if !reference.isEmpty && ReferenceCode(reference) == nil {
            errors["reference"] = t("publications.error.reference")
        }
        for (field, value) in [("follow_up_of", followUpOf), ("translation_of", translationOf)] where !value.isEmpty {
            if value == id {
                errors[field] = t("publications.error.itself")
            } else if try await !exists(value) {
                errors[field] = t("publications.error.no-publication", ["id": value])
            }
        }
        let eventDate = CivilDate(self.eventDate)
        if !self.eventDate.isEmpty && eventDate == nil { errors["event_date"] = t("publications.error.event-date") }
        if summary.count > 1_000 { errors["summary"] = t("publications.error.summary", ["n": String(summary.count)]) }
        if body.utf8.count > 1_000_000 { errors["body"] = t("publications.error.body") }
        if title.contains(where: { $0.unicodeScalars.contains { $0.value < 0x20 } }) {
            errors["title"] = t("publications.error.control")
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
