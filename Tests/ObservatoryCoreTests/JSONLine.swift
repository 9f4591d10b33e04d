import Foundation

@testable import ObservatoryCore

/// Writes a publication as an interchange-format line, for round-trip tests.
enum JSONLine {
    static func encode(_ p: ArchivePublication) throws -> String {
        var object: [String: Any] = [
            "id": p.id, "type": p.type.rawValue, "language": p.language.rawValue, "published": p.published.description,
            "title": p.title, "summary": p.summary, "body": p.body, "countries": p.countries,
            "programmes": p.programmes.map(\.rawValue)
        ]
        object["kind"] = p.kind?.rawValue
        object["reference"] = p.reference
        object["follow_up_of"] = p.followUpOf
        object["translation_of"] = p.translationOf
        object["event_date"] = p.eventDate?.description
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
}
